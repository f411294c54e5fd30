package io.sightline.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmarks find the model: {@code -Dsightline.model=DIR}, else {@code models/default}
 * under {@code -Dsightline.home} (the launcher sets it) or the nearest folder above the working
 * directory that has one.
 */
public final class BenchPaths {
    private BenchPaths() {}

    public static Path defaultModel() {
        String configured = System.getProperty("sightline.model");
        if (configured != null) return Path.of(configured);
        String home = System.getProperty("sightline.home");
        for (Path dir = Path.of(home != null ? home : "").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("models/default");
            if (Files.isRegularFile(candidate.resolve("model.json"))) return candidate;
        }
        throw new IllegalStateException("no models/default found above " + Path.of("").toAbsolutePath()
                + "; run from the repository or pass -Dsightline.model=DIR");
    }
}
