package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The model input a dataset calls for, when the user does not give one: derived from the
 * images themselves, with no knowledge of any particular dataset.
 *
 * <ul>
 *   <li><b>Orientation</b>: the majority's; a portrait image of a mostly landscape set counts
 *       turned (and {@link ImageTensorizer} turns it the same way).</li>
 *   <li><b>Size</b>: the median image size (each side's median, in that orientation), scaled down by the smallest factor {@code s >= 1}
 *       that brings it to at most {@link #MAX_INPUT_PIXELS}, keeping the aspect ratio, each side
 *       rounded to a multiple of 16 (the CNN halves four times). A defect {@code d} pixels wide
 *       stays {@code d / s} input pixels wide; {@link #scale()} is recorded in model.json so a
 *       user can check it against the smallest defect that matters.</li>
 *   <li><b>Channels</b>: 3 when any probed image is colour in fact (its channels differ by more
 *       than {@link #COLOUR_LEVELS} gray levels on average), else 1. A colour JPEG of a gray
 *       scene trains a gray model, which is cheaper and is what gray cameras deliver.</li>
 *   <li><b>Normalisation</b>: the probed images' pixel mean and standard deviation.</li>
 * </ul>
 *
 * @param width model input width
 * @param height model input height
 * @param channels 1 or 3
 * @param scale source pixels per input pixel for the median image (at least 1)
 * @param probed how many images were probed
 * @param medianWidth median probed width
 * @param medianHeight median probed height
 * @param pixelMean mean pixel value of the probed images, 0..1 (all channels): the normalisation mean
 * @param pixelStd standard deviation of the pixel values, 0..1: the normalisation scale
 */
public record InputChoice(int width, int height, int channels, double scale, int probed, int medianWidth,
                          int medianHeight, float pixelMean, float pixelStd) {
    /** Largest automatic input, in pixels (for example 512x256): keeps a 2-core training run within minutes. */
    public static final int MAX_INPUT_PIXELS = 131_072;
    /** Mean absolute difference between channels, in gray levels, above which an image counts as colour. */
    public static final double COLOUR_LEVELS = 3.0;
    /** Images looked at. */
    public static final int MAX_PROBED = 48;

    /**
     * Probes up to {@link #MAX_PROBED} samples spread evenly over {@code samples}; unreadable
     * ones are passed over (reading the dataset reports them).
     *
     * @throws IllegalArgumentException if none of the probed files is a readable image
     */
    public static InputChoice probe(List<ImageDataset.Sample> samples) {
        Natives.opencv();
        List<int[]> sizes = new ArrayList<>();
        boolean colour = false;
        double sum = 0;
        double sumSquares = 0;
        double pixels = 0;
        int step = Math.max(1, samples.size() / MAX_PROBED);
        int tried = 0;
        for (int i = 0; i < samples.size() && tried < MAX_PROBED; i += step, tried++) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(samples.get(i).path());
            } catch (IOException e) {
                continue;
            }
            if (bytes.length == 0) continue;
            try (BytePointer data = new BytePointer(bytes);
                 Mat encoded = new Mat(1, bytes.length, CV_8UC1, data);
                 Mat image = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR)) {
                if (image == null || image.empty()) continue;
                sizes.add(new int[] {image.cols(), image.rows()});
                if (!colour && image.depth() == CV_8U) colour = channelSpread(image) > COLOUR_LEVELS;
                try (Mat mean = new Mat(); Mat std = new Mat()) {
                    opencv_core.meanStdDev(image, mean, std);
                    double n = (double) image.cols() * image.rows();
                    DoubleIndexer m = mean.createIndexer();
                    DoubleIndexer d = std.createIndexer();
                    for (int c = 0; c < image.channels(); c++) {
                        double mu = m.get(c) / 255.0;
                        double sd = d.get(c) / 255.0;
                        sum += mu * n;
                        sumSquares += (sd * sd + mu * mu) * n;
                        pixels += n;
                    }
                    m.close();
                    d.close();
                }
            }
        }
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("none of the " + tried + " probed images could be read (corrupt files or "
                    + "unsupported formats?); expected " + ImageDataset.IMAGE_EXTENSIONS + " images");
        }
        // one orientation for all: the majority's (a portrait image of a landscape set is turned)
        long landscape = sizes.stream().filter(s -> s[0] > s[1]).count();
        long portrait = sizes.stream().filter(s -> s[1] > s[0]).count();
        boolean canonicalLandscape = landscape >= portrait;
        for (int[] s : sizes) {
            if (s[0] != s[1] && (s[0] > s[1]) != canonicalLandscape) {
                int swap = s[0];
                s[0] = s[1];
                s[1] = swap;
            }
        }
        int[] widths = sizes.stream().mapToInt(s -> s[0]).sorted().toArray();
        int[] heights = sizes.stream().mapToInt(s -> s[1]).sorted().toArray();
        double mean = sum / pixels;
        double std = Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean));
        return forSize(widths[widths.length / 2], heights[heights.length / 2], colour ? 3 : 1, sizes.size(),
                round3(mean), Math.max(0.01f, round3(std)));
    }

    /** The input for images of the given (median) size. */
    public static InputChoice forSize(int imageWidth, int imageHeight, int channels, int probed, float pixelMean,
                                      float pixelStd) {
        double scale = Math.max(1.0, Math.sqrt((double) imageWidth * imageHeight / MAX_INPUT_PIXELS));
        int w = roundTo16(imageWidth / scale);
        int h = roundTo16(imageHeight / scale);
        return new InputChoice(w, h, channels, (double) imageWidth / w, probed, imageWidth, imageHeight, pixelMean, pixelStd);
    }

    /** The same choice with another input size (the user's). */
    public InputChoice withSize(int inputWidth, int inputHeight) {
        return new InputChoice(inputWidth, inputHeight, channels, (double) medianWidth / inputWidth, probed, medianWidth,
                medianHeight, pixelMean, pixelStd);
    }

    /** The same choice with another channel count (the user's). */
    public InputChoice withChannels(int c) {
        return new InputChoice(width, height, c, scale, probed, medianWidth, medianHeight, pixelMean, pixelStd);
    }

    private static float round3(double v) {
        return (float) (Math.round(v * 1000) / 1000.0);
    }

    private static int roundTo16(double v) {
        return Math.max(32, (int) Math.round(v / 16) * 16);
    }

    /** Mean absolute difference between B and G and between G and R, in gray levels. */
    private static double channelSpread(Mat bgr) {
        try (MatVector planes = new MatVector(); Mat diff = new Mat()) {
            opencv_core.split(bgr, planes);
            opencv_core.absdiff(planes.get(0), planes.get(1), diff);
            double bg;
            try (Scalar m = opencv_core.mean(diff)) {
                bg = m.get(0);
            }
            opencv_core.absdiff(planes.get(1), planes.get(2), diff);
            double gr;
            try (Scalar m = opencv_core.mean(diff)) {
                gr = m.get(0);
            }
            return (bg + gr) / 2;
        }
    }

    /** "560x224x1 (median image 1130x460, scale 2.02)". */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%dx%d (median image %dx%d of %d probed, %.2f source pixels per input pixel; "
                + "pixel mean %.3f, std %.3f)", width, height, channels, medianWidth, medianHeight, probed, scale, pixelMean, pixelStd);
    }
}
