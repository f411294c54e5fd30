package io.sightline.postprocess.trend;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded streams written as real CSV files, read back and replayed through the detectors. */
class StreamReplayTest {
    /** The station's matched defaults (TrendSetup): one false alarm per 2,000 synthetic in-control parts. */
    static final Map<String, Double> SENSITIVITIES = Map.of("lstm", 0.2929, "ewma", 5.5547, "cusum", 13.4609, "pchart", 3.0313);
    static final StreamReplay.Setup SETUP = new StreamReplay.Setup(50, 500, 25, SENSITIVITIES, null);

    /**
     * Writes a stream of {@code parts} parts of line {@code line}: the reject rate is {@code before}
     * up to part {@code changeAt} and {@code after} from it on; a reject scores about 0.8, a pass
     * about 0.1 (or every score is empty).
     */
    static String stream(long seed, String line, int parts, int changeAt, double before, double after, boolean scores) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            boolean reject = r.nextDouble() < (i < changeAt ? before : after);
            double score = reject ? 0.7 + 0.2 * r.nextDouble() : 0.05 + 0.1 * r.nextDouble();
            b.append(1_700_000_000L + i).append(',').append(line).append(',')
                    .append(scores ? String.format(java.util.Locale.ROOT, "%.4f", score) : "").append(',')
                    .append(reject ? "reject" : "pass").append('\n');
        }
        return b.toString();
    }

    @Test
    void aStepInTheRejectRateGivesTheEwmaForecastSkillAndADelay(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("step.csv");
        Files.writeString(csv, "timestamp,line,score,outcome\n" + stream(11, "2", 16_000, 6000, 0.01, 0.08, true));
        Path changes = tmp.resolve("changes.csv");
        Files.writeString(changes, "line,partIndex\n2,6000\n");
        List<PartStreams.Stream> streams = PartStreams.read(List.of(csv));
        assertEquals(1, streams.size());
        PartStreams.Stream s = streams.get(0);
        assertEquals("2", s.line());
        assertEquals(16_000, s.parts());
        assertTrue(s.scored());
        List<PartStreams.Change> cs = PartStreams.readChanges(changes, streams);
        assertEquals(6000, cs.get(0).partIndex());

        StreamReplay.Result r = StreamReplay.replay(s, List.of(6000), SETUP);
        assertEquals(50, r.excludedParts(), "the last horizon has no full outcome");
        assertEquals(16_000 - 525 - 50, r.scoredParts());
        StreamReplay.Judged ewma = r.detectors().get("ewma");
        assertTrue(ewma.brierSkill() > 0.05, "the EWMA forecast follows the step, the expanding mean lags: skill " + ewma.brierSkill());
        assertNotNull(ewma.delayParts().get(0), "the EWMA chart detects the step");
        assertTrue(ewma.delayParts().get(0) >= 0);
        assertNotNull(r.detectors().get("pchart").delayParts().get(0), "so does the p-chart");
        assertEquals(1, ewma.falseAlarmsBeforeChange().size());
        assertNull(r.detectors().get("cusum").brierSkill(), "CUSUM does not forecast");
        StreamReplay.Judged lstm = r.detectors().get("lstm");
        assertNull(lstm.brierSkill(), "no LSTM given: its fields are null");
        assertNull(lstm.alarms());
    }

    /**
     * At a constant rate there is nothing to know beyond the mean: the EWMA forecast can only add
     * its own noise. With lambda = 0.1 / N its variance is about lambda / 2 of a part's, which costs
     * a few per cent of the mean's Brier score (seeds 1-8 gave -0.027 to 0.000); the band
     * [-0.15, 0.05] is wide for the long, strongly overlapping horizons of one 30,000-part stream.
     */
    @Test
    void aConstantRateGivesSkillNearZero(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("flat.csv");
        Files.writeString(csv, stream(12, "line-a", 30_000, 30_000, 0.03, 0.03, true));
        PartStreams.Stream s = PartStreams.read(csv).get(0);
        StreamReplay.Result r = StreamReplay.replay(s, List.of(), SETUP);
        double skill = r.detectors().get("ewma").brierSkill();
        assertTrue(skill > -0.15 && skill < 0.05, "skill " + skill);
        assertNull(r.detectors().get("ewma").delayParts(), "no change given: no delay");
        assertNotNull(r.detectors().get("ewma").alarms());
    }

    @Test
    void aPassFailOnlyStreamIsAccepted(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("other-system.csv");
        Files.writeString(csv, "timestamp,line,score,outcome\n" + stream(13, "7", 8000, 4000, 0.02, 0.10, false));
        PartStreams.Stream s = PartStreams.read(csv).get(0);
        assertFalse(s.scored());
        assertTrue(Float.isNaN(s.scores()[0]));
        StreamReplay.Result r = StreamReplay.replay(s, List.of(4000), SETUP);
        for (String d : List.of("ewma", "cusum", "pchart")) {
            StreamReplay.Judged j = r.detectors().get(d);
            assertNotNull(j.alarms(), d);
            assertNotNull(j.delayParts().get(0), d + " detects a five-fold rate on the reject indicator");
        }
        assertNotNull(r.detectors().get("ewma").brierSkill());
    }

    @Test
    void eachLineOfAFileIsAStreamAndTheJournalsOwnExportIsRead(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("journal.csv");
        Files.writeString(csv, "id,line,part,camera,capture_time,decided_time,score,decision,reason,model,calibration,"
                + "box_x,box_y,box_width,box_height\n"
                + "1,0,1,\"cam,0\",2026-11-24T15:00:00Z,2026-11-24T15:00:00.001Z,0.1,pass,,m,none,,,,\n"
                + "2,1,1,cam1,2026-11-24T15:00:01Z,2026-11-24T15:00:01.001Z,0.9,reject,defect,m,none,1,2,3,4\n"
                + "3,0,2,cam0,2026-11-24T15:00:02Z,2026-11-24T15:00:02.001Z,,failsafe,late,m,none,,,,\n");
        List<PartStreams.Stream> streams = PartStreams.read(csv);
        assertEquals(2, streams.size());
        assertEquals("0", streams.get(0).line());
        assertEquals(2, streams.get(0).parts());
        assertEquals(1, streams.get(0).rejects());
        assertTrue(streams.get(0).scored());
        assertTrue(Float.isNaN(streams.get(0).scores()[1]), "a fail-safe reject has no score");
        assertEquals(1, streams.get(1).parts());
    }

    @Test
    void badInputIsRefusedNamingTheFileRowAndWhatWasExpected(@TempDir Path tmp) throws Exception {
        String header = "timestamp,line,score,outcome\n";
        assertRefused(tmp, header + "1,a,0.1,pass\n2,a,0.2,maybe\n", "row 3", "outcome 'maybe'");
        assertRefused(tmp, header + "1,a,0.1,pass\n2,a,0.2\n", "row 3", "expected 4 fields");
        assertRefused(tmp, "1,a,0.1,pass\n2,a,1.5,pass\n", "row 2", "outside [0, 1]");
        assertRefused(tmp, header + "yesterday,a,0.1,pass\n", "row 2", "timestamp 'yesterday'");
        assertRefused(tmp, header + "1,a,high,pass\n", "row 2", "score 'high' is not a number");
        assertRefused(tmp, header + "1,,0.1,pass\n", "row 2", "empty line");
        // recorded history is read in time order: a part earlier than its line's previous one is refused
        assertRefused(tmp, header + "5,a,0.1,pass\n6,b,0.1,pass\n4,a,0.2,pass\n", "row 4", "timestamp '4' is earlier than line a's previous part (row 2)");
        assertRefused(tmp, header + "2026-11-24T15:00:01Z,a,0.1,pass\n2026-11-24T15:00:00Z,a,0.1,pass\n", "row 3", "earlier than");
        // a missing column, in the header or in a row
        assertRefused(tmp, "timestamp,line,outcome\n1,a,pass\n", "row 1", "the header has no score column");
        assertRefused(tmp, "1,a,pass\n", "row 1", "expected 4 fields timestamp,line,score,outcome, got 3");
        assertRefused(tmp, header + "1,a,-0.2,pass\n", "row 2", "score -0.2 is outside [0, 1]");

        Path missing = tmp.resolve("nowhere.csv");
        var e = assertThrows(IllegalArgumentException.class, () -> PartStreams.read(List.of(missing)));
        assertTrue(e.getMessage().contains("nowhere.csv") && e.getMessage().contains("does not exist"), e.getMessage());

        Path shortCsv = tmp.resolve("short.csv");
        Files.writeString(shortCsv, stream(14, "a", 560, 560, 0.05, 0.05, true));
        PartStreams.Stream s = PartStreams.read(shortCsv).get(0);
        e = assertThrows(IllegalArgumentException.class, () -> StreamReplay.replay(s, List.of(), SETUP));
        assertTrue(e.getMessage().contains("560 parts") && e.getMessage().contains("576"), e.getMessage());

        Path changes = tmp.resolve("changes.csv");
        Files.writeString(changes, "line,partIndex\nb,10\n");
        e = assertThrows(IllegalArgumentException.class, () -> PartStreams.readChanges(changes, List.of(s)));
        assertTrue(e.getMessage().contains("changes.csv row 2") && e.getMessage().contains("line 'b'"), e.getMessage());
        Files.writeString(changes, "a,9999\n");
        e = assertThrows(IllegalArgumentException.class, () -> PartStreams.readChanges(changes, List.of(s)));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("partIndex 9999"), e.getMessage());
    }

    private static void assertRefused(Path tmp, String content, String row, String what) throws Exception {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, content);
        var e = assertThrows(IllegalArgumentException.class, () -> PartStreams.read(csv));
        assertTrue(e.getMessage().contains("bad.csv " + row + ":") && e.getMessage().contains(what), e.getMessage());
    }
}
