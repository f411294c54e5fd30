package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Good-only training on the real TensorFlow: a model that never saw a defect ranks held-out
 * defective parts above good ones, and its defect map points at the defect.
 */
class AnomalyTrainingTest {
    private static final int SIDE_PX = 128;

    @TempDir
    Path tempDir;

    @Test
    void learnsFromGoodPartsAloneAndItsMapFindsTheDefect() {
        Random random = new Random(3);
        int n = 160;
        float[][] images = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) images[i] = texture(random);
        Trainer.TrainingData good = new Trainer.TrainingData(List.of("ok"), images, labels);
        Trainer.TrainOptions options = new Trainer.TrainOptions(100, 32, 0.003f, 11L, 0.25f, 100);
        TrainedModel model = Trainer.trainAnomaly(good, SIDE_PX, SIDE_PX, 1, options,
                Trainer.Augmentation.mirrors(SIDE_PX, SIDE_PX, 1), null);
        assertEquals(List.of("ok", "anomaly"), model.classes());
        assertEquals("anomaly", model.trainingSummary().get("mode"));
        assertEquals(0, model.trainingSummary().get("defectImagesUsedToFit"));

        Path dir = tempDir.resolve("anomaly");
        model.export(dir, ModelInfo.of("toy-anomaly", "1", model.classes(), SIDE_PX, SIDE_PX, 1, 0.5f, 0.25f)
                .withMode(ModelInfo.MODE_ANOMALY));
        Random testRandom = new Random(99);
        int tests = 48;
        float[] scores = new float[tests];
        boolean[] defective = new boolean[tests];
        List<Double> missesPx = new java.util.ArrayList<>();
        try (ModelPackage pkg = ModelPackage.load(dir); BatchClassifier classifier = pkg.newClassifier(tests)) {
            assertTrue(pkg.info().isAnomaly());
            assertTrue(classifier.hasDefectMap());
            int[][] centres = new int[tests][];
            for (int i = 0; i < tests; i++) {
                float[] image = texture(testRandom);
                defective[i] = i % 2 == 1;
                if (defective[i]) {
                    // a dark pit the model has never seen, away from the border
                    centres[i] = new int[] {8 + testRandom.nextInt(SIDE_PX - 16), 8 + testRandom.nextInt(SIDE_PX - 16)};
                    pit(image, centres[i][0], centres[i][1]);
                }
                classifier.stage(i, image);
            }
            classifier.run(tests);
            int[] box = new int[6];
            for (int i = 0; i < tests; i++) {
                scores[i] = classifier.defectScore(i);
                if (!defective[i]) continue;
                assertTrue(classifier.locate(i, box));
                missesPx.add(Math.hypot(box[4] - centres[i][0], box[5] - centres[i][1]));
            }
        }
        double auroc = Metrics.auroc(scores, defective);
        assertTrue(auroc > 0.9, "held-out pits against good parts: AUROC " + auroc);
        // the map has 8x8 cells of 16 px; its refined peak lands within half a cell of the pit's centre
        // (at 64 px the last layer's 75 px receptive field spans the whole image and nothing localises)
        java.util.Collections.sort(missesPx);
        double median = missesPx.get(missesPx.size() / 2);
        long within = missesPx.stream().filter(d -> d <= 8).count();
        assertTrue(median <= 6 && within >= 0.8 * missesPx.size(),
                "distances from the map's peak to the pit, px: " + missesPx);
    }

    @Test
    void refusesTooFewGoodImages() {
        float[][] images = new float[Trainer.MIN_ANOMALY_OK_IMAGES - 1][];
        for (int i = 0; i < images.length; i++) images[i] = new float[16 * 16];
        Trainer.TrainingData few = new Trainer.TrainingData(List.of("ok"), images, new int[images.length]);
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> Trainer.trainAnomaly(few, 16, 16, 1,
                Trainer.TrainOptions.defaults(), Trainer.Augmentation.mirrors(16, 16, 1), null));
        assertTrue(failure.getMessage().contains("at least " + Trainer.MIN_ANOMALY_OK_IMAGES + " 'ok' images, got "
                + images.length), failure.getMessage());
    }

    /** A good part: a brushed surface (horizontal streaks) with noise, normalised about 0. */
    private static float[] texture(Random random) {
        float[] image = new float[SIDE_PX * SIDE_PX];
        double phase = random.nextDouble() * Math.PI * 2;
        float level = (float) (random.nextGaussian() * 0.2);
        for (int y = 0; y < SIDE_PX; y++) {
            float streak = (float) (0.4 * Math.sin(y * 0.9 + phase));
            for (int x = 0; x < SIDE_PX; x++) image[y * SIDE_PX + x] = level + streak + (float) (random.nextGaussian() * 0.25);
        }
        return image;
    }

    private static void pit(float[] image, int cx, int cy) {
        for (int y = 0; y < SIDE_PX; y++) {
            for (int x = 0; x < SIDE_PX; x++) {
                double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                image[y * SIDE_PX + x] -= (float) (2.0 * Math.exp(-d2 / (2 * 2.0 * 2.0)));
            }
        }
    }
}
