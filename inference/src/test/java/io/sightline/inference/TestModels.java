package io.sightline.inference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;

/** Model packages with known weights and synthetic images for the tests. */
final class TestModels {
    static final List<String> THREE_CLASSES = List.of("scratch", "ok", "dent");

    private TestModels() {}

    static ModelInfo info(List<String> classes, int widthPx, int heightPx) {
        return ModelInfo.of("test-model", "1", classes, widthPx, heightPx, 1, 0.5f, 0.25f);
    }

    /** Random convolutions, both heads all zero and p(defect) = (K-1)/K: probs are exactly 1/K for any input. */
    static InspectionCnn.Weights uniformOutput(int numClasses, long seed) {
        return biasOnly(new float[numClasses], seed, 0);
    }

    /**
     * Head kernels zero, the class head's biases {@code bias} and the decision bias chosen so that
     * p(defect) = 1 - softmax(bias)[okIndex]: probs are softmax(bias) for any input.
     */
    static InspectionCnn.Weights biasOnly(float[] bias, long seed, int okIndex) {
        int k = bias.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float b : bias) max = Math.max(max, b);
        double sum = 0;
        for (float b : bias) sum += Math.exp(b - max);
        double pOk = Math.exp(bias[okIndex] - max) / sum;
        float decisionBias = (float) Math.log((1 - pOk) / pOk);
        return InspectionCnn.Weights.heInitialised(1, k, seed)
                .with(InspectionCnn.Parameter.DENSE_KERNEL, new float[InspectionCnn.FEATURES * k])
                .with(InspectionCnn.Parameter.DENSE_BIAS, bias)
                .with(InspectionCnn.Parameter.MAP_KERNEL, new float[InspectionCnn.LAST_CHANNELS])
                .with(InspectionCnn.Parameter.GLOBAL_KERNEL, new float[InspectionCnn.LAST_CHANNELS])
                .with(InspectionCnn.Parameter.DECISION_BIAS, new float[] {decisionBias});
    }

    static Path export(Path dir, ModelInfo info, InspectionCnn.Weights weights) {
        InspectionCnn.exportPackage(dir, info, weights);
        return dir;
    }

    /** Exports the CNN under a hand-made signature, to test how loading rejects it. */
    static void exportWithSignature(Path dir, ModelInfo info, String signatureKey, String inputName, String outputName)
            throws IOException {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            InspectionCnn cnn = InspectionCnn.define(Ops.create(graph), info.inputWidth(), info.inputHeight(), info.okIndex(),
                    InspectionCnn.Weights.heInitialised(info.inputChannels(), info.numClasses(), 1));
            Signature signature = Signature.builder().key(signatureKey)
                    .input(inputName, cnn.image()).output(outputName, cnn.probs()).build();
            session.initialize();
            SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(signature, session)).export();
        }
        info.write(dir.resolve(ModelInfo.FILE_NAME));
    }

    static float[] noiseImage(int floats, Random random) {
        float[] image = new float[floats];
        for (int i = 0; i < floats; i++) image[i] = (float) random.nextGaussian();
        return image;
    }

    /**
     * A grey image of plain noise on a random background level; with {@code blob}, plus one small
     * bright spot (radius about 2 px) at a random place: a toy local defect.
     */
    static float[] toyImage(int sidePx, boolean blob, Random random) {
        float background = (float) (random.nextGaussian() * 0.5);
        float[] image = new float[sidePx * sidePx];
        for (int i = 0; i < image.length; i++) image[i] = background + (float) (random.nextGaussian() * 0.3);
        if (blob) {
            int centreX = 3 + random.nextInt(sidePx - 6);
            int centreY = 3 + random.nextInt(sidePx - 6);
            for (int y = 0; y < sidePx; y++) {
                for (int x = 0; x < sidePx; x++) {
                    double squaredDistance = (x - centreX) * (x - centreX) + (y - centreY) * (y - centreY);
                    image[y * sidePx + x] += (float) (2.5 * Math.exp(-squaredDistance / (2 * 1.5 * 1.5)));
                }
            }
        }
        return image;
    }
}
