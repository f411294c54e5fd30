package io.sightline.station.config;

import static io.sightline.station.config.YamlSection.got;

import io.sightline.calibration.CalibrationFile;
import io.sightline.inference.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The checks of a station file that look outside it: the model package and its model.json, the
 * calibration file (and that its threshold was calibrated for this model), the trend model, and
 * the server token read from the environment or a file. Each reports into {@link YamlProblems};
 * nothing is opened beyond reading these files, and no native library is loaded.
 */
final class StationFileChecks {
    static final int MIN_TOKEN_CHARS = 16;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final YamlProblems problems;
    private final Path folder;
    private final Function<String, String> env;

    /** Relative token files resolve against {@code folder}; {@code env} stands for the environment. */
    StationFileChecks(YamlProblems problems, Path folder, Function<String, String> env) {
        this.problems = problems;
        this.folder = folder;
        this.env = env;
    }

    /** The token a {@code server.token} value stands for; reported (never echoed) when missing or too short. */
    String token(ScalarNode node) {
        String v = node.getValue().trim();
        String what;
        String token;
        if (v.startsWith("env:")) {
            String name = v.substring(4);
            if (!ENV_NAME.matcher(name).matches()) {
                problems.problem(node, "server.token", "expected env:NAME with NAME an environment variable's name, got " + got(node));
                return null;
            }
            what = "environment variable " + name;
            token = env.apply(name);
            if (token == null) {
                problems.problem(node, "server.token", "expected " + what + " to hold the token, got it unset");
                return null;
            }
            token = token.trim();
        } else if (v.startsWith("file:")) {
            Path p;
            try {
                p = folder.resolve(v.substring(5)).normalize();
            } catch (InvalidPathException e) {
                problems.problem(node, "server.token", "expected file:PATH, got an invalid path (" + e.getMessage() + ")");
                return null;
            }
            what = "token file " + p;
            try {
                token = Files.readString(p).trim();
            } catch (NoSuchFileException e) {
                problems.problem(node, "server.token", "expected a file holding the token, got no such file: " + p);
                return null;
            } catch (IOException e) {
                problems.problem(node, "server.token", "expected a readable file holding the token, got " + p + " (" + e + ")");
                return null;
            }
        } else {
            what = "the token";
            token = v;
        }
        if (token.length() < MIN_TOKEN_CHARS) {
            problems.problem(node, "server.token", "expected " + what + " to be at least " + MIN_TOKEN_CHARS + " characters long, got "
                    + (token.isEmpty() ? "an empty one" : token.length() + " characters"));
            return null;
        }
        return token;
    }

    ModelInfo checkModel(YamlSection root, Path model) {
        if (model == null) return null;
        Node at = root.get("model");
        String expected = "a model package folder with " + ModelInfo.FILE_NAME;
        if (!Files.exists(model)) {
            report(root, at, "model", "expected " + expected + ", got " + model + " (no such folder)");
            return null;
        }
        if (!Files.isDirectory(model)) {
            report(root, at, "model", "expected " + expected + ", got " + model + " (a file, not a folder)");
            return null;
        }
        Path json = model.resolve(ModelInfo.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            report(root, at, "model", "expected " + expected + ", got " + model + " (it has no " + ModelInfo.FILE_NAME + ")");
            return null;
        }
        ModelInfo info;
        try {
            info = ModelInfo.read(json);
        } catch (RuntimeException e) {
            report(root, at, "model", "expected a valid model package, got " + e.getMessage());
            return null;
        }
        if (info.inputChannels() != 1) {
            report(root, at, "model", "expected a model for 8-bit gray cameras (1 input channel), got " + model + " with "
                    + info.inputChannels() + " input channels");
        }
        return info;
    }

    void checkCalibration(YamlSection root, Path calibration, ModelInfo model) {
        Node at = root.get("calibration");
        if (!Files.isRegularFile(calibration)) {
            problems.problem(at, "calibration", "expected a calibration file (sightline calibrate ... --out FILE), got " + calibration
                    + (Files.isDirectory(calibration) ? " (a folder)" : " (no such file)"));
            return;
        }
        Map<String, Object> sections;
        try {
            sections = CalibrationFile.read(calibration);
        } catch (RuntimeException e) {
            problems.problem(at, "calibration", "expected a valid calibration file, got " + e.getMessage());
            return;
        }
        if (model != null && sections.get("threshold") instanceof Map<?, ?> t) {
            String name = model.name() + " " + model.version();
            if (!name.equals(t.get("model"))) {
                problems.problem(at, "calibration", "expected a threshold calibrated for the model '" + name + "', got one for '" + t.get("model")
                        + "' (re-run calibrate threshold with this model)");
            }
        }
    }

    void checkTrendModel(YamlSection trend, Path model) {
        checkTrendModel(trend, model, "model");
    }

    /** {@code section.key} names a trend LSTM package folder. */
    void checkTrendModel(YamlSection section, Path model, String key) {
        Node at = section.get(key);
        String name = section.key(key);
        String expected = "the trend LSTM package (a folder with model.json), needed because a line runs lstm";
        if (!Files.isDirectory(model)) {
            report(section, at, name, "expected " + expected + ", got " + model + (Files.exists(model) ? " (a file)" : " (no such folder)"));
        } else if (!Files.isRegularFile(model.resolve("model.json"))) {
            report(section, at, name, "expected " + expected + ", got " + model + " (it has no model.json)");
        }
    }

    /** A problem at {@code node}, or at its section when the value was a default. */
    private void report(YamlSection s, Node node, String path, String message) {
        if (node != null) problems.problem(node, path, message);
        else problems.add(s.line, path, message + " (the default; set " + path + ")");
    }
}
