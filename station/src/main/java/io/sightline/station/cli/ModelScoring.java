package io.sightline.station.cli;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.preprocess.ImageDataset;
import io.sightline.preprocess.ImageTensorizer;
import io.sightline.preprocess.LabelledImages;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs a model package over labelled image files the way the station would see them: the same
 * {@link ImageTensorizer} as training, the same {@link BatchClassifier} as the inspection workers.
 */
final class ModelScoring {
    /** Images per session run. */
    static final int BATCH = 16;

    private ModelScoring() {}

    /** The read images, their class probabilities (row per image) and labels in the model's class indices. */
    record Scored(LabelledImages images, float[][] probs, int[] labels) {}

    /**
     * Reads {@code samples} (skipping unreadable files with a warning) and scores them.
     *
     * @throws IllegalArgumentException if a sample's class is not one of the model's classes
     */
    static Scored score(ModelPackage model, List<ImageDataset.Sample> samples, PrintStream err) {
        ModelInfo info = model.info();
        List<ImageDataset.Sample> mapped = new ArrayList<>();
        for (ImageDataset.Sample s : samples) {
            int k = info.classes().indexOf(s.className());
            if (k < 0) {
                throw new IllegalArgumentException("class '" + s.className() + "' (" + s.path().getParent() + ") is not a class of model "
                        + model.dir() + ", which knows " + info.classes());
            }
            mapped.add(new ImageDataset.Sample(s.path(), s.className(), k));
        }
        LabelledImages images;
        try (ImageTensorizer tensorizer = new ImageTensorizer(info.inputWidth(), info.inputHeight(), info.inputChannels(),
                info.normMean(), info.normStd())) {
            images = LabelledImages.read(mapped, tensorizer, w -> err.println("\rsightline: " + w),
                    (done, total) -> progress(err, "reading images", done, total));
        }
        err.println();
        int n = images.tensors().length;
        float[][] probs = new float[n][info.numClasses()];
        try (BatchClassifier classifier = model.newClassifier(BATCH)) {
            for (int from = 0; from < n; from += BATCH) {
                int rows = Math.min(BATCH, n - from);
                for (int r = 0; r < rows; r++) classifier.stage(r, images.tensors()[from + r]);
                classifier.run(rows);
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < info.numClasses(); k++) probs[from + r][k] = classifier.prob(r, k);
                }
                progress(err, "scoring", from + rows, n);
            }
        }
        if (n > 0) err.println();
        return new Scored(images, probs, images.labels());
    }

    static void progress(PrintStream err, String what, int done, int total) {
        if (done == total || done % 25 == 0) {
            err.printf(Locale.ROOT, "\r%s %d/%d", what, done, total);
        }
    }
}
