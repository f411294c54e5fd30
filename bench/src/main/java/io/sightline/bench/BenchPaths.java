package io.sightline.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmarks find the models: {@code -Dsightline.model=DIR}, else {@code models/default}
 * under {@code -Dsightline.home} (the launcher sets it) or the nearest folder above the working
 * directory that has one; the trend LSTM likewise ({@code models/trend}).
 */
public final class BenchPaths {
    private BenchPaths() {}

    public static Path defaultModel() {
        String configured = System.getProperty("sightline.model");
        if (configured != null) return Path.of(configured);
        return shipped("models/default", "model.json", "-Dsightline.model=DIR");
    }

    /** The trend LSTM: {@code -Dsightline.trendModel=DIR}, else the shipped {@code models/trend}, found as {@link #defaultModel}'s. */
    public static Path trendModel() {
        String configured = System.getProperty("sightline.trendModel");
        if (configured != null) return Path.of(configured);
        return shipped("models/trend", "model.json", "-Dsightline.trendModel=DIR");
    }

    private static Path shipped(String folder, String file, String option) {
        String home = System.getProperty("sightline.home");
        for (Path dir = Path.of(home != null ? home : "").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(folder);
            if (Files.isRegularFile(candidate.resolve(file))) return candidate;
        }
        throw new IllegalStateException("no " + folder + " found above " + Path.of("").toAbsolutePath()
                + "; run from the repository or pass " + option);
    }
}
