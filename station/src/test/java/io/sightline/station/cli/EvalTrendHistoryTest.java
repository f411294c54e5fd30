package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval-trend --history} end to end: real CSV files, the shipped LSTM, the JSON contract and the errors. */
class EvalTrendHistoryTest {
    static final String MODEL = Path.of("..", "models", "trend").toString();

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = SightlineCli.execute(new java.io.PrintWriter(saved, true), new java.io.PrintWriter(err, true), args);
        } finally {
            System.setOut(saved);
        }
        return new Run(code, buffer.toString(StandardCharsets.UTF_8), err.toString());
    }

    /** Rejects at {@code before} up to {@code changeAt}, {@code after} from it on; empty scores when {@code scores} is false. */
    static String rows(long seed, String line, int parts, int changeAt, double before, double after, boolean scores) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            boolean reject = r.nextDouble() < (i < changeAt ? before : after);
            double score = reject ? 0.7 + 0.2 * r.nextDouble() : 0.05 + 0.1 * r.nextDouble();
            b.append(1_700_000_000L + i).append(',').append(line).append(',')
                    .append(scores ? String.format(Locale.ROOT, "%.4f", score) : "").append(',')
                    .append(reject ? "reject" : "pass").append('\n');
        }
        return b.toString();
    }

    @Test
    void twoLinesOfAFileAreJudgedAndTheJsonIsTheLastLine(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("plant.csv");
        Files.writeString(csv, "timestamp,line,score,outcome\n" + rows(21, "1", 8000, 4000, 0.01, 0.08, true)
                + rows(22, "2", 6000, 6000, 0.02, 0.02, false));
        Path changes = tmp.resolve("changes.csv");
        Files.writeString(changes, "line,partIndex\n1,4000\n");
        Run r = run("eval-trend", "--history", csv.toString(), "--changes", changes.toString(), "--model", MODEL, "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        JsonNode streams = json.get("streams");
        assertEquals(2, streams.size());
        JsonNode one = streams.get(0);
        assertEquals("plant.csv", one.get("name").asText());
        assertEquals("1", one.get("line").asText());
        assertEquals(8000, one.get("parts").asInt());
        JsonNode ewma = one.get("detectors").get("ewma");
        assertTrue(ewma.get("brierSkill").asDouble() > 0, "the EWMA forecast follows the step: " + ewma);
        assertTrue(ewma.get("delayParts").get(0).isInt(), ewma.toString());
        JsonNode lstm = one.get("detectors").get("lstm");
        assertTrue(lstm.get("brierSkill").isNumber(), "the shipped LSTM gives a forecast: " + lstm);
        assertTrue(lstm.get("alarms").isInt(), lstm.toString());
        assertTrue(one.get("detectors").get("cusum").get("brierSkill").isNull(), "CUSUM does not forecast");

        JsonNode two = streams.get(1);
        assertEquals("2", two.get("line").asText());
        assertTrue(two.get("detectors").get("pchart").get("delayParts").isNull(), "no change given for line 2");
        assertTrue(json.get("setup").get("passFailOnly").toString().contains("plant.csv line 2"), json.get("setup").toString());
    }

    @Test
    void badInputFailsWithTheFileAndRowAndPrintsNothing(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "timestamp,line,score,outcome\n" + rows(23, "1", 700, 700, 0.02, 0.02, true) + "9,1,0.2\n");
        Run r = run("eval-trend", "--history", bad.toString(), "--model", MODEL, "--json");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.csv row 702") && r.err().contains("expected 4 fields"), r.err());
        assertEquals("", r.out());

        Path shortCsv = tmp.resolve("short.csv");
        Files.writeString(shortCsv, rows(24, "1", 560, 560, 0.02, 0.02, true));
        r = run("eval-trend", "--history", shortCsv.toString(), "--model", MODEL, "--json");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("short.csv line 1: 560 parts") && r.err().contains("lower --horizon"), r.err());
        assertEquals("", r.out());

        r = run("eval-trend", "--history", tmp.resolve("absent.csv").toString(), "--json");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("absent.csv does not exist"), r.err());
        assertEquals("", r.out());
    }
}
