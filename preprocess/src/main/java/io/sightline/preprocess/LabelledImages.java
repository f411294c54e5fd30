package io.sightline.preprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Images of an {@link ImageDataset} turned into tensors, with what could not be read set aside.
 *
 * <p>An unreadable or corrupt file never stops a run: it is skipped, named in a warning, and
 * counted in {@link #skipped()}; every image read before and after it is kept.
 *
 * @param samples the samples that were read, in the order given
 * @param tensors one tensor per read sample (HWC floats, normalised)
 * @param labels class index per read sample
 * @param skipped one message per file that could not be read, naming it and why
 * @param sourceFormats how many read files had each source format ("1130x460 3ch 8bit" -> count)
 */
public record LabelledImages(List<ImageDataset.Sample> samples, float[][] tensors, int[] labels, List<String> skipped,
                             Map<String, Integer> sourceFormats) {

    /** Progress while reading: files done and total. */
    public interface Progress {
        void onFile(int done, int total);
    }

    /**
     * Reads every sample through {@code tensorizer}.
     *
     * @param warn receives one line per skipped file
     */
    public static LabelledImages read(List<ImageDataset.Sample> samples, ImageTensorizer tensorizer, Consumer<String> warn,
                                      Progress progress) {
        List<ImageDataset.Sample> read = new ArrayList<>();
        List<float[]> tensors = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, Integer> formats = new TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            ImageDataset.Sample s = samples.get(i);
            float[] tensor = new float[tensorizer.floatsPerImage()];
            try {
                ImageTensorizer.SourceImage src = tensorizer.load(s.path(), tensor);
                formats.merge(src.width() + "x" + src.height() + " " + src.channels() + "ch " + src.bitsPerChannel() + "bit",
                        1, Integer::sum);
                read.add(s);
                tensors.add(tensor);
            } catch (ImageTensorizer.UnreadableImageException e) {
                skipped.add(e.getMessage());
                warn.accept("skipped " + e.getMessage());
            }
            if (progress != null) progress.onFile(i + 1, samples.size());
        }
        int[] labels = new int[read.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = read.get(i).label();
        return new LabelledImages(List.copyOf(read), tensors.toArray(new float[0][]), labels, List.copyOf(skipped),
                Map.copyOf(formats));
    }
}
