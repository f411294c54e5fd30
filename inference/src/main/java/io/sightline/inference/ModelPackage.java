package io.sightline.inference;

import io.sightline.natives.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;

/**
 * A loaded and validated model package: a TensorFlow SavedModel plus its {@code model.json}.
 *
 * <p>{@link #load(Path)} checks the package against the contract in DESIGN.md before anything
 * runs: tag {@value #TAG}, signature {@value #SIGNATURE_KEY} with input {@code image} float32
 * {@code [-1,H,W,C]} and output {@code probs} float32 {@code [-1,K]}, where H, W, C and the K
 * class names come from {@code model.json}. The tensor names to feed and fetch are taken from the
 * signature, not assumed. Every mismatch is a {@link ModelException} naming the folder and what
 * was expected against what was found. Before TensorFlow reads a byte, the package's files are
 * checked against the SHA-256 that {@code model.json} records ({@link PackageDigests}): a changed,
 * missing or added file is refused, naming it.
 *
 * <p>{@link #newClassifier(int)} makes preallocated {@link BatchClassifier}s on the package's
 * session. Close them before closing the package: {@link #close()} frees the TensorFlow session and
 * graph they run on.
 */
public final class ModelPackage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPackage.class);
    /** The SavedModel tag that is loaded. */
    public static final String TAG = SavedModelBundle.DEFAULT_TAG;
    /** The signature that is served. */
    public static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;
    /** Largest {@code maxBatch} a classifier accepts. */
    public static final int MAX_BATCH_LIMIT = 1024;
    static final String SAVED_MODEL_FILE = "saved_model.pb";

    private final Path dir;
    private final ModelInfo info;
    private final SavedModelBundle bundle;
    private final String inputTensorName;
    private final String outputTensorName;
    /** The defect map's tensor, or null for a package made before models had one. */
    private final String mapTensorName;
    private final InferenceDevice device;
    private boolean closed;

    private ModelPackage(Path dir, ModelInfo info, SavedModelBundle bundle, String inputTensorName, String outputTensorName,
            String mapTensorName, InferenceDevice device) {
        this.mapTensorName = mapTensorName;
        this.dir = dir;
        this.device = device;
        this.info = info;
        this.bundle = bundle;
        this.inputTensorName = inputTensorName;
        this.outputTensorName = outputTensorName;
    }

    /**
     * Loads the SavedModel in {@code dir} (tag {@value #TAG}) and its {@code model.json}, and
     * validates them against each other.
     *
     * @throws ModelException naming the folder or file and the problem
     */
    public static ModelPackage load(Path dir) {
        return load(dir, 0);
    }

    /**
     * Like {@link #load(Path)}, with the session's TensorFlow threads set: {@code intraOpThreads}
     * threads inside each op (0: TensorFlow's default, every core) and, when set, one inter-op
     * thread (the CNN is a chain of ops; nothing runs beside anything).
     *
     * @throws IllegalArgumentException if {@code intraOpThreads} is negative
     */
    public static ModelPackage load(Path dir, int intraOpThreads) {
        return load(dir, intraOpThreads, InferenceDevice.cpu());
    }

    /**
     * Like {@link #load(Path, int)}, with the session placed on {@code device} (see
     * {@link InferenceDevice} for the session options each device gets; the CPU gets exactly those of
     * {@link #load(Path, int)}). Resolve the device with {@link InferenceDevice#choose(String)}.
     *
     * @throws io.sightline.natives.cuda.CudaUnavailableException if {@code device} is a GPU and the
     *     TensorFlow native library is the CPU build
     */
    public static ModelPackage load(Path dir, int intraOpThreads, InferenceDevice device) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (TensorFlow's default) or more, got " + intraOpThreads);
        }
        if (!Files.exists(dir)) {
            throw new ModelException("model folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model folder " + dir + " is a file, expected a folder holding a SavedModel and "
                    + ModelInfo.FILE_NAME);
        }
        if (!Files.exists(dir.resolve(ModelInfo.FILE_NAME)) && !Files.exists(dir.resolve(SAVED_MODEL_FILE))) {
            throw new ModelException("model folder " + dir + " is not a Sightline model package: it has neither "
                    + ModelInfo.FILE_NAME + " nor " + SAVED_MODEL_FILE + " (expected a TensorFlow SavedModel plus "
                    + ModelInfo.FILE_NAME + ", as 'sightline train' writes)");
        }
        ModelInfo info = ModelInfo.read(dir.resolve(ModelInfo.FILE_NAME));
        if (!Files.isRegularFile(dir.resolve(SAVED_MODEL_FILE))) {
            throw new ModelException("model folder " + dir + " has no " + SAVED_MODEL_FILE + " (expected a TensorFlow SavedModel next to "
                    + ModelInfo.FILE_NAME + ")");
        }
        PackageDigests.verify(dir, info);
        if (!info.sealed()) {
            LOG.warn("model package {}: {} records no SHA-256 of its files (written before packages were sealed), so a change "
                    + "on disk cannot be detected; retrain it, or seal it after checking it", dir, ModelInfo.FILE_NAME);
        }
        Natives.tensorflow();
        java.util.Objects.requireNonNull(device, "device");
        ConfigProto config = device.sessionConfig(intraOpThreads, TensorFlowBuild.hasCuda());
        SavedModelBundle bundle;
        try {
            SavedModelBundle.Loader loader = SavedModelBundle.loader(dir.toString()).withTags(TAG);
            if (config != null) {
                loader = loader.withConfigProto(config);
            }
            bundle = loader.load();
        } catch (RuntimeException e) {
            throw new ModelException("SavedModel " + dir + " could not be loaded with tag '" + TAG + "': " + e.getMessage(), e);
        }
        try {
            Signature signature = servingSignature(dir, bundle);
            Signature.TensorDescription input = signature.getInputs().get(InspectionCnn.INPUT_NAME);
            Signature.TensorDescription output = signature.getOutputs().get(InspectionCnn.OUTPUT_NAME);
            if (input == null) {
                throw new ModelException("SavedModel " + dir + ": signature '" + SIGNATURE_KEY + "' has no input '"
                        + InspectionCnn.INPUT_NAME + "' (found: " + signature.getInputs().keySet() + ")");
            }
            if (output == null) {
                throw new ModelException("SavedModel " + dir + ": signature '" + SIGNATURE_KEY + "' has no output '"
                        + InspectionCnn.OUTPUT_NAME + "' (found: " + signature.getOutputs().keySet() + ")");
            }
            checkInput(dir, input, info);
            checkOutput(dir, output, info);
            Signature.TensorDescription map = signature.getOutputs().get(InspectionCnn.MAP_NAME);
            if (map != null) checkMap(dir, map, info);
            return new ModelPackage(dir, info, bundle, input.name, output.name, map == null ? null : map.name, device);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** The content of {@code model.json}. */
    public ModelInfo info() {
        return info;
    }

    /** The device its session runs on. */
    public InferenceDevice device() {
        return device;
    }

    /** Whether the model yields a defect map beside its probabilities (every package trained since map support). */
    public boolean hasDefectMap() {
        return mapTensorName != null;
    }

    /** The folder this package was loaded from. */
    public Path dir() {
        return dir;
    }

    /**
     * A new preallocated classifier for batches of 1 to {@code maxBatch} images, running on this
     * package's session. Single-threaded: give each inference thread its own.
     *
     * @throws IllegalArgumentException if {@code maxBatch} is not in 1..{@value #MAX_BATCH_LIMIT}
     * @throws IllegalStateException if this package is closed
     */
    public BatchClassifier newClassifier(int maxBatch) {
        if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
            throw new IllegalArgumentException("maxBatch must be between 1 and " + MAX_BATCH_LIMIT + ", got " + maxBatch);
        }
        if (closed) {
            throw new IllegalStateException("model package " + dir + " is closed");
        }
        return new BatchClassifier(bundle.session(), inputTensorName, outputTensorName, mapTensorName, info, maxBatch);
    }

    /** Frees the SavedModel's session and graph; idempotent. Classifiers made from it stop working. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        bundle.close();
    }

    private static Signature servingSignature(Path dir, SavedModelBundle bundle) {
        List<Signature> signatures = bundle.signatures();
        return signatures.stream()
                .filter(signature -> signature.key().equals(SIGNATURE_KEY))
                .findFirst()
                .orElseThrow(() -> new ModelException("SavedModel " + dir + " has no signature '" + SIGNATURE_KEY + "' (found: "
                        + signatures.stream().map(Signature::key).collect(Collectors.toList()) + ")"));
    }

    private static void checkInput(Path dir, Signature.TensorDescription input, ModelInfo info) {
        String where = "SavedModel " + dir + ": signature '" + SIGNATURE_KEY + "' input '" + InspectionCnn.INPUT_NAME + "'";
        if (input.dataType != DataType.DT_FLOAT) {
            throw new ModelException(where + " is " + input.dataType + ", expected DT_FLOAT (float32)");
        }
        long[] expected = {Shape.UNKNOWN_SIZE, info.inputHeight(), info.inputWidth(), info.inputChannels()};
        if (!Arrays.equals(dimensions(input.shape), expected)) {
            throw new ModelException(where + " has shape " + format(input.shape) + " but model.json says "
                    + info.inputWidth() + "x" + info.inputHeight() + "x" + info.inputChannels()
                    + " (width x height x channels), expected " + format(expected));
        }
    }

    private static void checkOutput(Path dir, Signature.TensorDescription output, ModelInfo info) {
        String where = "SavedModel " + dir + ": signature '" + SIGNATURE_KEY + "' output '" + InspectionCnn.OUTPUT_NAME + "'";
        if (output.dataType != DataType.DT_FLOAT) {
            throw new ModelException(where + " is " + output.dataType + ", expected DT_FLOAT (float32)");
        }
        long[] dimensions = dimensions(output.shape);
        if (dimensions == null || dimensions.length != 2 || dimensions[0] != Shape.UNKNOWN_SIZE) {
            throw new ModelException(where + " has shape " + format(output.shape) + ", expected [-1," + info.numClasses() + "]");
        }
        if (dimensions[1] != info.numClasses()) {
            throw new ModelException(where + " has " + dimensions[1] + " classes but model.json lists "
                    + info.numClasses() + " " + info.classes());
        }
    }

    /** The optional defect map must be float32 [-1, H/16, W/16], as {@link InspectionCnn} makes it. */
    private static void checkMap(Path dir, Signature.TensorDescription map, ModelInfo info) {
        String where = "SavedModel " + dir + ": signature '" + SIGNATURE_KEY + "' output '" + InspectionCnn.MAP_NAME + "'";
        long[] expected = {Shape.UNKNOWN_SIZE, InspectionCnn.mapSide(info.inputHeight()), InspectionCnn.mapSide(info.inputWidth())};
        if (map.dataType != DataType.DT_FLOAT || !Arrays.equals(dimensions(map.shape), expected)) {
            throw new ModelException(where + " is " + map.dataType + " " + format(map.shape) + ", expected DT_FLOAT "
                    + format(expected) + " (the defect map of a " + info.inputWidth() + "x" + info.inputHeight() + " input)");
        }
    }

    private static long[] dimensions(Shape shape) {
        return shape == null || shape.isUnknown() ? null : shape.asArray();
    }

    private static String format(Shape shape) {
        long[] dimensions = dimensions(shape);
        return dimensions == null ? "of unknown rank" : format(dimensions);
    }

    private static String format(long[] dimensions) {
        return Arrays.stream(dimensions).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
