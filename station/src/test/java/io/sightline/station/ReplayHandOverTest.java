package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay's frames handed to the ring in the replay's own buffers ({@code FrameSource.stablePixels})
 * against the same frames copied into the slots, through real OpenCV, TensorFlow and the ring: every
 * part scores the same, whether the workers or the cameras preprocess, and the saved reject images
 * (read by the decision thread from the handed-over buffer) are the same bytes.
 */
class ReplayHandOverTest {
    static final int RECORDED = 24;
    static final int FRAMES = 90; // more than one loop of the replay: recorded frames are in the ring more than once

    @Test
    void handedOverFramesScoreAndSaveAsCopiedOnes(@TempDir Path tmp) throws Exception {
        List<ReplaySource> recorded = new ArrayList<>();
        try (ModelPackage model = ModelPackage.load(io.sightline.station.models.ModelCopies.DEFAULT)) {
            for (int i = 0; i < 2; i++) {
                try (SyntheticPartCamera cam = new SyntheticPartCamera("cam-" + i, new SyntheticPartCamera.Options(320, 256, 0.3, 70 + i, 8))) {
                    recorded.add(ReplaySource.record("replay-" + i, cam, RECORDED));
                }
            }
            Run copied = run(model, tmp.resolve("copied"), recorded, false, false);
            Run handed = run(model, tmp.resolve("handed"), recorded, true, false);
            Run handedOnCameras = run(model, tmp.resolve("handed-cameras"), recorded, true, true);

            assertEquals(0, copied.handedOver, "a source that does not say its pixels are stable is copied");
            assertEquals(2L * FRAMES, handed.handedOver, "every replayed frame handed over");
            assertEquals(2L * FRAMES, handedOnCameras.handedOver);
            assertEquals(2 * FRAMES, copied.scores.size());
            int rejects = 0;
            for (var e : copied.scores.entrySet()) {
                assertEquals(e.getValue(), handed.scores.get(e.getKey()), 1e-4f, "part " + e.getKey());
                assertEquals(e.getValue(), handedOnCameras.scores.get(e.getKey()), 1e-4f, "part " + e.getKey() + ", cameras preprocessing");
                if (e.getValue() >= 0.5f) rejects++;
            }
            assertTrue(rejects > 5 && rejects < 2 * FRAMES - 5, "a mix of passes and rejects to compare: " + rejects);
            assertFalse(copied.images.isEmpty(), "reject images saved");
            assertEquals(copied.images.keySet(), handed.images.keySet(), "the same rejects saved");
            for (var e : copied.images.entrySet()) assertArrayEquals(e.getValue(), handed.images.get(e.getKey()), e.getKey());
        } finally {
            recorded.forEach(ReplaySource::close);
        }
    }

    private record Run(Map<String, Float> scores, Map<String, byte[]> images, long handedOver) {}

    private static Run run(ModelPackage model, Path dir, List<ReplaySource> recorded, boolean stable, boolean onCameras) throws Exception {
        Files.createDirectories(dir);
        Path journalFile = dir.resolve("journal.db");
        List<FrameSource> cams = new ArrayList<>();
        for (ReplaySource r : recorded) {
            ReplaySource copy = r.copy(r.name());
            cams.add(stable ? copy : new Copied(copy));
        }
        long handedOver = 0;
        StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(100).withMaxFramesPerLine(FRAMES)
                .withRejectDelayMillis(5_000).withPreprocessOnCameras(onCameras);
        Path images = dir.resolve("rejects");
        try (DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"cam-0", "cam-1"}, "m", "none", false);
             Station station = Station.create(config, model, cams, StationAttachments.of(new StationTest.CountingSink()).withJournal(journal)
                     .withRejectImages(new StationAttachments.RejectImageSettings(images, 1L << 30, Duration.ofDays(1))))) {
            station.start();
            while (!station.camerasFinished()) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(30));
            assertTrue(s.balanced(), s.toString());
            assertEquals(2L * FRAMES, s.captured());
            assertEquals(0, s.failSafe(), "no fail-safe: " + s.failSafeByReason());
            for (SourceStats src : station.sourceStats()) handedOver += src.handedOver();
        }
        Map<String, Float> scores = new HashMap<>();
        for (DecisionJournal.Entry e : DecisionJournal.query(journalFile, null, null, null, 10_000)) scores.put(e.line() + "/" + e.part(), e.score());
        Map<String, byte[]> saved = new TreeMap<>();
        try (Stream<Path> files = Files.walk(images)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString(); // <time>_part-N_<reason>.png: the time differs between runs
                saved.put(p.getParent().getFileName() + "/" + name.substring(name.indexOf('_') + 1), Files.readAllBytes(p));
            }
        }
        return new Run(scores, saved, handedOver);
    }

    /** The same replay, without saying its pixels are stable: the station copies each frame into its slot. */
    private record Copied(ReplaySource replay) implements FrameSource {
        @Override public String name() { return replay.name(); }
        @Override public int maxWidth() { return replay.maxWidth(); }
        @Override public int maxHeight() { return replay.maxHeight(); }
        @Override public CapturedFrame grab() throws CaptureException { return replay.grab(); }
        @Override public void close() { replay.close(); }
    }
}
