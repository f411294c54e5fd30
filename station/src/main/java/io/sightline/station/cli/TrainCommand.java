package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.Trainer;
import io.sightline.inference.dataset.DatasetTraining;
import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import io.sightline.station.StationConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline train}: trains the inspection CNN and exports a model package.
 *
 * <ul>
 *   <li>{@code --data DIR}: a labelled image folder (see {@link DatasetTraining});</li>
 *   <li>{@code --synthetic N}: renders a labelled set with the synthetic part camera and
 *       preprocesses it exactly as the station will (same ROI, resize and normalisation).</li>
 * </ul>
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the inspection CNN and export a model package (SavedModel + model.json).")
public final class TrainCommand implements Callable<Integer> {
    /** Pixel normalisation recorded in model.json and applied by preprocessing. */
    static final float NORM_MEAN = 0.4f;
    static final float NORM_STD = 0.25f;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Where the labelled images come from: a folder, or the synthetic part camera. */
    static final class Source {
        @Option(names = "--data", paramLabel = "DIR", required = true,
                description = "labelled images: DIR/<class>/* ('ok' = good), or DIR/train/<class>/* + DIR/test/<class>/*")
        Path data;

        @Option(names = "--synthetic", paramLabel = "N", required = true,
                description = "train on N rendered synthetic parts (half good, half spread over the defect kinds)")
        Integer samples;
    }

    @Option(names = "--mode", paramLabel = "supervised|anomaly",
            description = "supervised: learn ok against the defect class folders; anomaly: learn from the ok images alone "
                    + "(defect images, if any, only report a validation figure) (default: ${DEFAULT-VALUE})")
    String mode = Trainer.Mode.SUPERVISED.id();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "model package folder to write")
    Path out;

    @Option(names = "--seed", description = "seed for rendering, split, initialisation and shuffling (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--epochs", paramLabel = "E", description = "most epochs; the run plans at least 2,000 steps and "
            + "25 epochs within this (default: ${DEFAULT-VALUE})")
    int epochs = Trainer.TrainOptions.defaults().epochs();

    @Option(names = "--input", paramLabel = "WxH",
            description = "model input size (default: 128x128 for --synthetic; for --data chosen from the images, see README)")
    String input;

    @Option(names = "--channels", paramLabel = "auto|1|3",
            description = "model input channels: 1 gray, 3 colour (BGR); for --data auto = colour only if the images are, for"
                    + " --synthetic auto = 1, and 3 renders colour parts (with the discolouration defect) (default: ${DEFAULT-VALUE})")
    String channels = "auto";

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "share of each class held out (stratified, seeded) for validation and early stopping (default: ${DEFAULT-VALUE})")
    float valFraction = Trainer.TrainOptions.defaults().valFraction();

    @Option(names = "--augment", paramLabel = "full|flips",
            description = "augmentation for --data: full = mirrors, small rotations and shifts, contrast, brightness, noise (default: ${DEFAULT-VALUE})")
    String augment = "full";

    @Option(names = "--name", paramLabel = "NAME", description = "model name in model.json (default: the data folder's name)")
    String name;

    @Option(names = "--json", description = "print the figures as one JSON object on the last line of standard output")
    boolean json;

    @Option(names = "--width", paramLabel = "PX", description = "synthetic camera width (default: ${DEFAULT-VALUE})")
    int width = 1280;

    @Option(names = "--height", paramLabel = "PX", description = "synthetic camera height (default: ${DEFAULT-VALUE})")
    int height = 1024;

    @Option(names = "--version-name", paramLabel = "V", description = "version recorded in model.json (default: ${DEFAULT-VALUE})")
    String version = "1";

    @Override
    public Integer call() throws Exception {
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("--val-fraction: expected a fraction between 0 and 1 (exclusive), got " + valFraction);
        }
        Trainer.Mode.of(mode);
        if (source.data != null) {
            return trainOnFolder();
        }
        return trainSynthetic(source.samples);
    }

    private int trainOnFolder() throws Exception {
        DatasetTraining.Request request = new DatasetTraining.Request(source.data, out, mode, name, version, input, channels,
                augment, epochs, seed, valFraction, options(), StationConfig.DEFAULT_THRESHOLD);
        Map<String, Object> summary = new DatasetTraining(request, () -> new ProgressBar(System.err),
                test -> EvalCommand.print(test, 0)).run();
        if (json) System.out.println(new ObjectMapper().writeValueAsString(summary));
        return 0;
    }

    private int trainSynthetic(int samples) throws Exception {
        if (input == null) input = "128x128";
        if (samples < 20 || samples > 200_000) {
            throw new IllegalArgumentException("--synthetic: expected 20 to 200000 samples, got " + samples);
        }
        int[] wh = parseSize(input);
        int c = syntheticChannels(channels);
        Natives.loadAll();
        PrintStream err = System.err;
        Trainer.TrainingData data = render(samples, wh[0], wh[1], c, err);
        Trainer.TrainOptions options = options();
        ProgressBar bar = new ProgressBar(err);
        boolean anomaly = Trainer.Mode.of(mode) == Trainer.Mode.ANOMALY;
        var trained = anomaly
                ? Trainer.trainAnomaly(data, wh[0], wh[1], c, options, Trainer.Augmentation.mirrors(wh[0], wh[1], c), bar)
                : Trainer.train(data, wh[0], wh[1], c, options, bar);
        bar.finish();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("source", "synthetic part camera " + width + "x" + height + (c == 3 ? ", colour (BGR)" : ""));
        training.put("command", "./sightline train --synthetic " + samples + " --seed " + seed + " --epochs " + epochs
                + " --input " + input + (c == 3 ? " --channels 3" : "") + (anomaly ? " --mode anomaly" : "") + " --out " + out);
        training.put("roi", SyntheticPartCamera.defaultRoi(width, height));
        training.put("seed", seed);
        training.put("libraries", libraryVersions());
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, c == 3 ? "synthetic-colour-flange-cnn" : "synthetic-flange-cnn", version,
                anomaly ? ModelInfo.MODE_ANOMALY : ModelInfo.MODE_SUPERVISED, trained.classes(),
                wh[0], wh[1], c, NORM_MEAN, NORM_STD, training, Map.of());
        trained.export(out, info);
        err.printf("model package written to %s%n", out.toAbsolutePath());
        return 0;
    }

    /** {@code --channels} for {@code --synthetic}: auto or 1 renders gray parts, 3 colour ones. */
    static int syntheticChannels(String channels) {
        return switch (channels) {
            case "auto", "1" -> 1;
            case "3" -> 3;
            default -> throw new IllegalArgumentException("--channels: expected auto, 1 or 3, got '" + channels + "'");
        };
    }

    /** The native libraries and Java this model was trained with, for model.json. */
    static Map<String, Object> libraryVersions() {
        return DatasetTraining.libraryVersions();
    }

    Trainer.TrainOptions options() {
        Trainer.TrainOptions defaults = Trainer.TrainOptions.defaults();
        return new Trainer.TrainOptions(epochs, defaults.batchSize(), defaults.learningRate(), seed, valFraction,
                defaults.patience());
    }

    static int[] parseSize(String s) {
        return DatasetTraining.parseInputSize(s);
    }

    /** "AxB" with min <= A,B <= max, or an error with {@code expected} and the input. */
    static int[] parsePair(String s, int min, int max, String expected) {
        String[] parts = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int a = Integer.parseInt(parts[0].trim());
                int b = Integer.parseInt(parts[1].trim());
                if (a >= min && b >= min && a <= max && b <= max) return new int[] {a, b};
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(expected + ", got '" + s + "'");
    }

    /**
     * Renders and preprocesses a balanced set: half good parts, the rest spread evenly over the defect
     * kinds (a colour camera's six, discolouration included, for {@code channels} 3).
     */
    private Trainer.TrainingData render(int n, int inputW, int inputH, int channels, PrintStream err) {
        DefectKind[] defects = channels == 3 ? DefectKind.colourRenderable() : DefectKind.renderable();
        List<String> classes = new ArrayList<>();
        classes.add(DefectKind.NONE.label());
        for (DefectKind k : defects) classes.add(k.label());
        int[] roi = SyntheticPartCamera.defaultRoi(width, height);
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], inputW, inputH, NORM_MEAN, NORM_STD, channels);
        float[][] images = new float[n][];
        int[] labels = new int[n];
        long t0 = System.nanoTime();
        Progress progress = new Progress(err);
        try (SyntheticPartCamera camera = new SyntheticPartCamera("synthetic:train",
                     new SyntheticPartCamera.Options(width, height, 0, seed, 32, channels == 3));
             Preprocessor pre = new Preprocessor(spec);
             NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
            Preprocessor.View view = null;
            try {
                for (int i = 0; i < n; i++) {
                    int label = i % 2 == 0 ? 0 : 1 + (i / 2) % defects.length;
                    CapturedFrame f = camera.render(label == 0 ? DefectKind.NONE : defects[label - 1]);
                    if (view == null) view = new Preprocessor.View(spec, f.pixels(), f.width(), f.height(), f.stride());
                    pre.process(view, dst);
                    images[i] = new float[spec.floatsPerImage()];
                    tensor.floats().get(images[i]);
                    labels[i] = label;
                    if ((i + 1) % 50 == 0 || i + 1 == n) {
                        progress.step(String.format("rendering synthetic parts %d/%d (%.1f s)", i + 1, n, (System.nanoTime() - t0) / 1e9));
                    }
                }
            } finally {
                if (view != null) view.close();
            }
        }
        progress.end();
        return new Trainer.TrainingData(classes, images, labels);
    }

    /**
     * Epoch, step, loss, validation figures and time left, by the {@link Progress} rule: steps redrawn
     * in place on a terminal; one line per epoch when the output is a file or a pipe (a CI log of a
     * training run stays readable).
     */
    static final class ProgressBar implements Trainer.ProgressListener {
        private final Progress out;
        private final long startNanos = System.nanoTime();
        private int lastEpoch = -1;
        private int plannedEpochs;

        ProgressBar(PrintStream out) {
            this.out = new Progress(out);
        }

        ProgressBar(PrintStream out, boolean redraw) {
            this.out = new Progress(out, redraw);
        }

        @Override
        public void onStep(int epoch, int epochs, int step, int steps, float loss) {
            plannedEpochs = epochs;
            lastEpoch = epoch;
            if (!out.redraws()) return;
            double done = ((epoch - 1) + (double) step / steps) / epochs;
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double left = done > 0 ? elapsed * (1 - done) / done : 0;
            int filled = (int) Math.round(30 * (double) step / steps);
            out.transientStep(String.format("epoch %d/%d [%s%s] step %d/%d loss %.4f  ~%.0f s left (at most)", epoch, epochs,
                    "#".repeat(filled), ".".repeat(30 - filled), step, steps, loss, left));
        }

        @Override
        public void onEpoch(int epoch, float trainLoss, double valAuroc, double valAccuracy, boolean best) {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            out.line(String.format(java.util.Locale.ROOT, "epoch %d/%d: train loss %.4f, validation AUROC %.4f, accuracy %.4f, %.0f s%s",
                    epoch, plannedEpochs, trainLoss, valAuroc, valAccuracy, elapsed, best ? "  (best so far)" : ""));
        }

        void finish() {
            if (lastEpoch >= 0) out.end();
        }
    }
}
