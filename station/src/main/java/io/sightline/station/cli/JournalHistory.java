package io.sightline.station.cli;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.trend.PartStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One line's recorded history for {@code train-trend --journal}: the decision journal itself
 * (SQLite, read through its {@code journal export} CSV) or a CSV of {@code timestamp,line,score,outcome}
 * (checked by {@link PartStreams}: time order, every column, scores in [0, 1] or empty).
 */
final class JournalHistory {
    private static final byte[] SQLITE = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private JournalHistory() {}

    /**
     * @param line the line's name as the history writes it; null when the history holds one line
     * @throws IllegalArgumentException naming the file and what was wrong
     */
    static PartStreams.Stream stream(Path file, String line) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--journal: " + file + " does not exist (expected the journal or its CSV)");
        List<PartStreams.Stream> streams;
        if (isSqlite(file)) {
            Path csv = Files.createTempFile("sightline-journal-", ".csv");
            try {
                DecisionJournal.exportCsv(file, csv);
                streams = PartStreams.read(csv).stream().map(s -> s.from(file)).toList();
            } finally {
                Files.deleteIfExists(csv);
            }
        } else {
            streams = PartStreams.read(file);
        }
        List<String> names = streams.stream().map(PartStreams.Stream::line).toList();
        if (line == null) {
            if (streams.size() > 1) throw new IllegalArgumentException("--line: " + file + " holds lines " + names + "; name one");
            return streams.get(0);
        }
        return streams.stream().filter(s -> s.line().equals(line)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--line: " + file + " has no line '" + line + "' (it holds " + names + ")"));
    }

    private static boolean isSqlite(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(SQLITE.length), SQLITE);
        }
    }
}
