package io.sightline.station.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Real config files in a test's folder, and checks on the problems they give. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /** The project folder (surefire sets sightline.home to it). */
    static Path project() {
        return Path.of(System.getProperty("sightline.home", "..")).toAbsolutePath().normalize();
    }

    /** A model package as far as the config checks it: a folder with the default model's model.json. */
    static Path model(Path dir) {
        try {
            Path m = dir.resolve("models").resolve("m");
            Files.createDirectories(m);
            Files.copy(project().resolve("models/default/model.json"), m.resolve("model.json"));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A video file that exists (its content is not read by the config). */
    static Path video(Path dir, String name) {
        try {
            Path v = dir.resolve(name);
            Files.createDirectories(v.getParent());
            Files.write(v, new byte[] {0});
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code yaml} as {@code dir/station.yaml} after a model ({@code models/m}) and video ({@code parts.avi}) that it can name. */
    static Path write(Path dir, String yaml) {
        try {
            if (!Files.exists(dir.resolve("models/m"))) model(dir);
            if (!Files.exists(dir.resolve("parts.avi"))) video(dir, "parts.avi");
            Path f = dir.resolve("station.yaml");
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The smallest valid file: the model, no trend (no trend model needed), one line on parts.avi. */
    static final String MINIMAL = """
            model: models/m
            trend: {detectors: none}
            lines:
              - views:
                  - source: file:parts.avi
            """;

    static StationFile read(Path dir, String yaml) {
        return StationFileReader.read(write(dir, yaml), Map.<String, String>of()::get);
    }

    static ConfigException bad(Path dir, String yaml) {
        Path f = write(dir, yaml);
        return assertThrows(ConfigException.class, () -> StationFileReader.read(f, Map.<String, String>of()::get));
    }

    /**
     * Asserts the exception has a problem at {@code line} for {@code key} whose message holds every
     * fragment, and that the exception's message shows it as {@code FILE:LINE: key: expected ...}.
     */
    static ConfigProblem assertProblem(ConfigException e, int line, String key, String... fragments) {
        ConfigProblem found = null;
        ConfigProblem near = null;
        for (ConfigProblem p : e.problems()) {
            if (p.line() != line || !p.key().equals(key)) continue;
            near = p;
            boolean all = true;
            for (String f : fragments) all &= p.message().contains(f);
            if (all) found = p;
        }
        assertNotNull(near, "no problem at line " + line + " for " + key + " in:\n" + e.getMessage());
        if (found == null) {
            for (String f : fragments) assertTrue(near.message().contains(f), "'" + f + "' not in: " + near);
        }
        String shown = e.file() + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + "expected ";
        assertTrue(e.getMessage().contains(shown), "'" + shown + "' not in:\n" + e.getMessage());
        return found;
    }
}
