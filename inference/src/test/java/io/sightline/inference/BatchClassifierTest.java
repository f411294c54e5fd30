package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.natives.NativeBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchClassifierTest {
    private static final int WIDTH_PX = 40;
    private static final int HEIGHT_PX = 24;
    private static final int MAX_BATCH = 6;

    @TempDir
    Path tempDir;

    @Test
    void bucketsAreExactUpTo16ThenPowersOfTwoThenMaxBatch() {
        assertArrayEquals(new int[] {1}, BatchClassifier.bucketSizes(1));
        assertArrayEquals(new int[] {1, 2}, BatchClassifier.bucketSizes(2));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, BatchClassifier.bucketSizes(6));
        int[] sixteen = BatchClassifier.bucketSizes(16);
        assertEquals(16, sixteen.length);
        for (int i = 0; i < 16; i++) assertEquals(i + 1, sixteen[i]);
        int[] forty = BatchClassifier.bucketSizes(40);
        assertArrayEquals(new int[] {15, 16, 32, 40}, java.util.Arrays.copyOfRange(forty, 14, forty.length));
        int[] big = BatchClassifier.bucketSizes(1024);
        assertEquals(16 + 6, big.length); // 1..16, 32, 64, ..., 512, 1024
        assertEquals(1024, big[big.length - 1]);
        int[] seventeen = BatchClassifier.bucketSizes(17);
        assertEquals(17, seventeen.length);
        assertEquals(17, seventeen[16]);
    }

    @Test
    void zeroDenseLayerGivesExactlyUniformProbsAtEveryBatchSize() {
        ModelInfo info = TestModels.info(TestModels.THREE_CLASSES, WIDTH_PX, HEIGHT_PX);
        Path dir = TestModels.export(tempDir.resolve("uniform"), info, TestModels.uniformOutput(3, 11));
        Random random = new Random(1);
        try (ModelPackage model = ModelPackage.load(dir); BatchClassifier classifier = model.newClassifier(MAX_BATCH)) {
            assertEquals(MAX_BATCH, classifier.maxBatch());
            assertEquals(WIDTH_PX * HEIGHT_PX, classifier.floatsPerImage());
            assertEquals(3, classifier.numClasses());
            assertEquals(1, classifier.okIndex());
            int[][] batchesAndBuckets = {{1, 1}, {3, 3}, {MAX_BATCH, MAX_BATCH}, {5, 5}, {2, 2}};
            for (int[] batchAndBucket : batchesAndBuckets) {
                int n = batchAndBucket[0];
                for (int row = 0; row < n; row++) {
                    classifier.stage(row, TestModels.noiseImage(classifier.floatsPerImage(), random));
                }
                classifier.run(n);
                assertEquals(batchAndBucket[1], classifier.lastBucket(), "bucket for a batch of " + n);
                for (int row = 0; row < n; row++) {
                    for (int k = 0; k < 3; k++) {
                        assertEquals(1f / 3, classifier.prob(row, k), 1e-7, "row " + row + " class " + k);
                    }
                    assertEquals(2f / 3, classifier.defectScore(row), 1e-6);
                }
                int rowsRun = n;
                assertThrows(IndexOutOfBoundsException.class, () -> classifier.prob(rowsRun, 0));
            }
        }
    }

    @Test
    void biasFavouringOneClassGivesSoftmaxOfTheBias() {
        float[] bias = {0f, (float) Math.log(4), 0f};
        ModelInfo info = TestModels.info(TestModels.THREE_CLASSES, WIDTH_PX, HEIGHT_PX);
        Path dir = TestModels.export(tempDir.resolve("bias"), info, TestModels.biasOnly(bias, 12, TestModels.THREE_CLASSES.indexOf("ok")));
        try (ModelPackage model = ModelPackage.load(dir); BatchClassifier classifier = model.newClassifier(MAX_BATCH)) {
            Random random = new Random(2);
            for (int row = 0; row < 3; row++) classifier.stage(row, TestModels.noiseImage(classifier.floatsPerImage(), random));
            classifier.run(3);
            for (int row = 0; row < 3; row++) {
                assertEquals(1f / 6, classifier.prob(row, 0), 1e-6);
                assertEquals(4f / 6, classifier.prob(row, 1), 1e-6);
                assertEquals(1f / 6, classifier.prob(row, 2), 1e-6);
                assertEquals(1f / 3, classifier.defectScore(row), 1e-6);
            }
        }
    }

    @Test
    void sameImageGivesSameProbsWhateverItsRowAndBatchSize() {
        ModelInfo info = TestModels.info(TestModels.THREE_CLASSES, WIDTH_PX, HEIGHT_PX);
        Path dir = TestModels.export(tempDir.resolve("random"), info, InspectionCnn.Weights.heInitialised(1, 3, 13));
        Random random = new Random(3);
        try (ModelPackage model = ModelPackage.load(dir); BatchClassifier classifier = model.newClassifier(MAX_BATCH)) {
            float[] probe = TestModels.noiseImage(classifier.floatsPerImage(), random);
            classifier.stage(0, probe);
            classifier.run(1);
            float[] alone = probsOfRow(classifier, 0);
            assertTrue(Math.abs(alone[0] - alone[1]) > 1e-3, "random weights should not give uniform probs");

            for (int n : new int[] {2, 3, MAX_BATCH}) {
                for (int probeRow : new int[] {0, n - 1}) {
                    for (int row = 0; row < n; row++) {
                        classifier.stage(row, row == probeRow ? probe : TestModels.noiseImage(classifier.floatsPerImage(), random));
                    }
                    classifier.run(n);
                    assertArrayEquals(alone, probsOfRow(classifier, probeRow), 1e-5f, "batch " + n + ", row " + probeRow);
                }
            }
        }
    }

    @Test
    void stagingFromNativeMemoryEqualsStagingFromAnArrayAndIgnoresPosition() {
        ModelInfo info = TestModels.info(List.of("ok", "defect"), WIDTH_PX, HEIGHT_PX);
        Path dir = TestModels.export(tempDir.resolve("pointer"), info, InspectionCnn.Weights.heInitialised(1, 2, 14));
        Random random = new Random(4);
        try (ModelPackage model = ModelPackage.load(dir);
                BatchClassifier classifier = model.newClassifier(4);
                NativeBuffer nativeImage = NativeBuffer.allocateFloats(WIDTH_PX * HEIGHT_PX)) {
            float[] image = TestModels.noiseImage(classifier.floatsPerImage(), random);
            nativeImage.floats().put(image, 0, image.length);
            try (FloatPointer moved = new FloatPointer(nativeImage.floats())) {
                moved.position(17);
                classifier.stage(0, image);
                classifier.stage(1, nativeImage.floats());
                classifier.stage(2, moved);
            }
            classifier.run(3);
            assertArrayEquals(probsOfRow(classifier, 0), probsOfRow(classifier, 1), 1e-6f);
            assertArrayEquals(probsOfRow(classifier, 0), probsOfRow(classifier, 2), 1e-6f);
        }
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        ModelInfo info = TestModels.info(List.of("ok", "defect"), WIDTH_PX, HEIGHT_PX);
        Path dir = TestModels.export(tempDir.resolve("args"), info, InspectionCnn.Weights.heInitialised(1, 2, 15));
        try (ModelPackage model = ModelPackage.load(dir)) {
            IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class, () -> model.newClassifier(1025));
            assertTrue(tooLarge.getMessage().contains("1025"), tooLarge.getMessage());
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> model.newClassifier(0));
            assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());

            BatchClassifier classifier = model.newClassifier(2);
            IllegalArgumentException shortImage = assertThrows(IllegalArgumentException.class,
                    () -> classifier.stage(0, new float[10]));
            assertTrue(shortImage.getMessage().contains("10 floats, expected " + WIDTH_PX * HEIGHT_PX), shortImage.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> classifier.stage(2, new float[WIDTH_PX * HEIGHT_PX]));
            IllegalArgumentException emptyBatch = assertThrows(IllegalArgumentException.class, () -> classifier.run(0));
            assertTrue(emptyBatch.getMessage().contains("got 0"), emptyBatch.getMessage());
            assertThrows(IllegalArgumentException.class, () -> classifier.run(3));
            assertThrows(IndexOutOfBoundsException.class, () -> classifier.prob(0, 0), "no run yet");

            classifier.close();
            classifier.close();
            assertThrows(IllegalStateException.class, () -> classifier.run(1));
        }
    }

    @Test
    void runOnAClosedPackageIsAnInferenceException() {
        ModelInfo info = TestModels.info(List.of("ok", "defect"), WIDTH_PX, HEIGHT_PX);
        Path dir = TestModels.export(tempDir.resolve("closed"), info, InspectionCnn.Weights.heInitialised(1, 2, 16));
        ModelPackage model = ModelPackage.load(dir);
        try (BatchClassifier classifier = model.newClassifier(2)) {
            classifier.run(1);
            model.close();
            InferenceException failure = assertThrows(InferenceException.class, () -> classifier.run(2));
            assertTrue(failure.getMessage().contains("batch of 2"), failure.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> model.newClassifier(1));
    }

    private static float[] probsOfRow(BatchClassifier classifier, int row) {
        float[] probs = new float[classifier.numClasses()];
        for (int k = 0; k < probs.length; k++) probs[k] = classifier.prob(row, k);
        return probs;
    }
}
