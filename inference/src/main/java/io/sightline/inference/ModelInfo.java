package io.sightline.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content of a model package's {@code model.json}: what the CNN expects and what it outputs.
 *
 * <p>Pixel normalisation contract: the tensor value fed to the model for a pixel value {@code p}
 * in 0..255 is {@code (p / 255 - normMean) / normStd}. Preprocessing implements it; the model
 * does not. Images are laid out HWC (row-major, channels last), {@link #floatsPerImage()} floats
 * each. Class {@value #OK_CLASS} is the passing class; every other class is a defect.
 *
 * <p>{@code training} holds the training data summary and {@code evaluation} the validation
 * figures (see {@link TrainedModel#export}); both are free-form JSON objects, possibly empty.
 * {@code files} maps each file of the SavedModel (path relative to the package, {@code /}-separated)
 * to its SHA-256 in lower-case hex, so that a package changed on disk is refused at load
 * ({@link PackageDigests}); it is empty for a package written before digests were recorded.
 * Decision thresholds are not part of the model.
 *
 * <p>The constructor validates every field and throws {@link IllegalArgumentException};
 * {@link #read(Path)} reports the same problems as {@link ModelException}s naming the file.
 */
public record ModelInfo(
        String format,
        String name,
        String version,
        String mode,
        List<String> classes,
        int inputWidth,
        int inputHeight,
        int inputChannels,
        float normMean,
        float normStd,
        Map<String, Object> training,
        Map<String, Object> evaluation,
        Map<String, String> files) {

    /** The only {@code format} this version reads and writes. */
    public static final String FORMAT = "sightline-model/1";
    /** Name of the passing class; required in {@code classes}. */
    public static final String OK_CLASS = "ok";
    /** {@code mode} of a model trained on labelled defect classes (the default when model.json has none). */
    public static final String MODE_SUPERVISED = "supervised";
    /** {@code mode} of a model trained on good images alone; its classes are [ok, anomaly]. */
    public static final String MODE_ANOMALY = "anomaly";
    /** File name of the model description inside a model package folder. */
    public static final String FILE_NAME = "model.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> FIELD_NAMES = List.of("format", "name", "version", "mode", "classes",
            "inputWidth", "inputHeight", "inputChannels", "normMean", "normStd", "training", "evaluation", "files");
    private static final TypeReference<LinkedHashMap<String, Object>> MAP_TYPE = new TypeReference<>() {};

    public ModelInfo {
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("format is '" + format + "', expected '" + FORMAT + "'");
        }
        requireText("name", name);
        requireText("version", version);
        if (!MODE_SUPERVISED.equals(mode) && !MODE_ANOMALY.equals(mode)) {
            throw new IllegalArgumentException("mode is '" + mode + "', expected '" + MODE_SUPERVISED + "' or '" + MODE_ANOMALY + "'");
        }
        if (classes == null || classes.isEmpty()) {
            throw new IllegalArgumentException("classes must list at least '" + OK_CLASS + "' and one defect class");
        }
        classes = List.copyOf(classes);
        Set<String> seen = new HashSet<>();
        for (String className : classes) {
            requireText("class name", className);
            if (!seen.add(className)) {
                throw new IllegalArgumentException("class '" + className + "' is listed twice in " + classes);
            }
        }
        if (!seen.contains(OK_CLASS)) {
            throw new IllegalArgumentException("classes " + classes + " do not include the passing class '" + OK_CLASS + "'");
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException("classes " + classes + " must include at least one defect class besides '" + OK_CLASS + "'");
        }
        if (MODE_ANOMALY.equals(mode) && !classes.equals(List.of(OK_CLASS, Trainer.ANOMALY_CLASS))) {
            throw new IllegalArgumentException("an anomaly model's classes are [" + OK_CLASS + ", " + Trainer.ANOMALY_CLASS
                    + "], got " + classes);
        }
        requirePositive("inputWidth", inputWidth);
        requirePositive("inputHeight", inputHeight);
        requirePositive("inputChannels", inputChannels);
        if (!Float.isFinite(normMean)) {
            throw new IllegalArgumentException("normMean must be a finite number, got " + normMean);
        }
        if (!(normStd > 0) || !Float.isFinite(normStd)) {
            throw new IllegalArgumentException("normStd must be a finite number > 0, got " + normStd);
        }
        training = immutableCopy(training);
        evaluation = immutableCopy(evaluation);
        files = PackageDigests.checkedCopy(files);
    }

    /**
     * A description without recorded file digests (an unsealed package: {@link #files()} is empty);
     * {@link InspectionCnn#exportPackage} seals what it writes.
     */
    public ModelInfo(String format, String name, String version, String mode, List<String> classes, int inputWidth,
            int inputHeight, int inputChannels, float normMean, float normStd, Map<String, Object> training,
            Map<String, Object> evaluation) {
        this(format, name, version, mode, classes, inputWidth, inputHeight, inputChannels, normMean, normStd, training,
                evaluation, Map.of());
    }

    /**
     * A model description in the current {@link #FORMAT} with empty training and evaluation maps.
     */
    public static ModelInfo of(String name, String version, List<String> classes,
            int inputWidth, int inputHeight, int inputChannels, float normMean, float normStd) {
        return new ModelInfo(FORMAT, name, version, MODE_SUPERVISED, classes, inputWidth, inputHeight, inputChannels,
                normMean, normStd, Map.of(), Map.of());
    }

    /** Whether this is a good-only anomaly model: one score, no defect classes to name. */
    public boolean isAnomaly() {
        return MODE_ANOMALY.equals(mode);
    }

    /** This description with another mode (and the classes that mode needs, for anomaly). */
    public ModelInfo withMode(String newMode) {
        List<String> newClasses = MODE_ANOMALY.equals(newMode) ? List.of(OK_CLASS, Trainer.ANOMALY_CLASS) : classes;
        return new ModelInfo(format, name, version, newMode, newClasses, inputWidth, inputHeight, inputChannels,
                normMean, normStd, training, evaluation, files);
    }

    /**
     * The defect classes a part can be rejected for, by name: {@link #classes()} without
     * {@value #OK_CLASS}, in their order; none for an anomaly model (its one score names no defect).
     */
    public List<String> defectClasses() {
        if (isAnomaly()) return List.of();
        List<String> out = new java.util.ArrayList<>(classes);
        out.remove(OK_CLASS);
        return List.copyOf(out);
    }

    /** Index of class {@value #OK_CLASS} in {@link #classes()} (always present). */
    public int okIndex() {
        return classes.indexOf(OK_CLASS);
    }

    /** Number of classes K: the width of the model's {@code probs} output. */
    public int numClasses() {
        return classes.size();
    }

    /** Floats in one input image: width * height * channels. */
    public int floatsPerImage() {
        return Math.multiplyExact(Math.multiplyExact(inputWidth, inputHeight), inputChannels);
    }

    /**
     * A copy whose {@code training} and {@code evaluation} maps are this one's with the given
     * entries added; a given entry replaces an existing one of the same key.
     */
    public ModelInfo withFigures(Map<String, Object> trainingFigures, Map<String, Object> evaluationFigures) {
        Map<String, Object> mergedTraining = new LinkedHashMap<>(training);
        mergedTraining.putAll(trainingFigures);
        Map<String, Object> mergedEvaluation = new LinkedHashMap<>(evaluation);
        mergedEvaluation.putAll(evaluationFigures);
        return new ModelInfo(format, name, version, mode, classes, inputWidth, inputHeight, inputChannels,
                normMean, normStd, mergedTraining, mergedEvaluation, files);
    }

    /** A copy recording {@code digests} (relative path to SHA-256, see {@link PackageDigests}) as its files. */
    public ModelInfo withFiles(Map<String, String> digests) {
        return new ModelInfo(format, name, version, mode, classes, inputWidth, inputHeight, inputChannels,
                normMean, normStd, training, evaluation, digests);
    }

    /** Whether model.json records the SHA-256 of the package's files, so that loading can verify them. */
    public boolean sealed() {
        return !files.isEmpty();
    }

    /**
     * Reads and validates a {@code model.json}. Fields {@code training}, {@code evaluation} and
     * {@code files} may be absent (read as empty), {@code mode} too (read as supervised: packages made
     * before it); every other field is required and unknown fields are errors.
     *
     * @throws ModelException naming the file and the first problem found
     */
    public static ModelInfo read(Path modelJson) {
        JsonNode root;
        try {
            root = JSON.readTree(modelJson.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelException(modelJson + ": not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            if (!Files.exists(modelJson)) {
                throw new ModelException(modelJson + " does not exist (every model package needs a " + FILE_NAME + ")", e);
            }
            throw new ModelException(modelJson + ": cannot be read: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelException(modelJson + ": expected a JSON object, found "
                    + (root == null || root.isMissingNode() ? "an empty file" : root.getNodeType().toString().toLowerCase()));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String fieldName = names.next();
            if (!FIELD_NAMES.contains(fieldName)) {
                throw new ModelException(modelJson + ": unknown field '" + fieldName + "' (known fields: " + FIELD_NAMES + ")");
            }
        }
        try {
            return new ModelInfo(
                    textField(root, "format", modelJson),
                    textField(root, "name", modelJson),
                    textField(root, "version", modelJson),
                    root.has("mode") ? textField(root, "mode", modelJson) : MODE_SUPERVISED,
                    classesField(root, modelJson),
                    intField(root, "inputWidth", modelJson),
                    intField(root, "inputHeight", modelJson),
                    intField(root, "inputChannels", modelJson),
                    floatField(root, "normMean", modelJson),
                    floatField(root, "normStd", modelJson),
                    objectField(root, "training", modelJson),
                    objectField(root, "evaluation", modelJson),
                    filesField(root, modelJson));
        } catch (IllegalArgumentException e) {
            throw new ModelException(modelJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes this description as pretty-printed JSON, replacing {@code modelJson} atomically where
     * the file system allows it.
     *
     * @throws ModelException if the file cannot be written
     */
    public void write(Path modelJson) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("name", name);
        root.put("version", version);
        root.put("mode", mode);
        ArrayNode classNames = root.putArray("classes");
        classes.forEach(classNames::add);
        root.put("inputWidth", inputWidth);
        root.put("inputHeight", inputHeight);
        root.put("inputChannels", inputChannels);
        root.put("normMean", normMean);
        root.put("normStd", normStd);
        root.set("training", JSON.valueToTree(training));
        root.set("evaluation", JSON.valueToTree(evaluation));
        if (!files.isEmpty()) root.set("files", JSON.valueToTree(files));
        Path temporary = modelJson.resolveSibling(modelJson.getFileName() + ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), root);
            Files.move(temporary, modelJson, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | IllegalArgumentException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The original failure is the one worth reporting.
            }
            String reason = e instanceof NoSuchFileException ? "folder does not exist" : e.toString();
            throw new ModelException("cannot write " + modelJson + ": " + reason, e);
        }
    }

    private static JsonNode requiredField(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new ModelException(file + ": missing field " + field);
        }
        return node;
    }

    private static String textField(JsonNode root, String field, Path file) {
        JsonNode node = requiredField(root, field, file);
        if (!node.isTextual()) {
            throw new ModelException(file + ": field " + field + " must be a string, found " + node);
        }
        return node.asText();
    }

    private static int intField(JsonNode root, String field, Path file) {
        JsonNode node = requiredField(root, field, file);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new ModelException(file + ": field " + field + " must be an integer, found " + node);
        }
        return node.intValue();
    }

    private static float floatField(JsonNode root, String field, Path file) {
        JsonNode node = requiredField(root, field, file);
        if (!node.isNumber()) {
            throw new ModelException(file + ": field " + field + " must be a number, found " + node);
        }
        return node.floatValue();
    }

    private static List<String> classesField(JsonNode root, Path file) {
        JsonNode node = requiredField(root, "classes", file);
        if (!node.isArray()) {
            throw new ModelException(file + ": field classes must be an array of class names, found " + node);
        }
        List<String> classNames = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new ModelException(file + ": field classes must contain only strings, found " + element);
            }
            classNames.add(element.asText());
        }
        return classNames;
    }

    private static Map<String, Object> objectField(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new ModelException(file + ": field " + field + " must be a JSON object, found " + node);
        }
        return JSON.convertValue(node, MAP_TYPE);
    }

    private static Map<String, String> filesField(JsonNode root, Path file) {
        JsonNode node = root.get("files");
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) {
            throw new ModelException(file + ": field files must be a JSON object of relative path to SHA-256, found " + node);
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ModelException(file + ": files." + e.getKey() + " must be a SHA-256 in hex, found " + e.getValue());
            }
            files.put(e.getKey(), e.getValue().asText());
        }
        return files;
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + value);
        }
    }

    private static Map<String, Object> immutableCopy(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
