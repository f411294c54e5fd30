package io.sightline.station.config;

import java.nio.file.Path;

/**
 * One thing wrong with a station config file, where it is and what was expected.
 *
 * @param file the config file, as it was named
 * @param line 1-based line of the offending value (or key); 0 when the problem is the file itself
 * @param key the key path, e.g. {@code lines[1].views[0].source} or {@code pipeline.ring-size};
 *            empty for the whole file
 * @param message what was expected and what was there, e.g. {@code expected ..., got ...}
 */
public record ConfigProblem(Path file, int line, String key, String message) {
    /** {@code FILE:LINE: key.path: message}, the form editors and terminals turn into a link. */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
