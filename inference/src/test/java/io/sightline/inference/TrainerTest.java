package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final int SIDE_PX = 32;
    private static final List<String> CLASSES = List.of("ok", "blob");
    private static final Trainer.TrainOptions OPTIONS = new Trainer.TrainOptions(8, 32, 0.005f, 7L, 0.25f, 3);

    @TempDir
    Path tempDir;

    @Test
    void learnsToSpotABrightBlobAndIsReproducible() {
        Trainer.TrainingData data = toyData(320, new Random(100));
        List<double[]> epochFigures = new ArrayList<>();
        int[] stepCalls = {0};
        Trainer.ProgressListener listener = new Trainer.ProgressListener() {
            @Override
            public void onStep(int epoch, int epochs, int step, int steps, float loss) {
                assertTrue(Float.isFinite(loss), "loss at epoch " + epoch + " step " + step);
                stepCalls[0]++;
            }

            @Override
            public void onEpoch(int epoch, float trainLoss, double valAuroc, double valAccuracy, boolean best) {
                epochFigures.add(new double[] {epoch, valAuroc, valAccuracy, best ? 1 : 0});
            }
        };
        TrainedModel first = Trainer.train(data, SIDE_PX, SIDE_PX, 1, OPTIONS, listener);

        assertTrue(first.validationAuroc() > 0.95, "validation AUROC " + first.validationAuroc());
        assertEquals(epochFigures.size(), first.epochsRun());
        assertEquals(first.epochsRun() * 8, stepCalls[0], "240 training samples in batches of 32 = 8 steps per epoch");
        double[] lastBest = epochFigures.stream().filter(figures -> figures[3] == 1).reduce((a, b) -> b).orElseThrow();
        assertEquals(lastBest[0], first.bestEpoch());
        assertEquals(lastBest[1], first.validationAuroc());
        assertEquals(epochFigures.stream().mapToDouble(figures -> figures[1]).max().orElseThrow(), first.validationAuroc());

        TrainedModel second = Trainer.train(data, SIDE_PX, SIDE_PX, 1, OPTIONS, Trainer.ProgressListener.NONE);
        ModelInfo base = ModelInfo.of("toy", "1", CLASSES, SIDE_PX, SIDE_PX, 1, 0.5f, 0.25f);
        first.export(tempDir.resolve("first"), base);
        second.export(tempDir.resolve("second"), base);

        Random testRandom = new Random(200);
        float[][] testImages = new float[64][];
        boolean[] testDefective = new boolean[64];
        for (int i = 0; i < testImages.length; i++) {
            testDefective[i] = i % 2 == 1;
            testImages[i] = TestModels.toyImage(SIDE_PX, testDefective[i], testRandom);
        }
        float[] firstScores = defectScores(tempDir.resolve("first"), testImages);
        float[] secondScores = defectScores(tempDir.resolve("second"), testImages);
        assertArrayEquals(firstScores, secondScores, 0f, "same seed, same model");
        assertTrue(Metrics.auroc(firstScores, testDefective) > 0.95, "test AUROC of the exported model");

        ModelInfo exported = ModelInfo.read(tempDir.resolve("first").resolve(ModelInfo.FILE_NAME));
        assertEquals(first.bestEpoch(), exported.evaluation().get("bestEpoch"));
        assertEquals(first.validationAuroc(), exported.evaluation().get("validationAuroc"));
        assertEquals(Map.of("ok", 40, "blob", 40), exported.evaluation().get("validationSamplesPerClass"));
        assertEquals(Map.of("ok", 160, "blob", 160), exported.training().get("samplesPerClass"));
        assertEquals(7, ((Map<?, ?>) exported.training().get("options")).get("seed"));
        assertEquals(first.epochsRun(), exported.training().get("epochsRun"));
    }

    @Test
    void weightsTheClassLossBySquareRootInverseFrequency() {
        // 3 ok : 1 defect; a split of 25% leaves 30 ok and 10 defects for training.
        Random random = new Random(5);
        float[][] images = new float[53][];
        int[] labels = new int[53];
        for (int i = 0; i < images.length; i++) {
            labels[i] = i < 40 ? 0 : 1;
            images[i] = TestModels.toyImage(16, labels[i] == 1, random);
        }
        TrainedModel model = Trainer.train(new Trainer.TrainingData(CLASSES, images, labels), 16, 16, 1,
                new Trainer.TrainOptions(1, 16, 0.001f, 1L, 0.25f, 1), null);
        Map<?, ?> classWeights = (Map<?, ?>) model.trainingSummary().get("classWeights");
        float ok = (float) classWeights.get("ok");
        float blob = (float) classWeights.get("blob");
        assertEquals(Math.sqrt(3), blob / ok, 1e-5, "three times rarer weighs sqrt(3) times as much");
        assertEquals(1.0, (30 * ok + 10 * blob) / 40, 1e-5, "the average weight over the training samples is 1");
    }

    @Test
    void rejectsUnusableData() {
        float[] image = new float[16 * 16];
        assertMessage("training data is empty",
                () -> new Trainer.TrainingData(CLASSES, new float[0][], new int[0]));
        assertMessage("image 1 has 10 floats but image 0 has 256",
                () -> new Trainer.TrainingData(CLASSES, new float[][] {image, new float[10]}, new int[] {0, 1}));
        assertMessage("class 'blob' has no samples",
                () -> Trainer.train(new Trainer.TrainingData(CLASSES, new float[][] {image, image}, new int[] {0, 0}),
                        16, 16, 1, Trainer.TrainOptions.defaults(), null));
        assertMessage("do not include the passing class 'ok'",
                () -> new Trainer.TrainingData(List.of("good", "blob"), new float[][] {image, image}, new int[] {0, 1}));
        assertMessage("has 2 images but 1 labels",
                () -> new Trainer.TrainingData(CLASSES, new float[][] {image, image}, new int[] {0}));
        Trainer.TrainingData data = new Trainer.TrainingData(CLASSES, new float[][] {image, image, image, image},
                new int[] {0, 0, 1, 1});
        assertMessage("images have 256 floats, expected 32x32x1 = 1024",
                () -> Trainer.train(data, 32, 32, 1, Trainer.TrainOptions.defaults(), null));
        Trainer.TrainingData oneDefect = new Trainer.TrainingData(CLASSES, new float[][] {image, image, image},
                new int[] {0, 0, 1});
        assertMessage("the validation split needs 'ok' and defect samples",
                () -> Trainer.train(oneDefect, 16, 16, 1, Trainer.TrainOptions.defaults(), null));
        assertMessage("valFraction must be between 0 and 1", () -> new Trainer.TrainOptions(1, 1, 0.1f, 1, 0f, 1));
    }

    private static Trainer.TrainingData toyData(int samples, Random random) {
        float[][] images = new float[samples][];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            labels[i] = i % 2;
            images[i] = TestModels.toyImage(SIDE_PX, labels[i] == 1, random);
        }
        return new Trainer.TrainingData(CLASSES, images, labels);
    }

    private static float[] defectScores(Path modelDir, float[][] images) {
        float[] scores = new float[images.length];
        try (ModelPackage model = ModelPackage.load(modelDir); BatchClassifier classifier = model.newClassifier(16)) {
            for (int from = 0; from < images.length; from += 16) {
                int rows = Math.min(16, images.length - from);
                for (int row = 0; row < rows; row++) classifier.stage(row, images[from + row]);
                classifier.run(rows);
                for (int row = 0; row < rows; row++) scores[from + row] = classifier.defectScore(row);
            }
        }
        return scores;
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, action);
        assertTrue(failure.getMessage().contains(expectedPart),
                "expected the message to contain\n  " + expectedPart + "\nbut it was\n  " + failure.getMessage());
    }
}
