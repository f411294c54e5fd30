package io.sightline.station.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the {@code review} section: which parts are kept for relabelling, and how many.
 *
 * <pre>
 *   review:
 *     dir: sightline-out/review     # parts under DIR/LINE/unlabelled/ (default shown; none: off)
 *     band: 0.1                     # |score - threshold| at most this
 *     per-hour: 60                  # parts per line per clock hour, at most
 *     max-mb: 1000                  # the folder's size limit; what waits counts, nothing is deleted
 * </pre>
 *
 * <p>Without the section there is no review queue.
 */
final class ReviewSection {
    static final List<String> KEYS = List.of("dir", "band", "per-hour", "max-mb");

    private ReviewSection() {}

    /** @param s the section, or null when the file has none */
    static StationFile.Review read(YamlSection s, Path folder) {
        if (s == null) return StationFile.Review.NONE;
        StationFile.Review d = StationFile.Review.NONE;
        Path dir = s.path("dir", folder.resolve("sightline-out/review"), true);
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            s.problem("dir", "expected a folder for the review queue (or none), got " + dir + ", a file");
        }
        double band = s.number("band", d.band(), v -> v > 0 && v < 1, "a score distance above 0 and below 1");
        long perHour = s.integer("per-hour", d.perHour(), v -> v >= 1 && v <= 1_000_000, "parts per line per hour, 1 to 1000000");
        long maxMb = s.integer("max-mb", d.maxMb(), v -> v >= 1 && v <= 10_000_000, "a size limit from 1 to 10000000 MB");
        return new StationFile.Review(dir, (float) band, (int) perHour, maxMb);
    }
}
