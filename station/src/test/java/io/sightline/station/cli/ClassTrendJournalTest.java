package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.JournalTrends;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.station.Station;
import io.sightline.station.StationAttachments;
import io.sightline.station.StationConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-class trend rows through the whole station on the real libraries: the committed default model
 * (five defect classes) in TensorFlow, seeded synthetic cameras, the ring, a real SQLite journal.
 * Line 1's crack rate rises after its baseline; line 0 stays in control.
 *
 * <p>The per-class trend is matched to the line detectors' false-alarm rate, about one alarm per
 * 2,000 in-control parts of a line (all classes together), so an in-control line of 600 parts after
 * its baseline stays clean with a probability of about 0.74: line 0's seeded camera is such a run
 * (seeded, so it is the same run every time).
 */
class ClassTrendJournalTest {
    static final int PARTS = 1100;
    static final int DRIFT_FROM = 600;
    static final double RATE = 0.05;

    /** A seeded synthetic camera whose crack rate rises from a given part on (the other classes stay at their share). */
    static final class CrackDrift implements FrameSource {
        final SyntheticPartCamera camera;
        final long driftFrom;
        long grabbed;

        CrackDrift(String name, long seed, long driftFrom) {
            this.camera = new SyntheticPartCamera(name, new SyntheticPartCamera.Options(640, 512, RATE, seed, 8));
            this.driftFrom = driftFrom;
        }

        @Override
        public String name() {
            return camera.name();
        }

        @Override
        public int maxWidth() {
            return camera.maxWidth();
        }

        @Override
        public int maxHeight() {
            return camera.maxHeight();
        }

        @Override
        public CapturedFrame grab() throws CaptureException {
            if (grabbed++ == driftFrom) {
                double[] rates = new double[camera.kinds().size()];
                java.util.Arrays.fill(rates, RATE / rates.length);
                rates[camera.kinds().indexOf(DefectKind.CRACK)] = 0.15;
                camera.setDefectRates(rates);
            }
            return camera.grab();
        }

        @Override
        public void close() {
            camera.close();
        }
    }

    @Test
    void aCrackDriftJournalsACrackAlarmReadableByTheCommandAndTheChainStaysIntact(@TempDir Path tmp) throws Exception {
        Path modelDir = Path.of(System.getProperty("sightline.home", ".")).resolve("models/default");
        assertTrue(Files.isDirectory(modelDir), "the default model package must be committed at " + modelDir);
        Path file = tmp.resolve("journal.db");
        try (ModelPackage model = ModelPackage.load(modelDir)) {
            assertTrue(model.info().defectClasses().contains("crack"), model.info().defectClasses().toString());
            List<FrameSource> cameras = new ArrayList<>(List.of(new CrackDrift("steady", 43, Long.MAX_VALUE),
                    new CrackDrift("cracking", 42, DRIFT_FROM)));
            RejectSink sink = new RejectSink() {
                @Override
                public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {}
            };
            StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(100).withMaxFramesPerLine(PARTS)
                    .withRejectDelayMillis(5_000);
            try (DecisionJournal journal = DecisionJournal.open(file, new String[] {"steady", "cracking"}, "default", "none", false);
                 Station station = Station.create(config, model, cameras, StationAttachments.of(sink).withJournal(journal)
                         .withTrend(List.of(new CusumChart(2, 500, CusumChart.DEFAULT_K, CusumChart.DEFAULT_H)), null))) {
                station.start();
                long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(10);
                assertTrue(station.camerasFinished(), "the cameras finish their frame budget");
                station.stop(java.time.Duration.ofSeconds(30));
            }
        }

        List<JournalTrends.Row> classRows = JournalTrends.read(file, null, null, null, 1000).stream()
                .filter(r -> r.defectClass() != null).toList();
        List<JournalTrends.Row> raised = classRows.stream().filter(r -> r.event().equals("raised")).toList();
        assertTrue(raised.stream().anyMatch(r -> r.line() == 1 && r.defectClass().equals("crack")), "a crack alarm on line 1: " + classRows);
        assertEquals(List.of(), raised.stream().filter(r -> r.line() == 0).toList(), "the line in control raised no class alarm");
        JournalTrends.Row crack = raised.stream().filter(r -> r.defectClass().equals("crack")).findFirst().orElseThrow();
        assertEquals("crack rising on line 1", crack.subject());
        assertEquals("rate-cusum", crack.detector());
        assertTrue(crack.part() > DRIFT_FROM, "raised after the drift began: part " + crack.part());
        assertTrue(crack.value() > crack.limit(), crack.toString());
        assertTrue(crack.baseRate() > 0 && crack.baseRate() < 0.05, "the class's in-control rate: " + crack.baseRate());
        assertTrue(crack.rate() > crack.baseRate(), "the class's forecast rate is above its in-control rate: " + crack);
        assertTrue(crack.lower() <= crack.rate() && crack.rate() <= crack.upper(), crack.toString());
        assertEquals(500, crack.horizonParts());

        JsonNode trends = lastJson(run("journal", "trends", "--file", file.toString(), "--line", "1", "--class", "crack", "--json"))
                .get("trends");
        assertTrue(trends.size() >= 1, trends.toString());
        JsonNode first = trends.get(0);
        assertEquals("crack", first.get("class").asText());
        assertEquals("raised", first.get("event").asText());
        assertEquals("crack rising on line 1", first.get("subject").asText());
        assertEquals(crack.part(), first.get("part").asLong());

        JsonNode verify = lastJson(run("journal", "verify", "--file", file.toString(), "--json"));
        assertTrue(verify.get("intact").asBoolean(), verify.toString());
        boolean trendsChained = false;
        for (JsonNode c : verify.get("chains")) {
            if (c.get("table").asText().equals("trends")) trendsChained = c.get("chainedRows").asLong() >= raised.size();
        }
        assertTrue(trendsChained, "the trend rows are in the verified chain: " + verify);
    }

    @Test
    void journalTrendsRefusesABadEventNamingIt(@TempDir Path tmp) {
        Path file = tmp.resolve("journal.db");
        DecisionJournal.open(file, new String[] {"a"}, "m", "none", false).close();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "journal", "trends",
                "--file", file.toString(), "--event", "alarm");
        assertTrue(code != 0, "exit code " + code);
        assertTrue(err.toString().contains("--event: expected raised, cleared or forecast, got 'alarm'"), err.toString());
    }

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = SightlineCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, String.join(" ", args) + ": " + err);
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode lastJson(String out) throws Exception {
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
}
