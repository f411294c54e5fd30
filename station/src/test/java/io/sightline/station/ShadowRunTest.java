package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.station.models.ModelCopies;
import io.sightline.station.models.ModelSwitch;
import io.sightline.station.models.ShadowRun;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A candidate model scoring the live frames behind the live one: its counts, agreement and confusion, on real sessions. */
class ShadowRunTest {
    @Test
    void aShadowScoresTheLiveFramesAndCountsItsDecisions(@TempDir Path tmp) throws Exception {
        Path v2 = ModelCopies.asVersion(tmp.resolve("v2"), "2");
        Path file = tmp.resolve("journal.db");
        StationConfig config = StationConfig.defaults(ModelCopies.DEFAULT).withLines(2).withFps(120).withMaxFramesPerLine(1_000)
                .withRejectDelayMillis(2_000); // a starved shared machine must not make parts late; bench lifecycle runs 200 ms
        List<FrameSource> cams = new ArrayList<>();
        for (int i = 0; i < 2; i++) cams.add(new SyntheticPartCamera("h-" + i, new SyntheticPartCamera.Options(320, 256, 0.3, 90 + i, 8)));
        ShadowRun.Figures same;
        ShadowRun.Figures strict;
        try (ModelPackage model = ModelPackage.load(ModelCopies.DEFAULT);
             DecisionJournal journal = DecisionJournal.open(file, new String[] {"h-0", "h-1"}, "m", "none", false);
             Station station = Station.create(config, model, cams, StationAttachments.of(new StationTest.CountingSink()).withJournal(journal))) {
            ModelSwitch models = station.models();
            assertNull(models.shadow());
            var bad = assertThrows(IllegalArgumentException.class, () -> models.startShadow(v2, null, 0, "test"));
            assertTrue(bad.getMessage().contains("sample: expected 1 to 1000, got 0"), bad.getMessage());
            bad = assertThrows(IllegalArgumentException.class, () -> models.startShadow(v2, 1.5f, 1, "test"));
            assertTrue(bad.getMessage().contains("threshold: expected a score in (0, 1], got 1.5"), bad.getMessage());
            var refused = assertThrows(ModelSwitch.Refused.class, () -> models.startShadow(tmp.resolve("nowhere"), null, 1, "test"));
            assertTrue(refused.getMessage().contains("does not exist"), refused.getMessage());

            station.start();
            models.startShadow(v2, null, 1, "test shadow");
            while (station.snapshot().captured() < 900) Thread.sleep(5);
            same = models.stopShadow("test stop");
            assertNull(models.shadow());
            // the same weights at the same thresholds: the candidate decides as the live model does
            models.startShadow(v2, 1e-6f, 2, "test strict");
            while (!station.camerasFinished()) Thread.sleep(5);
            strict = models.shadow();
            StationStats s = station.stop(Duration.ofSeconds(10));
            assertNull(models.shadow(), "the shadow stops with the station");
            assertTrue(s.balanced() && s.inFlight() == 0);
            assertEquals(0, s.failSafe(), "the shadow cost no live decision: " + s.failSafeByReason());
        }
        assertTrue(same.framesScored() > 100, "scored " + same.framesScored());
        assertEquals(same.framesSampled(), same.framesScored() + same.framesSkipped() + same.framesQueued(), "every sampled frame accounted for");
        assertEquals(1.0, same.agreement(), 0.01, "the same weights agree: " + same.lines());
        for (ShadowRun.LineFigures l : same.lines()) {
            assertTrue(l.scored() > 0 && l.liveRejectCandidateReject() > 0 && l.livePassCandidatePass() > 0, l.toString());
        }
        assertEquals(2, strict.sampleEvery());
        assertTrue(strict.framesScored() > 50, "scored " + strict.framesScored());
        for (ShadowRun.LineFigures l : strict.lines()) {
            assertEquals(0, l.livePassCandidatePass() + l.liveRejectCandidatePass(), "at threshold 1e-6 the candidate rejects every part: " + l);
            assertTrue(l.livePassCandidateReject() > 0, l.toString());
            assertEquals(l.liveRejectCandidateReject(), l.agreed());
        }
        List<DecisionJournal.Change> changes = DecisionJournal.changes(file, 10).stream().filter(c -> c.setting().equals("model.shadow")).toList();
        assertEquals(List.of("test shadow", "test stop", "test strict"), changes.stream().map(DecisionJournal.Change::requestedBy).toList());
    }
}
