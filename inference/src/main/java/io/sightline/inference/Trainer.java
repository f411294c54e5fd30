package io.sightline.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains the {@link InspectionCnn} on already normalised images, in one of two modes.
 *
 * <pre>
 *   supervised  TrainingData (ok + defect classes) --stratified seeded split--> train / validation
 *               batch row: a training image through the Augmentation, its class
 *   anomaly     TrainingData's ok images only      --seeded split of the ok images--> train / validation
 *               batch row: an ok image through the Augmentation; half of the rows get a synthetic
 *               anomaly (AnomalySynthesizer) and its defect-map target; classes become [ok, anomaly]
 *               validation: held-out ok images and a painted copy of each; the real defect images,
 *               if any, only report a figure (validationAurocRealDefects), they never fit or select
 *   both        the loss of TrainingLoop (balanced decision + class + [map]), Adam, a step budget
 *               with warm-up and cosine decay (see TrainingLoop), the best epoch kept
 *   --> TrainedModel with the best epoch's weights and the figures for model.json
 * </pre>
 *
 * <p>Deterministic for a given seed on a given machine: the seed drives the weight
 * initialisation, the split, the shuffling, the augmentation and the synthetic anomalies, the
 * graph has no random ops, and every update waits for every gradient of its step.
 */
public final class Trainer {
    /** Fewest ok images {@code --mode anomaly} learns from: a fifth of them are held out to validate. */
    public static final int MIN_ANOMALY_OK_IMAGES = 40;
    /** The class a synthetic or real anomaly is, in an anomaly model's [ok, anomaly]. */
    public static final String ANOMALY_CLASS = "anomaly";

    private Trainer() {}

    /** What the model learns to tell apart. */
    public enum Mode {
        /** Ok against labelled defect classes. */
        SUPERVISED,
        /** Ok against anything else, learnt from ok images alone. */
        ANOMALY;

        /** The name in model.json and on the command line. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode named {@code id} (supervised or anomaly). */
        public static Mode of(String id) {
            for (Mode mode : values()) {
                if (mode.id().equals(id)) return mode;
            }
            throw new IllegalArgumentException("mode: expected supervised or anomaly, got '" + id + "'");
        }
    }

    /**
     * Training settings.
     *
     * @param epochs most epochs to run; the step budget (see TrainingLoop) may plan fewer
     * @param batchSize images per optimiser step
     * @param learningRate Adam's peak learning rate
     * @param seed drives weight initialisation, validation split and shuffling
     * @param valFraction share of each class held out for validation, in (0,1)
     * @param patience fewest epochs without a better validation result before stopping (the loop
     *     waits at least a quarter of its plan, and never stops in the first 60% of it)
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

        /** At most 200 epochs, batches of 32, learning rate 0.002, seed 42, 20% validation, patience 8. */
        public static TrainOptions defaults() {
            return new TrainOptions(200, 32, 0.002f, 42L, 0.2f, 8);
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
        }

        /** Index of {@value ModelInfo#OK_CLASS}. */
        public int okIndex() {
            return classes.indexOf(ModelInfo.OK_CLASS);
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
     * Trains a supervised CNN for {@code widthPx x heightPx x channels} images with mirrors as
     * augmentation.
     *
     * @throws IllegalArgumentException if the images do not have width*height*channels floats, a
     *     class has no sample, or the validation split lacks ok or defect samples
     */
    public static TrainedModel train(TrainingData data, int widthPx, int heightPx, int channels, TrainOptions options,
            ProgressListener listener) {
        return train(data, widthPx, heightPx, channels, options, Augmentation.mirrors(widthPx, heightPx, channels), listener);
    }

    /** As {@link #train(TrainingData, int, int, int, TrainOptions, ProgressListener)}, with the given augmentation. */
    public static TrainedModel train(TrainingData data, int widthPx, int heightPx, int channels, TrainOptions options,
            Augmentation augmentation, ProgressListener listener) {
        checkImages(data, widthPx, heightPx, channels);
        if (data.classes().size() < 2) {
            throw new IllegalArgumentException("classes " + data.classes() + " need at least one defect class besides '"
                    + ModelInfo.OK_CLASS + "' (or train --mode anomaly, which learns from ok images alone)");
        }
        int[] counts = data.samplesPerClass();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] == 0) throw new IllegalArgumentException("class '" + data.classes().get(k) + "' has no samples");
        }
        Random random = new Random(options.seed());
        Split split = Split.stratified(data, options.valFraction(), data.okIndex(), random);
        TrainingLoop.Examples validation = TrainingLoop.Examples.of(data, split.validation());
        TrainingLoop loop = new TrainingLoop(data.classes(), data.okIndex(), widthPx, heightPx, channels, options,
                classWeights(data.labels(), split.train(), data.classes().size()), false);
        TrainingLoop.Batches batches = new TrainingLoop.Batches() {
            @Override
            public int size() {
                return split.train().length;
            }

            @Override
            public int fill(int position, float[] images, int offset, float[] target, int targetOffset, Random r) {
                int sample = split.train()[position];
                augmentation.apply(data.images()[sample], images, offset, r);
                return data.labels()[sample];
            }
        };
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", Mode.SUPERVISED.id());
        summary.put("augmentation", augmentation.describe());
        summary.put("samples", data.labels().length);
        summary.put("samplesPerClass", countsByName(data.classes(), data.samplesPerClass()));
        summary.put("trainSamplesPerClass", countsByName(data.classes(), countPerClass(data, split.train())));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("dataset", "validation split");
        figures.put("validationSamplesPerClass", countsByName(data.classes(), countPerClass(data, split.validation())));
        return loop.run(batches, validation, null, random, progress(listener), summary, figures);
    }

    /**
     * Trains an anomaly model from {@code data}'s ok images alone: see the class comment. Its
     * classes are [ok, anomaly]; the score 1 - p(ok) is the image's anomaly score.
     *
     * @throws IllegalArgumentException if there are fewer than {@value #MIN_ANOMALY_OK_IMAGES} ok images
     */
    public static TrainedModel trainAnomaly(TrainingData data, int widthPx, int heightPx, int channels, TrainOptions options,
            Augmentation augmentation, ProgressListener listener) {
        checkImages(data, widthPx, heightPx, channels);
        int okIndex = data.okIndex();
        List<Integer> okSamples = new ArrayList<>();
        List<Integer> defectSamples = new ArrayList<>();
        for (int i = 0; i < data.labels().length; i++) (data.labels()[i] == okIndex ? okSamples : defectSamples).add(i);
        if (okSamples.size() < MIN_ANOMALY_OK_IMAGES) {
            throw new IllegalArgumentException("anomaly training needs at least " + MIN_ANOMALY_OK_IMAGES + " '"
                    + ModelInfo.OK_CLASS + "' images, got " + okSamples.size());
        }
        Random random = new Random(options.seed());
        Collections.shuffle(okSamples, random);
        int held = Math.max(4, Math.round(okSamples.size() * options.valFraction()));
        int[] validationOk = okSamples.subList(0, held).stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] train = okSamples.subList(held, okSamples.size()).stream().mapToInt(Integer::intValue).sorted().toArray();
        List<String> classes = List.of(ModelInfo.OK_CLASS, ANOMALY_CLASS);
        AnomalySynthesizer synthesizer = new AnomalySynthesizer(widthPx, heightPx, channels);

        // validation: the held-out ok images, and one painted copy of each (drawn once, from the seed)
        float[][] images = new float[2 * held][];
        int[] labels = new int[2 * held];
        float[] unusedTarget = new float[synthesizer.mapWidth() * synthesizer.mapHeight()];
        Random paintRandom = new Random(options.seed() ^ 0x5eed);
        for (int i = 0; i < held; i++) {
            images[i] = data.images()[validationOk[i]];
            float[] painted = images[i].clone();
            float[] donor = data.images()[train[paintRandom.nextInt(train.length)]];
            synthesizer.paint(painted, 0, donor, unusedTarget, 0, paintRandom);
            images[held + i] = painted;
            labels[held + i] = 1;
        }
        TrainingLoop.Examples validation = new TrainingLoop.Examples(images, labels);
        TrainingLoop.Examples realDefects = null;
        if (!defectSamples.isEmpty()) {
            float[][] real = new float[held + defectSamples.size()][];
            int[] realLabels = new int[real.length];
            for (int i = 0; i < held; i++) real[i] = data.images()[validationOk[i]];
            for (int i = 0; i < defectSamples.size(); i++) {
                real[held + i] = data.images()[defectSamples.get(i)];
                realLabels[held + i] = 1;
            }
            realDefects = new TrainingLoop.Examples(real, realLabels);
        }
        TrainingLoop loop = new TrainingLoop(classes, 0, widthPx, heightPx, channels, options, new float[] {1f, 1f}, true);
        TrainingLoop.Batches batches = new TrainingLoop.Batches() {
            @Override
            public int size() {
                return train.length;
            }

            @Override
            public int fill(int position, float[] batch, int offset, float[] target, int targetOffset, Random r) {
                augmentation.apply(data.images()[train[position]], batch, offset, r);
                if (r.nextBoolean()) {
                    synthesizer.clearTarget(target, targetOffset);
                    return 0;
                }
                synthesizer.paint(batch, offset, data.images()[train[r.nextInt(train.length)]], target, targetOffset, r);
                return 1;
            }
        };
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mode", Mode.ANOMALY.id());
        summary.put("augmentation", augmentation.describe());
        summary.put("syntheticAnomalies", "half of each batch: Perlin-noise, stroke or spot masks filled with another "
                + "good image, Perlin texture or a level shift (AnomalySynthesizer)");
        summary.put("samples", okSamples.size());
        summary.put("trainOkImages", train.length);
        summary.put("defectImagesUsedToFit", 0);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("dataset", "validation: " + held + " held-out ok images and a synthetic anomaly painted on each");
        figures.put("realDefectImages", defectSamples.size());
        TrainedModel trained = loop.run(batches, validation, realDefects, random, progress(listener), summary, figures);
        return withFeatureDensity(trained, data, train, validationOk, validation, realDefects, widthPx, heightPx);
    }

    /**
     * Fits the good parts' feature density on the training ok images and its scale on the held-out
     * ones ({@link FeatureDensity}): the anomaly score. Reports the validation figures of that score
     * beside the decision head's own ({@code ...HeadOnly}).
     */
    private static TrainedModel withFeatureDensity(TrainedModel trained, TrainingData data, int[] train, int[] validationOk,
            TrainingLoop.Examples validation, TrainingLoop.Examples realDefects, int widthPx, int heightPx) {
        float[][] fit = new float[train.length][];
        for (int i = 0; i < train.length; i++) fit[i] = data.images()[train[i]];
        float[][] held = new float[validationOk.length][];
        for (int i = 0; i < validationOk.length; i++) held[i] = data.images()[validationOk[i]];
        FeatureDensity.Calibration c = FeatureDensity.fit(trained.weights(), widthPx, heightPx, 0, fit, held);
        Map<String, Object> evaluation = new LinkedHashMap<>();
        double synthetic = auroc(trained, c, validation, widthPx, heightPx);
        evaluation.put("validationAurocHeadOnly", trained.validationAuroc());
        evaluation.put("validationAuroc", synthetic);
        if (realDefects != null) {
            evaluation.put("validationAurocRealDefectsHeadOnly", trained.evaluation().get("validationAurocRealDefects"));
            evaluation.put("validationAurocRealDefects", auroc(trained, c, realDefects, widthPx, heightPx));
        }
        return trained.withDensity(c, Map.of("featureDensity", c.describe()), evaluation, synthetic);
    }

    private static double auroc(TrainedModel trained, FeatureDensity.Calibration c, TrainingLoop.Examples examples, int widthPx, int heightPx) {
        float[] scores = FeatureDensity.scores(trained.weights(), widthPx, heightPx, 0, c, examples.images());
        boolean[] positive = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) positive[i] = examples.labels()[i] != 0;
        return Metrics.auroc(scores, positive);
    }

    private static ProgressListener progress(ProgressListener listener) {
        return listener == null ? ProgressListener.NONE : listener;
    }

    private static void checkImages(TrainingData data, int widthPx, int heightPx, int channels) {
        int floatsPerImage = Math.multiplyExact(Math.multiplyExact(widthPx, heightPx), channels);
        if (data.images()[0].length != floatsPerImage) {
            throw new IllegalArgumentException("images have " + data.images()[0].length + " floats, expected "
                    + widthPx + "x" + heightPx + "x" + channels + " = " + floatsPerImage);
        }
    }

    /**
     * The class head's weights: inverse frequency, square-rooted (a class of 20 images next to one
     * of 900 weighs 6.7 times as much per image, not 45: full inverse weights let a handful of
     * images dominate every step and the head oscillates), then scaled so that the average weight
     * over the training samples is 1.
     */
    static float[] classWeights(int[] labels, int[] trainIndices, int numClasses) {
        int[] counts = new int[numClasses];
        for (int i : trainIndices) counts[labels[i]]++;
        double[] raw = new double[numClasses];
        double mean = 0;
        for (int k = 0; k < numClasses; k++) {
            raw[k] = counts[k] == 0 ? 0 : Math.sqrt((double) trainIndices.length / (numClasses * counts[k]));
            mean += raw[k] * counts[k];
        }
        mean /= trainIndices.length;
        float[] weights = new float[numClasses];
        for (int k = 0; k < numClasses; k++) weights[k] = (float) (raw[k] / mean);
        return weights;
    }

    private static int[] countPerClass(TrainingData data, int[] samples) {
        int[] counts = new int[data.classes().size()];
        for (int i : samples) counts[data.labels()[i]]++;
        return counts;
    }

    static Map<String, Object> countsByName(List<String> classes, int[] counts) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (int k = 0; k < classes.size(); k++) byName.put(classes.get(k), counts[k]);
        return byName;
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
}
