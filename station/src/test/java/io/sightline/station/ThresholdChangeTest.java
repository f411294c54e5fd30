package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thresholds changed while the station runs: the next decisions use them, and the journal has each change first. */
class ThresholdChangeTest {
    static ModelPackage model;

    @BeforeAll
    static void loadModel() {
        model = ModelPackage.load(Path.of(System.getProperty("sightline.home", ".")).resolve("models/default"));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void aRunningStationDecidesWithTheNewThresholdAndJournalsTheChange(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("journal.db");
        StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(200).withMaxFramesPerLine(400);
        List<FrameSource> cams = new ArrayList<>();
        for (int i = 0; i < 2; i++) cams.add(new SyntheticPartCamera("t-" + i, new SyntheticPartCamera.Options(320, 256, 0.1, 40 + i, 8)));
        try (DecisionJournal journal = DecisionJournal.open(file, new String[] {"t-0", "t-1"}, "m", "none", false);
             Station station = Station.create(config, model, cams, StationAttachments.of(new StationTest.CountingSink()).withJournal(journal))) {
            assertArrayEquals(new float[] {0.5f, 0.5f}, station.thresholds());

            var bad = assertThrows(IllegalArgumentException.class, () -> station.setThreshold(2, 0.6f, "test"));
            assertTrue(bad.getMessage().contains("line: expected 0 to 1, got 2"), bad.getMessage());
            bad = assertThrows(IllegalArgumentException.class, () -> station.setThreshold(null, 1.5f, "test"));
            assertTrue(bad.getMessage().contains("threshold: expected a score in (0, 1], got 1.5"), bad.getMessage());
            bad = assertThrows(IllegalArgumentException.class, () -> station.setThreshold(0, Float.NaN, "test"));
            assertTrue(bad.getMessage().contains("got NaN"), bad.getMessage());
            assertArrayEquals(new float[] {0.5f, 0.5f}, station.thresholds(), "a refused change changes nothing");

            station.start();
            while (station.snapshot().passed() < 40) Thread.sleep(5);
            // a threshold no score stays under: every part of line 0 decided from now on is a reject
            String what = station.setThreshold(0, 1e-9f, "test harness");
            assertTrue(what.contains("line 0 0.5 -> 1.0E-9"), what);
            long changedAtMicros = DecisionJournal.changes(file, 10).get(0).atMicros();
            assertArrayEquals(new float[] {1e-9f, 0.5f}, station.thresholds());
            assertEquals("threshold unchanged (1.0E-9)", station.setThreshold(0, 1e-9f, "again"));
            while (!station.camerasFinished()) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(10));
            assertTrue(s.balanced() && s.inFlight() == 0);

            List<DecisionJournal.Change> changes = DecisionJournal.changes(file, 10);
            assertEquals(1, changes.size(), "an unchanged threshold is not a change");
            assertEquals("lines[0].threshold", changes.get(0).setting());
            assertEquals("0.5", changes.get(0).oldValue());
            assertEquals("1.0E-9", changes.get(0).newValue());
            assertEquals("test harness", changes.get(0).requestedBy());

            long line0PassesAfter = 0;
            long line0After = 0;
            long line1PassesAfter = 0;
            for (DecisionJournal.Entry e : DecisionJournal.query(file, null, null, null, 10_000)) {
                // the change is journaled just before it takes effect: leave a margin for the frames decided meanwhile
                if (e.decidedMicros() <= changedAtMicros + 100_000) continue;
                if (e.line() == 0) {
                    line0After++;
                    if (e.decision().equals("pass")) line0PassesAfter++;
                } else if (e.decision().equals("pass")) {
                    line1PassesAfter++;
                }
            }
            assertTrue(line0After > 100, "line 0 went on after the change: " + line0After);
            assertEquals(0, line0PassesAfter, "no part of line 0 passes under a threshold of 1e-9");
            assertTrue(line1PassesAfter > 100, "line 1 kept its threshold: " + line1PassesAfter + " passes");
        }
    }
}
