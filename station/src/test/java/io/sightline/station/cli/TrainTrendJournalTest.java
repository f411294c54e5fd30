package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train-trend --journal} end to end on real TensorFlow: the shipped LSTM fine-tuned on one
 * line's recorded history, judged on its held-out last fifth.
 */
class TrainTrendJournalTest {
    /**
     * A line whose reject rate steps up and back down on its own rhythm (2 % for 1,200 parts, then
     * 10 % for 800, again and again: a shift, a tool, a supplier's batch), seeded; another line
     * beside it in the same file that the command is told to ignore.
     */
    static String recordedSteps(long seed, String line, int parts, boolean scores) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            double rate = i % 2000 < 1200 ? 0.02 : 0.10;
            boolean reject = r.nextDouble() < rate;
            double score = reject ? 1 - 0.35 * Math.pow(r.nextDouble(), 2) : Math.min(0.49, 0.07 * Math.abs(r.nextGaussian()));
            b.append(1_700_000_000L + i).append(',').append(line).append(',')
                    .append(scores ? String.format(Locale.ROOT, "%.4f", score) : "").append(',')
                    .append(reject ? "reject" : "pass").append('\n');
        }
        return b.toString();
    }

    @Test
    void aFineTunedModelFollowsTheLinesRecordedStepsBetterThanTheShippedOne(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("line2.csv");
        Files.writeString(csv, "timestamp,line,score,outcome\n" + recordedSteps(7, "2", 16_000, true)
                + recordedSteps(8, "3", 600, true).replace("1700000", "1800000"));
        Path out = tmp.resolve("trend-line2");
        EvalTrendHistoryTest.Run r = EvalTrendHistoryTest.run("train-trend", "--journal", csv.toString(), "--line", "2", "--out", out.toString(),
                "--epochs", "15", "--seed", "3", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        System.out.println("fine-tuning on recorded steps: " + json);
        assertEquals(12_800, json.get("heldOutFrom").asInt());
        double before = json.get("brierSkillBefore").asDouble();
        double after = json.get("brierSkillAfter").asDouble();
        assertTrue(after > before, "fine-tuned skill " + after + " against the shipped model's " + before);
        JsonNode model = new ObjectMapper().readTree(out.resolve("model.json").toFile());
        assertEquals(0.9, model.get("interval").get("level").asDouble(), 1e-9, "the package states its calibrated interval");
        assertEquals("2", model.get("training").get("line").asText());
    }

    @Test
    void aPassFailOnlyJournalIsFineTunedOnAndBadHistoryIsRefusedWithTheRow(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("passfail.csv");
        Files.writeString(csv, recordedSteps(9, "7", 9_000, false));
        EvalTrendHistoryTest.Run r = EvalTrendHistoryTest.run("train-trend", "--journal", csv.toString(), "--out",
                tmp.resolve("m").toString(), "--epochs", "2", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertTrue(json.get("brierSkillBefore").isNumber() && json.get("brierSkillAfter").isNumber(), json.toString());

        Path unsorted = tmp.resolve("unsorted.csv");
        Files.writeString(unsorted, "timestamp,line,score,outcome\n10,1,0.1,pass\n11,1,0.2,pass\n9,1,0.1,pass\n");
        r = EvalTrendHistoryTest.run("train-trend", "--journal", unsorted.toString(), "--out", tmp.resolve("u").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unsorted.csv row 4: timestamp '9' is earlier"), r.err());

        Path outside = tmp.resolve("outside.csv");
        Files.writeString(outside, "10,1,0.1,pass\n11,1,1.2,reject\n");
        r = EvalTrendHistoryTest.run("train-trend", "--journal", outside.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("outside.csv row 2: score 1.2 is outside [0, 1]"), r.err());

        Path columns = tmp.resolve("columns.csv");
        Files.writeString(columns, "timestamp,line,outcome\n10,1,pass\n");
        r = EvalTrendHistoryTest.run("train-trend", "--journal", columns.toString(), "--out", tmp.resolve("c").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("columns.csv row 1: the header has no score column"), r.err());

        r = EvalTrendHistoryTest.run("train-trend", "--journal", csv.toString(), "--line", "9", "--out", tmp.resolve("n").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--line: ") && r.err().contains("no line '9'"), r.err());
    }
}
