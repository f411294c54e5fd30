package io.sightline.inference.dataset;

import io.sightline.inference.Augmenter;
import io.sightline.inference.Evaluation;
import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.TrainedModel;
import io.sightline.inference.Trainer;
import io.sightline.natives.Natives;
import io.sightline.preprocess.ImageDataset;
import io.sightline.preprocess.ImageTensorizer;
import io.sightline.preprocess.InputChoice;
import io.sightline.preprocess.LabelledImages;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code sightline train --data DIR}: a labelled image folder to a model package.
 *
 * <pre>
 *   DIR --ImageDataset--> classes (ok first), train [+ test] samples
 *       --InputChoice (unless --input/--channels)--> input size, channels, normalisation
 *       --ImageTensorizer: the station's preprocessing, ROI = whole image--> tensors
 *          (unreadable files skipped, named and counted)
 *       --Trainer (--mode supervised): stratified seeded validation split, class weights, OpenCV
 *          augmentation, a step budget with cosine decay, best epoch kept--> SavedModel + model.json
 *       --Trainer (--mode anomaly): the ok images alone, half of each batch with a synthetic anomaly;
 *          the defect images (if any) report validationAurocRealDefects and never fit--> package, mode anomaly
 *       [--with a fixed split: the exported package scores DIR/test, figures into model.json]
 * </pre>
 */
public final class DatasetTraining {
    /** The image-to-tensor strategy recorded in model.json; {@link ImageTensorizer} implements it. */
    static final String STRATEGY = "fit";

    /**
     * What {@code sightline train --data} asks for, its options as given: {@code mode} (a
     * {@link Trainer.Mode} id), {@code input} ({@code WxH} or null to choose from the images),
     * {@code channels} ({@code auto}, 1 or 3), {@code augment} ({@code full} or {@code flips}),
     * {@code name} (null: the folder's name), {@code threshold} (the defect threshold the test
     * split's figures are taken at).
     */
    public record Request(Path data, Path out, String mode, String name, String version, String input, String channels,
                          String augment, int epochs, long seed, float valFraction, Trainer.TrainOptions options,
                          float threshold) {}

    private final Request request;
    private final Supplier<? extends Trainer.ProgressListener> progress;
    private final Consumer<Evaluation> testSplitReport;
    private final PrintStream err = System.err;

    /**
     * @param progress makes the training progress listener, once, when training starts
     * @param testSplitReport shown the test split's evaluation when the folder has its own split
     */
    public DatasetTraining(Request request, Supplier<? extends Trainer.ProgressListener> progress,
                           Consumer<Evaluation> testSplitReport) {
        this.request = request;
        this.progress = progress;
        this.testSplitReport = testSplitReport;
    }

    /**
     * Trains and exports the package to {@code out}, reporting on standard error.
     *
     * @return the figures {@code --json} prints
     */
    public Map<String, Object> run() throws Exception {
        long t0 = System.nanoTime();
        Path dir = request.data();
        Trainer.Mode mode = Trainer.Mode.of(request.mode());
        boolean anomaly = mode == Trainer.Mode.ANOMALY;
        ImageDataset ds = ImageDataset.open(dir, anomaly ? ImageDataset.Use.TRAIN_GOOD_ONLY : ImageDataset.Use.TRAIN);
        if (anomaly) requireGoodImages(ds, ds.train().stream().filter(s -> s.label() == 0).count(), "");
        if (Files.exists(request.out()) && !isEmptyDir(request.out())) {
            throw new IllegalArgumentException("--out " + request.out() + " already exists and is not empty; choose a new folder");
        }
        Natives.loadAll();
        err.printf("train: %s, mode %s, classes %s, %d training images%s%n", dir, mode.id(), ds.classes(), ds.train().size(),
                ds.fixedSplit() ? " (+ " + ds.test().size() + " test images, the folder's own split)" : "");
        if (anomaly && ds.classes().size() > 1) {
            err.println("train: --mode anomaly learns from the ok images alone; the defect images only report a validation figure");
        }
        if (ds.ignoredFiles() > 0) err.printf("train: %d files in class folders are not images by name and were ignored%n", ds.ignoredFiles());
        InputChoice choice = inputChoice(ds, anomaly);
        err.printf(Locale.ROOT, "train: input %s; CNN %.1f MFLOPs per image%n", choice.describe(),
                InspectionCnn.flopsPerImage(choice.width(), choice.height(), choice.channels(), ds.classes().size()) / 1e6);

        LabelledImages images;
        try (ImageTensorizer tensorizer = new ImageTensorizer(choice.width(), choice.height(), choice.channels(),
                choice.pixelMean(), choice.pixelStd())) {
            images = LabelledImages.read(ds.train(), tensorizer, w -> err.println("\rtrain: " + w),
                    (done, total) -> ModelScoring.progress(err, "reading images", done, total));
        }
        err.println();
        int[] perClass = new int[ds.classes().size()];
        for (int label : images.labels()) perClass[label]++;
        if (anomaly) requireGoodImages(ds, perClass[0], " readable");
        for (int k = 0; k < perClass.length && !anomaly; k++) {
            if (perClass[k] == 0) {
                throw new IllegalArgumentException("class '" + ds.classes().get(k) + "' has no readable training image ("
                        + images.skipped().size() + " files skipped as unreadable); nothing to learn it from");
            }
        }
        long loadedNanos = System.nanoTime();

        Trainer.TrainingData data = new Trainer.TrainingData(ds.classes(), images.tensors(), images.labels());
        Trainer.TrainOptions options = request.options();
        Trainer.ProgressListener bar = progress.get();
        TrainedModel trained;
        try (Augmenter augmenter = new Augmenter(choice.width(), choice.height(), choice.channels(), choice.pixelStd(),
                augmentSettings())) {
            trained = anomaly
                    ? Trainer.trainAnomaly(data, choice.width(), choice.height(), choice.channels(), options, augmenter, bar)
                    : Trainer.train(data, choice.width(), choice.height(), choice.channels(), options, augmenter, bar);
        }
        err.flush();
        double trainSeconds = (System.nanoTime() - loadedNanos) / 1e9;

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("source", "image folder");
        training.put("command", commandLine(choice));
        training.put("imageToTensor", strategy(choice));
        training.put("data", dataSummary(ds, images));
        training.put("seed", request.seed());
        training.put("trainingSeconds", round1(trainSeconds));
        training.put("readingSeconds", round1((loadedNanos - t0) / 1e9));
        training.put("libraries", libraryVersions());
        String modelName = request.name() != null ? request.name() : dir.toAbsolutePath().normalize().getFileName() + "-cnn";
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, modelName, request.version(),
                anomaly ? ModelInfo.MODE_ANOMALY : ModelInfo.MODE_SUPERVISED, trained.classes(), choice.width(),
                choice.height(), choice.channels(), choice.pixelMean(), choice.pixelStd(), training, Map.of());
        trained.export(request.out(), info);
        err.printf(Locale.ROOT, "train: best epoch %d of %d, validation AUROC %.4f, accuracy %.4f; %.0f s training%n",
                trained.bestEpoch(), trained.epochsRun(), trained.validationAuroc(), trained.validationAccuracy(), trainSeconds);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", request.out().toString());
        summary.put("mode", mode.id());
        Object realDefects = trained.evaluation().get("validationAurocRealDefects");
        if (realDefects != null) summary.put("validationAurocRealDefects", realDefects);
        summary.put("validationAuroc", trained.validationAuroc());
        summary.put("validationAccuracy", trained.validationAccuracy());
        summary.put("bestEpoch", trained.bestEpoch());
        summary.put("epochsRun", trained.epochsRun());
        summary.put("trainingSeconds", round1(trainSeconds));
        summary.put("skipped", images.skipped().size());
        summary.put("peakRssMb", peakRssMb());
        if (ds.fixedSplit()) {
            Evaluation test = evaluateTestSplit(ds);
            summary.put("test", test.toMap());
            testSplitReport.accept(test);
        }
        err.printf("model package written to %s%n", request.out().toAbsolutePath());
        return summary;
    }

    /** Scores DIR/test with the exported package (what the station will load) and records the figures in model.json. */
    private Evaluation evaluateTestSplit(ImageDataset ds) {
        Path modelJson = request.out().resolve(ModelInfo.FILE_NAME);
        try (ModelPackage pkg = ModelPackage.load(request.out())) {
            ModelScoring.Scored scored = ModelScoring.score(pkg, ds.test(), err);
            Evaluation e = Evaluation.of(pkg.info().classes(), pkg.info().okIndex(), scored.probs(), scored.labels(),
                    request.threshold());
            Map<String, Object> figures = new LinkedHashMap<>(e.toMap());
            figures.put("dataset", "test split " + ds.root().resolve("test"));
            figures.put("skipped", scored.images().skipped().size());
            figures.put("contentHash", ImageDataset.contentHash(scored.images().samples()));
            ModelInfo.read(modelJson).withFigures(Map.of(), Map.of("test", figures)).write(modelJson);
            return e;
        }
    }

    /** Refuses anomaly training on fewer good images than {@link Trainer#MIN_ANOMALY_OK_IMAGES}, naming the folder. */
    private static void requireGoodImages(ImageDataset ds, long count, String what) {
        if (count < Trainer.MIN_ANOMALY_OK_IMAGES) {
            Path okDir = (ds.fixedSplit() ? ds.root().resolve("train") : ds.root()).resolve(ModelInfo.OK_CLASS);
            throw new IllegalArgumentException("--mode anomaly: " + okDir + " holds " + count + what + " images; at least "
                    + Trainer.MIN_ANOMALY_OK_IMAGES + " good images are needed to learn what normal looks like");
        }
    }

    private InputChoice inputChoice(ImageDataset ds, boolean goodOnly) {
        // anomaly mode: even the normalisation is learnt from the good images alone
        InputChoice choice = InputChoice.probe(goodOnly ? ds.train().stream().filter(s -> s.label() == 0).toList() : ds.train());
        if (request.input() != null) {
            int[] wh = parseInputSize(request.input());
            choice = choice.withSize(wh[0], wh[1]);
        }
        switch (request.channels()) {
            case "auto" -> { }
            case "1" -> choice = choice.withChannels(1);
            case "3" -> choice = choice.withChannels(3);
            default -> throw new IllegalArgumentException("--channels: expected auto, 1 or 3, got '" + request.channels() + "'");
        }
        return choice;
    }

    private Augmenter.Settings augmentSettings() {
        return switch (request.augment()) {
            case "full" -> Augmenter.Settings.defaults();
            case "flips" -> Augmenter.Settings.flipsOnly();
            default -> throw new IllegalArgumentException("--augment: expected full or flips, got '" + request.augment() + "'");
        };
    }

    static Map<String, Object> strategy(InputChoice choice) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", STRATEGY);
        m.put("description", "the whole image (or the station's ROI) turned to the input's orientation when its long "
                + "side lies across it, padded with a mirrored border to the input's aspect ratio when it differs by more "
                + "than 5%, area-averaged (INTER_AREA) to the input size, normalised (p/255 - normMean)/normStd; colour "
                + "images per channel, BGR order; the decision is the defect map's largest cell, so a small local "
                + "defect decides the score");
        m.put("channelOrder", choice.channels() == 3 ? "BGR" : "gray");
        m.put("medianSourceSize", choice.medianWidth() + "x" + choice.medianHeight());
        m.put("sourcePixelsPerInputPixel", Math.round(choice.scale() * 100) / 100.0);
        return m;
    }

    private static Map<String, Object> dataSummary(ImageDataset ds, LabelledImages images) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("folder", ds.root().toAbsolutePath().normalize().toString());
        m.put("split", ds.fixedSplit() ? "the folder's own train/test" : "none given: validation held out from all images");
        m.put("trainImagesPerClass", countsOf(ds.classes(), images.labels()));
        if (ds.fixedSplit()) m.put("testImagesPerClass", ds.countsByClass(ds.test()));
        m.put("contentHash", ImageDataset.contentHash(images.samples()));
        m.put("skippedUnreadable", images.skipped().size());
        if (!images.skipped().isEmpty()) m.put("skippedFiles", images.skipped().subList(0, Math.min(20, images.skipped().size())));
        m.put("sourceFormats", images.sourceFormats());
        return m;
    }

    private static Map<String, Integer> countsOf(List<String> classes, int[] labels) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String c : classes) m.put(c, 0);
        for (int l : labels) m.merge(classes.get(l), 1, Integer::sum);
        return m;
    }

    private String commandLine(InputChoice choice) {
        List<String> args = new ArrayList<>(List.of("./sightline", "train", "--data", request.data().toString(), "--out",
                request.out().toString(), "--input", choice.width() + "x" + choice.height(), "--channels",
                String.valueOf(choice.channels()), "--epochs", String.valueOf(request.epochs()), "--seed", String.valueOf(request.seed()),
                "--val-fraction", String.valueOf(request.valFraction()), "--augment", request.augment(), "--mode", request.mode()));
        return String.join(" ", args);
    }

    private static boolean isEmptyDir(Path p) throws java.io.IOException {
        if (!Files.isDirectory(p)) return false;
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    /** This process's peak resident memory (VmHWM), in MB; null where /proc does not say (not Linux). */
    static Long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The native libraries and Java this model was trained with, for model.json. */
    public static Map<String, Object> libraryVersions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tensorflow", org.tensorflow.TensorFlow.version());
        m.put("opencv", org.bytedeco.opencv.global.opencv_core.CV_VERSION());
        try {
            m.put("javacpp", org.bytedeco.javacpp.Loader.getVersion());
        } catch (java.io.IOException e) {
            m.put("javacpp", "unknown (" + e.getMessage() + ")");
        }
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    /** {@code --input WxH} with 16 <= W,H <= 1024, or an error naming the option and the input. */
    public static int[] parseInputSize(String s) {
        String[] parts = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int a = Integer.parseInt(parts[0].trim());
                int b = Integer.parseInt(parts[1].trim());
                if (a >= 16 && b >= 16 && a <= 1024 && b <= 1024) return new int[] {a, b};
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--input: expected WxH with 16 <= W,H <= 1024 (e.g. 128x128), got '" + s + "'");
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
