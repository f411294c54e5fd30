package io.sightline.inference;

import io.sightline.natives.Natives;
import java.util.ArrayList;
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
 * The training graph and loop both modes of {@link Trainer} share.
 *
 * <pre>
 *   loss = balanced BCE(decision logit, defect?)         ok and defect images weigh half each
 *        + 0.5 * weighted CE(class logits, class)         sqrt-inverse-frequency class weights
 *        [+ BCE(cell logits, map target), anomaly mode]   where the synthetic anomaly was painted
 *
 *   plan:  steps = max(MIN_STEPS, MIN_EPOCHS epochs), at most the options' epochs
 *   rate:  linear warm-up over the first WARMUP_SHARE of the steps, then cosine decay to FINAL_RATE_SHARE
 *   after each epoch: validation AUROC (ok vs any defect, score = 1 - p(ok)), accuracy, decision loss;
 *   best = higher AUROC, then lower validation loss; stop early only in the last 40% of the plan,
 *   after max(patience, plan/4) epochs without a better one
 * </pre>
 *
 * <p>Why a step budget rather than a count of epochs: an epoch of 800 images is 25 optimiser
 * steps, of 10,000 images 250. The old recipe (80 epochs, halve the rate after 4 epochs without a
 * better validation AUROC, stop after 8) stopped a 1,300-image, six-class set after 13 epochs:
 * 325 steps, training loss barely below chance, and a validation set of a few dozen defects whose
 * AUROC peaked by luck at epoch 5. Measured in steps, a small set gets as many updates as the
 * network needs, and the cosine schedule ends at a small rate without depending on a noisy
 * validation figure to decide when to slow down.
 */
final class TrainingLoop {
    /** Fewest optimiser steps a run plans, whatever the size of the data. */
    static final int MIN_STEPS = 2000;
    /** Fewest epochs a run plans. */
    static final int MIN_EPOCHS = 25;
    static final double WARMUP_SHARE = 0.03;
    static final double FINAL_RATE_SHARE = 0.02;
    /** The share of the plan before which the loop never stops early. */
    static final double NO_STOP_SHARE = 0.6;
    static final float CLASS_LOSS_WEIGHT = 0.5f;
    static final float MAP_LOSS_WEIGHT = 1f;
    private static final int VALIDATION_BATCH = 64;
    /**
     * Validate and export an average of the weights ({@link WeightAverage}); the system property
     * {@code sightline.train.average=false} turns it off, to reproduce the comparison in the README.
     */
    static final boolean AVERAGE_WEIGHTS = !"false".equals(System.getProperty("sightline.train.average"));

    /** Images with labels, for validation. */
    record Examples(float[][] images, int[] labels) {
        static Examples of(Trainer.TrainingData data, int[] samples) {
            float[][] images = new float[samples.length][];
            int[] labels = new int[samples.length];
            for (int i = 0; i < samples.length; i++) {
                images[i] = data.images()[samples[i]];
                labels[i] = data.labels()[samples[i]];
            }
            return new Examples(images, labels);
        }
    }

    /** The training samples, written one batch row at a time. */
    interface Batches {
        int size();

        /**
         * Writes training sample {@code position} (0..size-1), augmented, into {@code images} from
         * {@code offset} and, in map mode, its defect-map target from {@code targetOffset}.
         *
         * @return its class index
         */
        int fill(int position, float[] images, int offset, float[] target, int targetOffset, Random random);
    }

    private final List<String> classes;
    private final int okIndex;
    private final int widthPx;
    private final int heightPx;
    private final int channels;
    private final int numClasses;
    private final int floatsPerImage;
    private final int mapCells;
    private final Trainer.TrainOptions options;
    private final float[] classWeights;
    private final boolean mapLoss;

    TrainingLoop(List<String> classes, int okIndex, int widthPx, int heightPx, int channels, Trainer.TrainOptions options,
            float[] classWeights, boolean mapLoss) {
        this.classes = List.copyOf(classes);
        this.okIndex = okIndex;
        this.widthPx = widthPx;
        this.heightPx = heightPx;
        this.channels = channels;
        this.numClasses = classes.size();
        this.floatsPerImage = widthPx * heightPx * channels;
        this.mapCells = InspectionCnn.mapSide(widthPx) * InspectionCnn.mapSide(heightPx);
        this.options = options;
        this.classWeights = classWeights.clone();
        this.mapLoss = mapLoss;
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

    /** Epochs planned for {@code trainSamples} samples: see the class comment. */
    int plannedEpochs(int trainSamples) {
        int stepsPerEpoch = (trainSamples + options.batchSize() - 1) / options.batchSize();
        int forSteps = (MIN_STEPS + stepsPerEpoch - 1) / stepsPerEpoch;
        return Math.min(options.epochs(), Math.max(MIN_EPOCHS, forSteps));
    }

    /** The learning rate at step {@code step} (from 0) of {@code totalSteps}. */
    static float rate(float peak, long step, long totalSteps) {
        long warmup = Math.max(1, Math.round(totalSteps * WARMUP_SHARE));
        if (step < warmup) return peak * (step + 1) / warmup;
        double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, totalSteps - warmup));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (peak * (FINAL_RATE_SHARE + (1 - FINAL_RATE_SHARE) * cosine));
    }

    TrainedModel run(Batches batches, Examples validation, Examples reportOnly, Random random,
            Trainer.ProgressListener progress, Map<String, Object> summary, Map<String, Object> figures) {
        Natives.tensorflow();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            InspectionCnn cnn = InspectionCnn.define(tf, widthPx, heightPx, okIndex,
                    InspectionCnn.Weights.heInitialised(channels, numClasses, options.seed()));
            Placeholder<TFloat32> oneHot = tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, numClasses)));
            Placeholder<TFloat32> mapTarget = tf.withName("map_target").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, InspectionCnn.mapSide(heightPx), InspectionCnn.mapSide(widthPx), 1)));
            Losses losses = losses(tf, cnn, oneHot, mapTarget);
            List<Variable<TFloat32>> variables = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            for (InspectionCnn.Parameter parameter : InspectionCnn.Parameter.values()) {
                variables.add(cnn.variable(parameter));
                shapes.add(parameter.shape(channels, numClasses));
            }
            AdamOptimizer adam = new AdamOptimizer(graph, tf, losses.total(), variables, shapes);
            long plannedSteps = (long) plannedEpochs(batches.size()) * ((batches.size() + options.batchSize() - 1) / options.batchSize());
            WeightAverage average = AVERAGE_WEIGHTS ? new WeightAverage(tf, variables, shapes, plannedSteps) : null;
            try (Session session = new Session(graph, sessionConfig())) {
                return new Run(session, cnn, oneHot, mapTarget, losses, adam, average, batches, random, progress)
                        .train(validation, reportOnly, summary, figures);
            }
        }
    }

    private record Losses(Operand<TFloat32> total, Operand<TFloat32> decisionPerSample) {}

    private Losses losses(Ops tf, InspectionCnn cnn, Placeholder<TFloat32> oneHot, Placeholder<TFloat32> mapTarget) {
        float[] okColumn = new float[numClasses];
        okColumn[okIndex] = 1f;
        Operand<TFloat32> isDefect = tf.math.sub(tf.constant(1f), tf.reduceSum(tf.math.mul(oneHot, tf.constant(okColumn)), tf.constant(1)));
        Operand<TFloat32> decision = bce(tf, cnn.decisionLogit(), isDefect);
        // balance inside the batch: ok rows and defect rows each weigh half of the decision loss
        Operand<TFloat32> defectRows = tf.math.maximum(tf.reduceSum(isDefect, tf.constant(0)), tf.constant(1f));
        Operand<TFloat32> okRows = tf.math.maximum(tf.reduceSum(tf.math.sub(tf.constant(1f), isDefect), tf.constant(0)), tf.constant(1f));
        Operand<TFloat32> decisionLoss = tf.math.add(
                tf.math.div(tf.reduceSum(tf.math.mul(decision, isDefect), tf.constant(0)), tf.math.mul(defectRows, tf.constant(2f))),
                tf.math.div(tf.reduceSum(tf.math.mul(decision, tf.math.sub(tf.constant(1f), isDefect)), tf.constant(0)),
                        tf.math.mul(okRows, tf.constant(2f))));
        Operand<TFloat32> sampleWeights = tf.reduceSum(tf.math.mul(oneHot, tf.constant(classWeights)), tf.constant(1));
        Operand<TFloat32> crossEntropy = tf.nn.softmaxCrossEntropyWithLogits(cnn.logits(), oneHot).loss();
        Operand<TFloat32> classLoss = tf.math.mean(tf.math.mul(crossEntropy, sampleWeights), tf.constant(0));
        Operand<TFloat32> total = tf.math.add(decisionLoss, tf.math.mul(classLoss, tf.constant(CLASS_LOSS_WEIGHT)));
        if (mapLoss) {
            Operand<TFloat32> cells = bce(tf, cnn.cellLogits(), mapTarget);
            Operand<TFloat32> mapMean = tf.math.mean(cells, tf.constant(new int[] {0, 1, 2, 3}));
            total = tf.math.add(total, tf.math.mul(mapMean, tf.constant(MAP_LOSS_WEIGHT)));
        }
        return new Losses(total, decision);
    }

    /** Binary cross-entropy with logits, elementwise: max(x,0) - x z + log(1 + exp(-|x|)). */
    private static Operand<TFloat32> bce(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets) {
        return tf.math.add(tf.math.sub(tf.math.maximum(logits, tf.constant(0f)), tf.math.mul(logits, targets)),
                tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
    }

    private record Figures(double auroc, double accuracy, double decisionLoss) {}

    /** One run's state. */
    private final class Run {
        private final Session session;
        private final InspectionCnn cnn;
        private final Placeholder<TFloat32> oneHot;
        private final Placeholder<TFloat32> mapTarget;
        private final Losses losses;
        private final AdamOptimizer adam;
        private final WeightAverage average;
        private final Batches batches;
        private final Random random;
        private final Trainer.ProgressListener progress;

        Run(Session session, InspectionCnn cnn, Placeholder<TFloat32> oneHot, Placeholder<TFloat32> mapTarget, Losses losses,
                AdamOptimizer adam, WeightAverage average, Batches batches, Random random, Trainer.ProgressListener progress) {
            this.session = session;
            this.cnn = cnn;
            this.oneHot = oneHot;
            this.mapTarget = mapTarget;
            this.losses = losses;
            this.adam = adam;
            this.average = average;
            this.batches = batches;
            this.random = random;
            this.progress = progress;
        }

        TrainedModel train(Examples validation, Examples reportOnly, Map<String, Object> summary, Map<String, Object> figures) {
            int batch = options.batchSize();
            int[] order = new int[batches.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            int steps = (order.length + batch - 1) / batch;
            int epochs = plannedEpochs(order.length);
            long totalSteps = (long) steps * epochs;
            int patience = Math.max(options.patience(), epochs / 4);
            int noStopBefore = (int) Math.ceil(epochs * NO_STOP_SHARE);
            float[] images = new float[batch * floatsPerImage];
            float[] labels = new float[batch * numClasses];
            float[] targets = new float[batch * mapCells];
            float[][] bestWeights = null;
            Figures bestFigures = null;
            double bestReport = Double.NaN;
            int bestEpoch = 0;
            int epochsRun = 0;
            long step = 0;
            float lastRate = 0;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                if (epoch > noStopBefore && epoch - bestEpoch > patience) break;
                shuffle(order);
                double lossSum = 0;
                for (int s = 0; s < steps; s++) {
                    int from = s * batch;
                    int rows = Math.min(batch, order.length - from);
                    java.util.Arrays.fill(labels, 0f);
                    for (int r = 0; r < rows; r++) {
                        int label = batches.fill(order[from + r], images, r * floatsPerImage, targets, r * mapCells, random);
                        labels[r * numClasses + label] = 1f;
                    }
                    lastRate = rate(options.learningRate(), step, totalSteps);
                    step++;
                    float loss = trainStep(images, labels, targets, rows, step, lastRate);
                    if (average != null) average.update(session, step);
                    lossSum += (double) loss * rows;
                    progress.onStep(epoch, epochs, s + 1, steps, loss);
                }
                epochsRun = epoch;
                if (average != null) average.swapIn(session); // validate, and keep, the averaged weights
                Figures now = evaluate(validation);
                boolean best = bestFigures == null || now.auroc() > bestFigures.auroc()
                        || (now.auroc() == bestFigures.auroc() && now.decisionLoss() < bestFigures.decisionLoss());
                if (best) {
                    bestFigures = now;
                    bestEpoch = epoch;
                    bestWeights = fetchWeights();
                    if (reportOnly != null) bestReport = evaluate(reportOnly).auroc();
                }
                if (average != null) average.restore(session);
                progress.onEpoch(epoch, (float) (lossSum / order.length), now.auroc(), now.accuracy(), best);
            }
            Map<String, Object> trainingSummary = new LinkedHashMap<>();
            trainingSummary.put("architecture", InspectionCnn.ARCHITECTURE);
            trainingSummary.put("flopsPerImage", InspectionCnn.flopsPerImage(widthPx, heightPx, channels, numClasses));
            trainingSummary.put("optimizer", "adam");
            trainingSummary.put("loss", "balanced decision BCE + " + CLASS_LOSS_WEIGHT + " x class-weighted CE"
                    + (mapLoss ? " + defect-map BCE on the synthetic masks" : ""));
            trainingSummary.put("learningRateSchedule", "linear warm-up over " + Math.round(WARMUP_SHARE * 100)
                    + "% of " + totalSteps + " planned steps, cosine decay to " + Math.round(FINAL_RATE_SHARE * 100) + "%");
            trainingSummary.put("finalLearningRate", lastRate);
            trainingSummary.put("weightAverage", average == null ? "none (raw weights of the best epoch)"
                    : "exponential moving average of the weights over the last " + Math.round(WeightAverage.horizon(totalSteps))
                    + " steps; validation and export use it");
            trainingSummary.putAll(summary);
            Map<String, Object> optionsMap = new LinkedHashMap<>();
            optionsMap.put("epochs", options.epochs());
            optionsMap.put("batchSize", options.batchSize());
            optionsMap.put("learningRate", options.learningRate());
            optionsMap.put("seed", options.seed());
            optionsMap.put("valFraction", options.valFraction());
            optionsMap.put("patience", options.patience());
            trainingSummary.put("options", optionsMap);
            trainingSummary.put("plannedEpochs", epochs);
            trainingSummary.put("epochsRun", epochsRun);
            trainingSummary.put("steps", step);
            Map<String, Object> weightsByClass = new LinkedHashMap<>();
            for (int k = 0; k < numClasses; k++) weightsByClass.put(classes.get(k), classWeights[k]);
            trainingSummary.put("classWeights", weightsByClass);
            Map<String, Object> evaluation = new LinkedHashMap<>(figures);
            evaluation.put("validationAuroc", bestFigures.auroc());
            evaluation.put("validationAccuracy", bestFigures.accuracy());
            if (reportOnly != null) evaluation.put("validationAurocRealDefects", bestReport);
            evaluation.put("aurocDefinition", "ok vs any defect, score = 1 - p(ok)");
            evaluation.put("bestEpoch", bestEpoch);
            InspectionCnn.Weights weights = InspectionCnn.Weights.adopt(channels, numClasses, bestWeights);
            return new TrainedModel(classes, widthPx, heightPx, channels, weights, trainingSummary, evaluation, bestEpoch,
                    epochsRun, bestFigures.auroc(), bestFigures.accuracy());
        }

        private float trainStep(float[] images, float[] labels, float[] targets, int rows, long step, float rate) {
            try (TFloat32 imageTensor = tensor(images, rows, heightPx, widthPx, channels);
                    TFloat32 labelTensor = TFloat32.tensorOf(Shape.of(rows, numClasses),
                            DataBuffers.of(labels, true, false).narrow((long) rows * numClasses));
                    TFloat32 targetTensor = tensor(targets, rows, InspectionCnn.mapSide(heightPx), InspectionCnn.mapSide(widthPx), 1)) {
                Session.Runner runner = session.runner().feed(cnn.image(), imageTensor).feed(oneHot, labelTensor)
                        .feed(mapTarget, targetTensor).fetch(losses.total());
                TFloat32[] fed = adam.feed(runner, step, rate);
                try (Result result = runner.run()) {
                    return ((TFloat32) result.get(0)).getFloat();
                } finally {
                    for (TFloat32 t : fed) t.close();
                }
            }
        }

        private Figures evaluate(Examples examples) {
            int n = examples.images().length;
            float[] scores = new float[n];
            boolean[] defective = new boolean[n];
            int correct = 0;
            double lossSum = 0;
            float[] images = new float[VALIDATION_BATCH * floatsPerImage];
            float[] probs = new float[VALIDATION_BATCH * numClasses];
            for (int from = 0; from < n; from += VALIDATION_BATCH) {
                int rows = Math.min(VALIDATION_BATCH, n - from);
                for (int r = 0; r < rows; r++) System.arraycopy(examples.images()[from + r], 0, images, r * floatsPerImage, floatsPerImage);
                try (TFloat32 imageTensor = tensor(images, rows, heightPx, widthPx, channels);
                        Result result = session.runner().feed(cnn.image(), imageTensor).fetch(cnn.probs()).run()) {
                    ((TFloat32) result.get(0)).copyTo(DataBuffers.of(probs, false, false).narrow((long) rows * numClasses));
                }
                for (int r = 0; r < rows; r++) {
                    int label = examples.labels()[from + r];
                    float score = 1f - probs[r * numClasses + okIndex];
                    scores[from + r] = score;
                    defective[from + r] = label != okIndex;
                    float p = Math.min(1f - 1e-6f, Math.max(1e-6f, defective[from + r] ? score : 1f - score));
                    lossSum -= Math.log(p);
                    if (argMax(probs, r * numClasses, numClasses) == label) correct++;
                }
            }
            return new Figures(Metrics.auroc(scores, defective), (double) correct / n, lossSum / n);
        }

        private float[][] fetchWeights() {
            InspectionCnn.Parameter[] parameters = InspectionCnn.Parameter.values();
            Session.Runner runner = session.runner();
            for (InspectionCnn.Parameter parameter : parameters) runner.fetch(cnn.variable(parameter));
            float[][] values = new float[parameters.length][];
            try (Result result = runner.run()) {
                for (InspectionCnn.Parameter parameter : parameters) {
                    float[] parameterValues = new float[parameter.size(channels, numClasses)];
                    ((TFloat32) result.get(parameter.ordinal())).copyTo(DataBuffers.of(parameterValues, false, false));
                    values[parameter.ordinal()] = parameterValues;
                }
            }
            return values;
        }

        private void shuffle(int[] order) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
    }

    private static TFloat32 tensor(float[] values, int rows, int height, int width, int depth) {
        FloatDataBuffer data = DataBuffers.of(values, true, false).narrow((long) rows * height * width * depth);
        return TFloat32.tensorOf(Shape.of(rows, height, width, depth), data);
    }

    private static int argMax(float[] values, int from, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[from + k] > values[from + best]) best = k;
        }
        return best;
    }
}
