package io.sightline.postprocess.trend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Recorded part streams read from CSV, for {@link StreamReplay}.
 *
 * <pre>
 *   history CSV: timestamp,line,score,outcome        (a header row is optional)
 *     or a header naming the columns in any order: timestamp|capture_time, line, score, outcome|decision
 *     (so the full {@code journal export} file is read as it is; other columns are ignored)
 *   each (file, line) is one stream, its parts in the file's row order (part index 0, 1, ...), which
 *          must be time order: a row earlier than the line's previous row is refused
 *   score: a number in [0, 1], or empty / NaN (no score: a fail-safe reject, or a system that
 *          records pass/fail only); a stream in which no part has a score is "pass/fail only"
 *   outcome: pass | ok | good | 0 | false  -> passed;  reject | defect | failsafe | fail | nok | ng | bad | 1 | true -> rejected
 *
 *   changes CSV: line,partIndex  or, with a header, the columns line, partIndex and optionally file
 * </pre>
 *
 * Every malformed row is refused with the file, its row number (from 1, header included) and what
 * was expected.
 */
public final class PartStreams {
    private static final Set<String> PASS = Set.of("pass", "ok", "good", "0", "false");
    private static final Set<String> REJECT = Set.of("reject", "defect", "failsafe", "fail", "nok", "ng", "bad", "1", "true");

    private PartStreams() {}

    /**
     * One line of one file.
     *
     * @param file the file as given
     * @param line the line's name as the file writes it
     * @param scores per part, NaN where the row had none
     * @param rejected per part
     * @param scored whether at least one part has a score (false: pass/fail only)
     */
    public record Stream(Path file, String line, float[] scores, boolean[] rejected, boolean scored) {
        public int parts() {
            return rejected.length;
        }

        public int rejects() {
            int n = 0;
            for (boolean r : rejected) if (r) n++;
            return n;
        }

        /**
         * What the detectors are fed: the scores, or in a pass/fail-only stream the reject indicator
         * (1 or 0) in their place.
         */
        public float[] fed() {
            if (scored) return scores;
            float[] x = new float[rejected.length];
            for (int i = 0; i < x.length; i++) x[i] = rejected[i] ? 1f : 0f;
            return x;
        }

        /** The same parts seen as coming from {@code other} (a journal read through its CSV export). */
        public Stream from(Path other) {
            return new Stream(other, line, scores, rejected, scored);
        }

        /** The file's name, what the output calls the stream. */
        public String name() {
            return file.getFileName().toString();
        }
    }

    /** A change point: the first part of the changed process, counted from 0 in its stream. */
    public record Change(String file, String line, int partIndex, int row) {}

    /** Every stream of every file, files in the order given, lines in order of first appearance. */
    public static List<Stream> read(List<Path> files) throws IOException {
        List<Stream> streams = new ArrayList<>();
        for (Path file : files) streams.addAll(read(file));
        return streams;
    }

    public static List<Stream> read(Path file) throws IOException {
        List<String> rows = lines(file, "history CSV");
        int[] col = {0, 1, 2, 3}; // timestamp, line, score, outcome
        int first = 0;
        if (!rows.isEmpty() && isHeader(rows.get(0), "timestamp", "capture_time")) {
            List<String> header = split(rows.get(0)).stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
            col = new int[] {index(header, "timestamp", "capture_time"), index(header, "line"), index(header, "score"),
                index(header, "outcome", "decision")};
            String[] names = {"timestamp (or capture_time)", "line", "score", "outcome (or decision)"};
            for (int i = 0; i < 4; i++) {
                if (col[i] < 0) throw new IllegalArgumentException(file + " row 1: the header has no " + names[i] + " column");
            }
            first = 1;
        }
        int width = Arrays.stream(col).max().getAsInt() + 1;
        Map<String, Builder> byLine = new LinkedHashMap<>();
        Map<String, double[]> lastTime = new java.util.HashMap<>(); // per line: time, row
        for (int i = first; i < rows.size(); i++) {
            String text = rows.get(i);
            if (text.isBlank()) continue;
            String where = file + " row " + (i + 1) + ": ";
            List<String> f = split(text);
            if (f.size() < width || (first == 0 && f.size() != 4)) {
                throw new IllegalArgumentException(where + "expected " + (first == 0 ? "4 fields timestamp,line,score,outcome"
                        : split(rows.get(0)).size() + " fields like the header (" + rows.get(0).trim() + ")") + ", got " + f.size());
            }
            double time = time(where, f.get(col[0]).trim());
            String line = f.get(col[1]).trim();
            if (line.isEmpty()) throw new IllegalArgumentException(where + "empty line (expected the production line's name or number)");
            double[] last = lastTime.get(line);
            if (last != null && time < last[0]) {
                throw new IllegalArgumentException(where + "timestamp '" + f.get(col[0]).trim() + "' is earlier than line " + line
                        + "'s previous part (row " + (long) last[1] + "): recorded history must be in time order (sort it by timestamp)");
            }
            lastTime.put(line, new double[] {time, i + 1});
            float score = score(where, f.get(col[2]).trim());
            boolean rejected = outcome(where, f.get(col[3]).trim());
            byLine.computeIfAbsent(line, k -> new Builder()).add(score, rejected);
        }
        if (byLine.isEmpty()) throw new IllegalArgumentException(file + ": no parts (expected rows timestamp,line,score,outcome)");
        List<Stream> streams = new ArrayList<>();
        for (var e : byLine.entrySet()) streams.add(e.getValue().build(file, e.getKey()));
        return streams;
    }

    /** The change points of a changes CSV, each checked against {@code streams}. */
    public static List<Change> readChanges(Path file, List<Stream> streams) throws IOException {
        List<String> rows = lines(file, "changes CSV");
        int cFile = -1;
        int cLine = 0;
        int cPart = 1;
        int first = 0;
        if (!rows.isEmpty() && isHeader(rows.get(0), "line", "partindex", "file")) {
            List<String> header = split(rows.get(0)).stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
            cFile = index(header, "file");
            cLine = index(header, "line");
            cPart = index(header, "partindex");
            if (cLine < 0 || cPart < 0) {
                throw new IllegalArgumentException(file
                        + " row 1: expected a header with the columns line and partIndex (and optionally file)");
            }
            first = 1;
        }
        List<Change> changes = new ArrayList<>();
        for (int i = first; i < rows.size(); i++) {
            if (rows.get(i).isBlank()) continue;
            String where = file + " row " + (i + 1) + ": ";
            List<String> f = split(rows.get(i));
            int width = Math.max(cFile, Math.max(cLine, cPart)) + 1;
            if (f.size() < width) {
                throw new IllegalArgumentException(where + "expected " + width + " fields (line,partIndex), got " + f.size());
            }
            String line = f.get(cLine).trim();
            String name = cFile < 0 ? null : f.get(cFile).trim();
            int part;
            try {
                part = Integer.parseInt(f.get(cPart).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "partIndex '" + f.get(cPart).trim() + "' is not a whole number");
            }
            List<Stream> match = streams.stream().filter(s -> s.line().equals(line)
                    && (name == null || s.name().equals(name) || s.file().toString().equals(name))).toList();
            if (match.isEmpty()) {
                throw new IllegalArgumentException(where + "no stream of line '" + line + "'" + (name == null ? "" : " in " + name)
                        + " in the history given");
            }
            if (match.size() > 1) {
                throw new IllegalArgumentException(where + "line '" + line + "' is in several files ("
                        + String.join(", ", match.stream().map(Stream::name).toList()) + "): add a file column");
            }
            Stream s = match.get(0);
            if (part < 0 || part >= s.parts()) {
                throw new IllegalArgumentException(where + "partIndex " + part + " is outside the stream " + s.name() + " line " + line
                        + " (parts 0.." + (s.parts() - 1) + ")");
            }
            changes.add(new Change(s.file().toString(), line, part, i + 1));
        }
        return changes;
    }

    private static List<String> lines(Path file, String what) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
    }

    private static boolean isHeader(String row, String... names) {
        for (String f : split(row)) {
            String n = f.trim().toLowerCase(Locale.ROOT);
            for (String name : names) if (n.equals(name)) return true;
        }
        return false;
    }

    private static int index(List<String> header, String... names) {
        for (String name : names) {
            int i = header.indexOf(name);
            if (i >= 0) return i;
        }
        return -1;
    }

    /** The timestamp in seconds: epoch seconds or ISO-8601. */
    private static double time(String where, String t) {
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            try {
                Instant i = Instant.parse(t);
                return i.getEpochSecond() + i.getNano() / 1e9;
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(where + "timestamp '" + t
                        + "' is neither epoch seconds nor ISO-8601 (e.g. 2026-11-24T15:00:00Z)");
            }
        }
    }

    private static float score(String where, String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) return Float.NaN;
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "score '" + s + "' is not a number (expected a score in [0, 1], or empty)");
        }
        if (!(v >= 0f && v <= 1f)) {
            throw new IllegalArgumentException(where + "score " + s + " is outside [0, 1] (expected [0, 1], or empty)");
        }
        return v;
    }

    private static boolean outcome(String where, String s) {
        String o = s.toLowerCase(Locale.ROOT);
        if (PASS.contains(o)) return false;
        if (REJECT.contains(o)) return true;
        throw new IllegalArgumentException(where + "outcome '" + s + "' is not one of pass, ok, good, 0, false (passed) or "
                + "reject, defect, failsafe, fail, nok, ng, bad, 1, true (rejected)");
    }

    /** Splits one CSV row on commas outside double quotes ("" inside quotes is one quote). */
    static List<String> split(String row) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < row.length(); i++) {
            char ch = row.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static final class Builder {
        private float[] scores = new float[1024];
        private boolean[] rejected = new boolean[1024];
        private int n;
        private boolean scored;

        void add(float score, boolean reject) {
            if (n == rejected.length) {
                scores = Arrays.copyOf(scores, n * 2);
                rejected = Arrays.copyOf(rejected, n * 2);
            }
            scores[n] = score;
            rejected[n] = reject;
            if (!Float.isNaN(score)) scored = true;
            n++;
        }

        Stream build(Path file, String line) {
            return new Stream(file, line, Arrays.copyOf(scores, n), Arrays.copyOf(rejected, n), scored);
        }
    }
}
