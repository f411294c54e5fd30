package io.sightline.station.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What waits in a review folder ({@code DIR/LINE/unlabelled/}), per line: parts (PNG images), bytes
 * on disk (images and sidecars), and the oldest and newest part's time. What {@code sightline review
 * stats} prints, and what {@link ReviewQueue} counts against its size limit at start.
 *
 * @param lines one entry per line folder, by name
 */
public record ReviewStats(Path dir, List<Line> lines) {
    /** One line's waiting parts; {@code oldest} and {@code newest} are null when none waits. */
    public record Line(String name, long parts, long bytes, FileTime oldest, FileTime newest) {}

    public long totalBytes() {
        long b = 0;
        for (Line l : lines) b += l.bytes();
        return b;
    }

    public long totalParts() {
        long n = 0;
        for (Line l : lines) n += l.parts();
        return n;
    }

    /**
     * Reads the folder; a folder that does not exist has no line.
     *
     * @throws UncheckedIOException naming the folder when it cannot be read
     */
    public static ReviewStats read(Path dir) {
        List<Line> lines = new ArrayList<>();
        if (!Files.isDirectory(dir)) return new ReviewStats(dir, lines);
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path line : folders.sorted().toList()) {
                Path unlabelled = line.resolve(ReviewQueue.UNLABELLED);
                if (!Files.isDirectory(unlabelled)) continue;
                long parts = 0;
                long bytes = 0;
                FileTime oldest = null;
                FileTime newest = null;
                try (Stream<Path> files = Files.list(unlabelled)) {
                    for (Path f : files.toList()) {
                        if (!Files.isRegularFile(f)) continue;
                        bytes += Files.size(f);
                        if (!f.getFileName().toString().endsWith(".png")) continue;
                        parts++;
                        FileTime t = Files.getLastModifiedTime(f);
                        if (oldest == null || t.compareTo(oldest) < 0) oldest = t;
                        if (newest == null || t.compareTo(newest) > 0) newest = t;
                    }
                }
                lines.add(new Line(line.getFileName().toString(), parts, bytes, oldest, newest));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("review folder " + dir + " cannot be read: " + e.getMessage(), e);
        }
        return new ReviewStats(dir, lines);
    }
}
