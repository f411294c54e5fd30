package io.sightline.station.cli;

import io.sightline.station.config.ConfigException;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.review.ReviewStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline review}: the review queue's parts waiting to be labelled. */
@Command(name = "review", mixinStandardHelpOptions = true, description = "The review queue: parts kept for relabelling (see README, Review queue).",
        subcommands = {ReviewCommand.Stats.class})
public final class ReviewCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "What waits per line in DIR/LINE/unlabelled/: parts, size, oldest and newest.")
    static final class Stats implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", description = "the review folder (default: the config's review.dir, else sightline-out/review)")
        Path dir;

        @Option(names = "--config", paramLabel = "FILE", description = "a station config whose review.dir to read")
        Path config;

        @Option(names = "--json", description = "print one JSON object as the last line")
        boolean json;

        @Override
        public Integer call() {
            Path folder = dir;
            if (folder == null && config != null) {
                StationFile f;
                try {
                    f = StationFileReader.read(config);
                } catch (ConfigException e) {
                    System.err.println("sightline review stats: " + e.getMessage());
                    return 2;
                }
                if (f.review().dir() == null) {
                    System.err.println("sightline review stats: " + config + " has no review section (review.dir): expected one, or --dir DIR");
                    return 2;
                }
                folder = f.review().dir();
            }
            if (folder == null) folder = Path.of("sightline-out/review");
            ReviewStats s = ReviewStats.read(folder);
            System.out.printf("review queue %s: %d part(s) waiting, %.1f MB%n", folder, s.totalParts(), s.totalBytes() / 1048576.0);
            if (s.lines().isEmpty()) System.out.println("  (no line has parts waiting)");
            List<Map<String, Object>> lines = new ArrayList<>();
            for (ReviewStats.Line l : s.lines()) {
                System.out.printf("  %-20s %6d part(s) %9.1f MB   oldest %s   newest %s%n", l.name(), l.parts(), l.bytes() / 1048576.0,
                        l.oldest() == null ? "-" : l.oldest(), l.newest() == null ? "-" : l.newest());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("line", l.name());
                m.put("parts", l.parts());
                m.put("bytes", l.bytes());
                m.put("oldest", l.oldest() == null ? null : l.oldest().toString());
                m.put("newest", l.newest() == null ? null : l.newest().toString());
                lines.add(m);
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("dir", folder.toString());
                m.put("parts", s.totalParts());
                m.put("bytes", s.totalBytes());
                m.put("lines", lines);
                System.out.println(Json.line(m));
            }
            return 0;
        }
    }
}
