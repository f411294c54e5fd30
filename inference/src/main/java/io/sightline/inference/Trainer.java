package io.sightline.inference;

import io.sightline.natives.Natives;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/**
 * Trains the {@link InspectionCnn} on labelled, already normalised images.
 *
 * <pre>
 *   TrainingData --stratified seeded split--> train / validation
 *   train: shuffled mini-batches, each image through the Augmentation (mirrors by default, see Augmenter),
 *          class-weighted cross-entropy, Adam with a fed rate (its own Graph, see AdamOptimizer):
 *          linear warm-up over epoch 1, rate halved after patience/2 epochs without a better epoch
 *   after each epoch: validation AUROC (ok vs any defect, score = 1 - p(ok)) and accuracy
 *   best epoch (AUROC, then accuracy) -> copy of its weights; stop after `patience` epochs without one
 *   --> TrainedModel with the best epoch's weights and the figures for model.json
 * </pre>
 *
 * <p>Deterministic for a given seed on a given machine: the seed drives the weight
 * initialisation, the split, the shuffling and the augmentation, the graph has no random ops, and
 * every update waits for every gradient of its step.
 */
public final class Trainer {
    private static final int VALIDATION_BATCH = 256;

    private Trainer() {}

    /**
     * Training settings.
     *
     * @param epochs most epochs to run (early stopping may end sooner)
     * @param batchSize images per optimiser step
     * @param learningRate Adam's learning rate
     * @param seed drives weight initialisation, validation split and shuffling
     * @param valFraction share of each class held out for validation, in (0,1)
     * @param patience epochs without a better validation result before stopping
     */
    public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, float valFraction, int patience) {
        public TrainOptions {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be a finite number > 0, got " + learningRate);
            }
            if (!(valFraction > 0 && valFraction < 1)) {
                throw new IllegalArgumentException("valFraction must be between 0 and 1 (exclusive), got " + valFraction);
            }
            if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        }

        /** 80 epochs, batches of 32, learning rate 0.002, seed 42, 20% validation, patience 8. */
        public static TrainOptions defaults() {
            return new TrainOptions(80, 32, 0.002f, 42L, 0.2f, 8);
        }
    }

    /**
     * Labelled images, already normalised as model.json describes, HWC, all of the same length.
     * The arrays are used as given, not copied: do not change them while training runs.
     *
     * @param classes class names; must include {@value ModelInfo#OK_CLASS}
     * @param images one float array per sample
     * @param labels index into {@code classes} per sample
     */
    public record TrainingData(List<String> classes, float[][] images, int[] labels) {
        public TrainingData {
            if (classes == null || images == null || labels == null) {
                throw new IllegalArgumentException("training data needs classes, images and labels (got null)");
            }
            classes = List.copyOf(classes);
            if (!classes.contains(ModelInfo.OK_CLASS)) {
                throw new IllegalArgumentException("classes " + classes + " do not include the passing class '"
                        + ModelInfo.OK_CLASS + "'");
            }
            if (classes.size() < 2) {
                throw new IllegalArgumentException("classes " + classes + " need at least one defect class besides '"
                        + ModelInfo.OK_CLASS + "'");
            }
            if (new HashSet<>(classes).size() != classes.size()) {
                throw new IllegalArgumentException("classes " + classes + " list a class twice");
            }
            if (images.length == 0) throw new IllegalArgumentException("training data is empty (0 images)");
            if (images.length != labels.length) {
                throw new IllegalArgumentException("training data has " + images.length + " images but " + labels.length + " labels");
            }
            int floatsPerImage = images[0].length;
            int[] counts = new int[classes.size()];
            for (int i = 0; i < images.length; i++) {
                if (images[i].length != floatsPerImage) {
                    throw new IllegalArgumentException("image " + i + " has " + images[i].length
                            + " floats but image 0 has " + floatsPerImage + " (all images must have the same size)");
                }
                if (labels[i] < 0 || labels[i] >= classes.size()) {
                    throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is not a class index 0.."
                            + (classes.size() - 1) + " of " + classes);
                }
                counts[labels[i]]++;
            }
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] == 0) throw new IllegalArgumentException("class '" + classes.get(k) + "' has no samples");
            }
        }

        /** Number of samples of each class, in {@link #classes()} order. */
        public int[] samplesPerClass() {
            int[] counts = new int[classes.size()];
            for (int label : labels) counts[label]++;
            return counts;
        }
    }

    /**
     * What the trainer does to each training image each time it goes into a batch. Draws every
     * random choice from the given {@link Random} (the trainer's seeded one), so training stays
     * deterministic.
     */
    public interface Augmentation {
        /** Writes an augmented copy of {@code image} into {@code batch} from {@code offset}. */
        void apply(float[] image, float[] batch, int offset, Random random);

        /** One line for model.json. */
        String describe();

        /** Random mirrors (and transposes of square images) only, in plain Java. */
        static Augmentation mirrors(int widthPx, int heightPx, int channels) {
            return new Augmentation() {
                @Override
                public void apply(float[] image, float[] batch, int offset, Random random) {
                    Augmenter.Symmetries.apply(image, batch, offset, widthPx, heightPx, channels,
                            random.nextInt(widthPx == heightPx ? 8 : 4));
                }

                @Override
                public String describe() {
                    return widthPx == heightPx
                            ? "random mirror and transpose (the 8 symmetries of the square), per sample and step"
                            : "random horizontal and vertical mirror, per sample and step";
                }
            };
        }
    }

    /** Training progress; epochs and steps are counted from 1. Called on the training thread. */
    public interface ProgressListener {
        /** Listens to nothing. */
        ProgressListener NONE = new ProgressListener() {
            @Override
            public void onStep(int epoch, int epochs, int step, int steps, float loss) {}

            @Override
            public void onEpoch(int epoch, float trainLoss, double valAuroc, double valAccuracy, boolean best) {}
        };

        /** After each optimiser step, with that batch's (class-weighted) loss. */
        void onStep(int epoch, int epochs, int step, int steps, float loss);

        /** After each epoch; {@code best} when its weights are the ones kept so far. */
        void onEpoch(int epoch, float trainLoss, double valAuroc, double valAccuracy, boolean best);
    }

    /**
     * Trains a CNN for {@code widthPx x heightPx x channels} images.
     *
     * @throws IllegalArgumentException if the images do not have width*height*channels floats, or
     *     the validation split lacks ok or defect samples (too few samples for {@code valFraction})
     */
    public static TrainedModel train(TrainingData data, int widthPx, int heightPx, int channels, TrainOptions options,
            ProgressListener listener) {
        return train(data, widthPx, heightPx, channels, options, Augmentation.mirrors(widthPx, heightPx, channels), listener);
    }

    /** As {@link #train(TrainingData, int, int, int, TrainOptions, ProgressListener)}, with the given augmentation. */
    public static TrainedModel train(TrainingData data, int widthPx, int heightPx, int channels, TrainOptions options,
            Augmentation augmentation, ProgressListener listener) {
        int floatsPerImage = Math.multiplyExact(Math.multiplyExact(widthPx, heightPx), channels);
        if (data.images()[0].length != floatsPerImage) {
            throw new IllegalArgumentException("images have " + data.images()[0].length + " floats, expected "
                    + widthPx + "x" + heightPx + "x" + channels + " = " + floatsPerImage);
        }
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        List<String> classes = data.classes();
        int numClasses = classes.size();
        int okIndex = classes.indexOf(ModelInfo.OK_CLASS);
        Random random = new Random(options.seed());
        Split split = Split.stratified(data, options.valFraction(), okIndex, random);
        float[] classWeights = inverseFrequencyWeights(data.labels(), split.train(), numClasses);

        Natives.tensorflow();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            InspectionCnn cnn = InspectionCnn.define(tf, widthPx, heightPx,
                    InspectionCnn.Weights.heInitialised(channels, numClasses, options.seed()));
            Placeholder<TFloat32> oneHotLabels = tf.withName("labels").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, numClasses)));
            Operand<TFloat32> sampleWeights = tf.reduceSum(tf.math.mul(oneHotLabels, tf.constant(classWeights)), tf.constant(1));
            Operand<TFloat32> crossEntropy = tf.nn.softmaxCrossEntropyWithLogits(cnn.logits(), oneHotLabels).loss();
            Operand<TFloat32> loss = tf.math.mean(tf.math.mul(crossEntropy, sampleWeights), tf.constant(0));
            List<Variable<TFloat32>> variables = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            for (InspectionCnn.Parameter parameter : InspectionCnn.Parameter.values()) {
                variables.add(cnn.variable(parameter));
                shapes.add(parameter.shape(channels, numClasses));
            }
            AdamOptimizer adam = new AdamOptimizer(graph, tf, loss, variables, shapes);

            try (Session session = new Session(graph, sessionConfig())) {
                Loop loop = new Loop(data, split, cnn, oneHotLabels, loss, adam, session, options, progress,
                        floatsPerImage, okIndex, random, augmentation);
                return loop.run(widthPx, heightPx, channels, classWeights);
            }
        }
    }

    /**
     * The training session's settings: no grappler remapper. It cannot fuse a leaky relu whose
     * gradient is in the same graph, logs an error on every new session and leaves the graph
     * alone anyway.
     */
    static ConfigProto sessionConfig() {
        return ConfigProto.newBuilder()
                .setGraphOptions(GraphOptions.newBuilder()
                        .setRewriteOptions(RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF)))
                .build();
    }

    private static float[] inverseFrequencyWeights(int[] labels, int[] trainIndices, int numClasses) {
        int[] counts = new int[numClasses];
        for (int i : trainIndices) counts[labels[i]]++;
        float[] weights = new float[numClasses];
        for (int k = 0; k < numClasses; k++) {
            weights[k] = (float) trainIndices.length / (numClasses * counts[k]);
        }
        return weights;
    }

    /** Sample indices of the training and validation parts. */
    private record Split(int[] train, int[] validation) {
        /**
         * Holds out round(n * valFraction) samples of each class (at least 1 and at most n - 1
         * when the class has 2 or more; none when it has 1) for validation.
         */
        static Split stratified(TrainingData data, float valFraction, int okIndex, Random random) {
            List<String> classes = data.classes();
            List<Integer> train = new ArrayList<>();
            List<Integer> validation = new ArrayList<>();
            boolean validationHasDefect = false;
            boolean validationHasOk = false;
            for (int k = 0; k < classes.size(); k++) {
                List<Integer> members = new ArrayList<>();
                for (int i = 0; i < data.labels().length; i++) {
                    if (data.labels()[i] == k) members.add(i);
                }
                Collections.shuffle(members, random);
                int held = members.size() < 2 ? 0
                        : Math.max(1, Math.min(members.size() - 1, Math.round(members.size() * valFraction)));
                validation.addAll(members.subList(0, held));
                train.addAll(members.subList(held, members.size()));
                if (held > 0 && k == okIndex) validationHasOk = true;
                if (held > 0 && k != okIndex) validationHasDefect = true;
            }
            if (!validationHasOk || !validationHasDefect) {
                throw new IllegalArgumentException("the validation split needs '" + ModelInfo.OK_CLASS
                        + "' and defect samples, and a class needs at least 2 samples to give one; samples per class: "
                        + countsByName(classes, data.samplesPerClass()));
            }
            Collections.sort(train);
            Collections.sort(validation);
            return new Split(train.stream().mapToInt(Integer::intValue).toArray(),
                    validation.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** One training run's state: the epochs, the evaluation after each, the best weights. */
    private static final class Loop {
        private final TrainingData data;
        private final Split split;
        private final InspectionCnn cnn;
        private final Placeholder<TFloat32> oneHotLabels;
        private final Operand<TFloat32> loss;
        private final AdamOptimizer adam;
        private final Session session;
        private final TrainOptions options;
        private final ProgressListener progress;
        private final int floatsPerImage;
        private final int numClasses;
        private final int okIndex;
        private final Random random;
        private final Augmentation augmentation;

        Loop(TrainingData data, Split split, InspectionCnn cnn, Placeholder<TFloat32> oneHotLabels, Operand<TFloat32> loss,
                AdamOptimizer adam, Session session, TrainOptions options, ProgressListener progress, int floatsPerImage,
                int okIndex, Random random, Augmentation augmentation) {
            this.data = data;
            this.split = split;
            this.cnn = cnn;
            this.oneHotLabels = oneHotLabels;
            this.loss = loss;
            this.adam = adam;
            this.session = session;
            this.options = options;
            this.progress = progress;
            this.floatsPerImage = floatsPerImage;
            this.numClasses = data.classes().size();
            this.okIndex = okIndex;
            this.random = random;
            this.augmentation = augmentation;
        }

        TrainedModel run(int widthPx, int heightPx, int channels, float[] classWeights) {
            int[] order = split.train().clone();
            int steps = (order.length + options.batchSize() - 1) / options.batchSize();
            float[] batchImages = new float[options.batchSize() * floatsPerImage];
            float[] batchLabels = new float[options.batchSize() * numClasses];
            float[][] bestWeights = null;
            double bestAuroc = Double.NEGATIVE_INFINITY;
            double bestAccuracy = Double.NEGATIVE_INFINITY;
            int bestEpoch = 0;
            int epochsRun = 0;
            int plateauEpochs = Math.max(1, options.patience() / 2);
            float rate = options.learningRate();
            int lastChange = 0; // epoch of the last best result or rate cut
            long globalStep = 0;
            for (int epoch = 1; epoch <= options.epochs() && epoch - bestEpoch <= options.patience(); epoch++) {
                if (epoch - lastChange > plateauEpochs) {
                    rate *= 0.5f;
                    lastChange = epoch - 1;
                }
                shuffle(order);
                double lossSum = 0;
                for (int step = 0; step < steps; step++) {
                    int from = step * options.batchSize();
                    int rows = Math.min(options.batchSize(), order.length - from);
                    Arrays.fill(batchLabels, 0f);
                    for (int r = 0; r < rows; r++) {
                        int sample = order[from + r];
                        augmentation.apply(data.images()[sample], batchImages, r * floatsPerImage, random);
                        batchLabels[r * numClasses + data.labels()[sample]] = 1f;
                    }
                    globalStep++;
                    // linear warm-up over the first epoch: big early steps are what unsettles a fresh CNN
                    float stepRate = epoch == 1 ? rate * (step + 1) / steps : rate;
                    float stepLoss = trainStep(batchImages, batchLabels, rows, globalStep, stepRate);
                    lossSum += (double) stepLoss * rows;
                    progress.onStep(epoch, options.epochs(), step + 1, steps, stepLoss);
                }
                epochsRun = epoch;
                ValidationFigures evaluation = evaluate(split.validation());
                boolean best = evaluation.auroc() > bestAuroc
                        || (evaluation.auroc() == bestAuroc && evaluation.accuracy() > bestAccuracy);
                if (best) {
                    lastChange = epoch;
                    bestAuroc = evaluation.auroc();
                    bestAccuracy = evaluation.accuracy();
                    bestEpoch = epoch;
                    bestWeights = fetchWeights();
                }
                progress.onEpoch(epoch, (float) (lossSum / order.length), evaluation.auroc(), evaluation.accuracy(), best);
            }
            InspectionCnn.Weights weights = InspectionCnn.Weights.adopt(channels, numClasses, bestWeights);
            return new TrainedModel(data.classes(), widthPx, heightPx, channels, weights,
                    trainingSummary(widthPx, heightPx, channels, classWeights, epochsRun, plateauEpochs, rate),
                    evaluationFigures(bestEpoch, bestAuroc, bestAccuracy),
                    bestEpoch, epochsRun, bestAuroc, bestAccuracy);
        }

        private float trainStep(float[] batchImages, float[] batchLabels, int rows, long step, float rate) {
            try (TFloat32 images = imagesTensor(batchImages, rows);
                    TFloat32 labels = TFloat32.tensorOf(Shape.of(rows, numClasses),
                            DataBuffers.of(batchLabels, true, false).narrow((long) rows * numClasses))) {
                Session.Runner runner = session.runner().feed(cnn.image(), images).feed(oneHotLabels, labels).fetch(loss);
                TFloat32[] fed = adam.feed(runner, step, rate);
                try (Result result = runner.run()) {
                    return ((TFloat32) result.get(0)).getFloat();
                } finally {
                    for (TFloat32 t : fed) t.close();
                }
            }
        }

        private ValidationFigures evaluate(int[] samples) {
            float[] defectScores = new float[samples.length];
            boolean[] defective = new boolean[samples.length];
            int correct = 0;
            float[] batchImages = new float[VALIDATION_BATCH * floatsPerImage];
            float[] probs = new float[VALIDATION_BATCH * numClasses];
            for (int from = 0; from < samples.length; from += VALIDATION_BATCH) {
                int rows = Math.min(VALIDATION_BATCH, samples.length - from);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(data.images()[samples[from + r]], 0, batchImages, r * floatsPerImage, floatsPerImage);
                }
                try (TFloat32 images = imagesTensor(batchImages, rows);
                        Result result = session.runner().feed(cnn.image(), images).fetch(cnn.probs()).run()) {
                    ((TFloat32) result.get(0)).copyTo(DataBuffers.of(probs, false, false).narrow((long) rows * numClasses));
                }
                for (int r = 0; r < rows; r++) {
                    int label = data.labels()[samples[from + r]];
                    defectScores[from + r] = 1f - probs[r * numClasses + okIndex];
                    defective[from + r] = label != okIndex;
                    if (argMax(probs, r * numClasses, numClasses) == label) correct++;
                }
            }
            return new ValidationFigures(Metrics.auroc(defectScores, defective), (double) correct / samples.length);
        }

        private float[][] fetchWeights() {
            InspectionCnn.Parameter[] parameters = InspectionCnn.Parameter.values();
            Session.Runner runner = session.runner();
            for (InspectionCnn.Parameter parameter : parameters) runner.fetch(cnn.variable(parameter));
            float[][] values = new float[parameters.length][];
            try (Result result = runner.run()) {
                for (InspectionCnn.Parameter parameter : parameters) {
                    float[] parameterValues = new float[parameter.size(cnn.channels(), numClasses)];
                    ((TFloat32) result.get(parameter.ordinal())).copyTo(DataBuffers.of(parameterValues, false, false));
                    values[parameter.ordinal()] = parameterValues;
                }
            }
            return values;
        }

        private TFloat32 imagesTensor(float[] batchImages, int rows) {
            FloatDataBuffer rowsData = DataBuffers.of(batchImages, true, false).narrow((long) rows * floatsPerImage);
            return TFloat32.tensorOf(Shape.of(rows, cnn.heightPx(), cnn.widthPx(), cnn.channels()), rowsData);
        }

        private void shuffle(int[] order) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }

        private Map<String, Object> trainingSummary(int widthPx, int heightPx, int channels, float[] classWeights, int epochsRun,
                int plateauEpochs, float finalRate) {
            Map<String, Object> optionsMap = new LinkedHashMap<>();
            optionsMap.put("epochs", options.epochs());
            optionsMap.put("batchSize", options.batchSize());
            optionsMap.put("learningRate", options.learningRate());
            optionsMap.put("seed", options.seed());
            optionsMap.put("valFraction", options.valFraction());
            optionsMap.put("patience", options.patience());
            Map<String, Object> weightsByClass = new LinkedHashMap<>();
            for (int k = 0; k < numClasses; k++) weightsByClass.put(data.classes().get(k), classWeights[k]);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("architecture", InspectionCnn.ARCHITECTURE);
            summary.put("flopsPerImage", InspectionCnn.flopsPerImage(widthPx, heightPx, channels, numClasses));
            summary.put("optimizer", "adam");
            summary.put("learningRateSchedule", "linear warm-up over epoch 1, halved after " + plateauEpochs
                    + " epochs without a better validation AUROC");
            summary.put("finalLearningRate", finalRate);
            summary.put("augmentation", augmentation.describe());
            summary.put("options", optionsMap);
            summary.put("epochsRun", epochsRun);
            summary.put("samples", data.labels().length);
            summary.put("samplesPerClass", countsByName(data.classes(), data.samplesPerClass()));
            summary.put("trainSamplesPerClass", countsByName(data.classes(), countPerClass(split.train())));
            summary.put("classWeights", weightsByClass);
            return summary;
        }

        private Map<String, Object> evaluationFigures(int bestEpoch, double auroc, double accuracy) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("dataset", "validation split");
            figures.put("validationAuroc", auroc);
            figures.put("validationAccuracy", accuracy);
            figures.put("aurocDefinition", "ok vs any defect, score = 1 - p(ok)");
            figures.put("validationSamplesPerClass", countsByName(data.classes(), countPerClass(split.validation())));
            figures.put("bestEpoch", bestEpoch);
            return figures;
        }

        private int[] countPerClass(int[] samples) {
            int[] counts = new int[numClasses];
            for (int i : samples) counts[data.labels()[i]]++;
            return counts;
        }
    }

    private record ValidationFigures(double auroc, double accuracy) {}

    private static int argMax(float[] values, int from, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[from + k] > values[from + best]) best = k;
        }
        return best;
    }

    private static Map<String, Object> countsByName(List<String> classes, int[] counts) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (int k = 0; k < classes.size(); k++) byName.put(classes.get(k), counts[k]);
        return byName;
    }
}
