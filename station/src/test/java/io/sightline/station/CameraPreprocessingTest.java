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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preprocessing on the camera threads ({@code preprocessOnCameras}) against the workers' own, on
 * the same seeded parts through real OpenCV, TensorFlow and the ring: every part decided, none
 * fail-safe, and each part's score the same either way (batches may differ, so within 1e-4).
 */
class CameraPreprocessingTest {
    static final int FRAMES = 120;

    @Test
    void theCamerasPreprocessingScoresEveryPartAsTheWorkersDo(@TempDir Path tmp) throws Exception {
        Map<String, Float> onWorkers = run(tmp.resolve("workers.db"), false);
        Map<String, Float> onCameras = run(tmp.resolve("cameras.db"), true);
        assertEquals(2 * FRAMES, onWorkers.size());
        assertEquals(onWorkers.keySet(), onCameras.keySet(), "the same parts");
        int rejects = 0;
        for (var e : onWorkers.entrySet()) {
            assertEquals(e.getValue(), onCameras.get(e.getKey()), 1e-4f, "part " + e.getKey());
            if (e.getValue() >= 0.5f) rejects++;
        }
        assertTrue(rejects > 10 && rejects < 2 * FRAMES - 10, "a mix of passes and rejects to compare: " + rejects);
    }

    @Test
    void camerasPreprocessOnTheCpuOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StationConfig.defaults(Path.of("m"))
                .withPreprocessDevice(io.sightline.natives.cuda.Device.cuda(0, "test")).withPreprocessOnCameras(true));
        assertTrue(e.getMessage().startsWith("preprocess-on: expected workers with a CUDA device"), e.getMessage());
    }

    private static Map<String, Float> run(Path journalFile, boolean onCameras) throws Exception {
        Map<String, Float> scores = new HashMap<>();
        try (ModelPackage model = ModelPackage.load(io.sightline.station.models.ModelCopies.DEFAULT)) {
            List<FrameSource> cams = new ArrayList<>();
            for (int i = 0; i < 2; i++) cams.add(new SyntheticPartCamera("cam-" + i, new SyntheticPartCamera.Options(320, 256, 0.3, 90 + i, 8)));
            StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(100).withMaxFramesPerLine(FRAMES)
                    .withRejectDelayMillis(5_000).withPreprocessOnCameras(onCameras);
            try (DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"cam-0", "cam-1"}, "m", "none", false);
                 Station station = Station.create(config, model, cams,
                         StationAttachments.of(new StationTest.CountingSink()).withJournal(journal))) {
                station.start();
                while (!station.camerasFinished()) Thread.sleep(5);
                StationStats s = station.stop(Duration.ofSeconds(30));
                assertTrue(s.balanced(), s.toString());
                assertEquals(2L * FRAMES, s.captured());
                assertEquals(0, s.failSafe(), "no fail-safe: " + s.failSafeByReason());
                assertEquals(onCameras ? 2L * FRAMES : 0, station.preprocessedOnCameras(), "who preprocessed");
            }
        }
        for (DecisionJournal.Entry e : DecisionJournal.query(journalFile, null, null, null, 10_000)) {
            scores.put(e.line() + "/" + e.part(), e.score());
        }
        return scores;
    }
}
