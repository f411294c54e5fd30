package io.sightline.inference.dataset;

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
public final class ModelScoring {
    /** Images per session run. */
    public static final int BATCH = 16;

    private ModelScoring() {}

    /**
     * The read images, their class probabilities (row per image), labels in the model's class
     * indices and, when the model has one, each image's defect map (null without).
     */
    public record Scored(LabelledImages images, float[][] probs, int[] labels, Maps maps) {}

    /**
     * Each image's defect map from the same session run as its probabilities: {@code values[i]} is
     * image i's p(defect) per cell, row by row, {@code width x height} cells over an input of
     * {@code inputWidth x inputHeight} pixels.
     */
    public record Maps(int width, int height, int inputWidth, int inputHeight, float[][] values) {}

    /**
     * Reads {@code samples} (skipping unreadable files with a warning) and scores them.
     *
     * For an anomaly model every class but ok counts as {@code anomaly}.
     *
     * @throws IllegalArgumentException if a sample's class is not one of the (supervised) model's classes
     */
    public static Scored score(ModelPackage model, List<ImageDataset.Sample> samples, PrintStream err) {
        ModelInfo info = model.info();
        List<ImageDataset.Sample> mapped = new ArrayList<>();
        for (ImageDataset.Sample s : samples) {
            // an anomaly model knows ok and anomaly: every defect class of the folder is an anomaly
            int k = info.isAnomaly() ? (s.className().equals(ModelInfo.OK_CLASS) ? 0 : 1) : info.classes().indexOf(s.className());
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
        Maps maps = null;
        try (BatchClassifier classifier = model.newClassifier(BATCH)) {
            if (classifier.hasDefectMap()) {
                maps = new Maps(classifier.mapWidth(), classifier.mapHeight(), info.inputWidth(), info.inputHeight(),
                        new float[n][classifier.mapWidth() * classifier.mapHeight()]);
            }
            for (int from = 0; from < n; from += BATCH) {
                int rows = Math.min(BATCH, n - from);
                for (int r = 0; r < rows; r++) classifier.stage(r, images.tensors()[from + r]);
                classifier.run(rows);
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < info.numClasses(); k++) probs[from + r][k] = classifier.prob(r, k);
                    if (maps == null) continue;
                    float[] map = maps.values()[from + r];
                    for (int y = 0; y < maps.height(); y++) {
                        for (int x = 0; x < maps.width(); x++) map[y * maps.width() + x] = classifier.mapValue(r, x, y);
                    }
                }
                progress(err, "scoring", from + rows, n);
            }
        }
        if (n > 0) err.println();
        return new Scored(images, probs, images.labels(), maps);
    }

    /** Rewrites one progress line in place ({@code \r}) every 25 items and at the end. */
    public static void progress(PrintStream err, String what, int done, int total) {
        if (done == total || done % 25 == 0) {
            err.printf(Locale.ROOT, "\r%s %d/%d", what, done, total);
        }
    }
}
