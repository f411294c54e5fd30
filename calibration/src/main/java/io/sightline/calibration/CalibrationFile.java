package io.sightline.calibration;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The station's calibration: one YAML file, one section per stage.
 *
 * <pre>
 *   format: sightline-calibration/1
 *   camera:    width, height, fx, fy, cx, cy, distortion, rms, views, ...      (calibrate camera)
 *   threshold: model, threshold, escapeRate, escapeRateUpper95, falseRejectRate, ...  (calibrate threshold)
 *   timing:    mode (time | encoder), rejectDelayMillis or rejectDelayCounts, ...    (calibrate timing)
 * </pre>
 *
 * Updating a section rewrites only that section, keeps the previous file as {@code FILE.bak},
 * and replaces the file atomically. Unknown sections or a wrong format are errors naming the file.
 */
public final class CalibrationFile {
    public static final String FORMAT = "sightline-calibration/1";
    public static final List<String> SECTIONS = List.of("camera", "roi", "scale", "threshold", "timing");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private CalibrationFile() {}

    /** The file's sections (empty when it does not exist yet). */
    public static Map<String, Object> read(Path file) {
        if (!Files.exists(file)) return new LinkedHashMap<>();
        Map<String, Object> root;
        try {
            root = YAML.readValue(file.toFile(), MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("calibration " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) return new LinkedHashMap<>();
        if (!FORMAT.equals(root.get("format"))) {
            throw new IllegalArgumentException("calibration " + file + " has format '" + root.get("format") + "', expected '" + FORMAT + "'");
        }
        for (String key : root.keySet()) {
            if (!key.equals("format") && !SECTIONS.contains(key)) {
                throw new IllegalArgumentException("calibration " + file + ": unknown section '" + key + "' (known: " + SECTIONS + ")");
            }
        }
        root.remove("format");
        return root;
    }

    /** One section, or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(Path file, String name) {
        Object s = read(file).get(name);
        if (s != null && !(s instanceof Map)) throw new IllegalArgumentException("calibration " + file + ": section " + name + " is not a map");
        return (Map<String, Object>) s;
    }

    /** Replaces section {@code name}, keeping the others; the previous file becomes {@code FILE.bak}. */
    public static void update(Path file, String name, Map<String, Object> content) {
        if (!SECTIONS.contains(name)) throw new IllegalArgumentException("unknown calibration section '" + name + "'");
        Map<String, Object> sections = read(file);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        for (String s : SECTIONS) {
            if (s.equals(name)) root.put(s, content);
            else if (sections.containsKey(s)) root.put(s, sections.get(s));
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (Files.exists(file)) Files.copy(file, file.resolveSibling(file.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            YAML.writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write calibration " + file + ": " + e.getMessage(), e);
        }
    }
}
