package io.sightline.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.station.review.ReviewQueue;
import io.sightline.station.review.ReviewStats;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review queue in a running station (the default model, synthetic cameras): every decided part
 * within the band is offered by the decision thread, each line keeps to its hourly quota, and what is
 * on disk is what the queue says it saved.
 */
class ReviewStationTest {
    @Test
    void partsNearTheThresholdAreSavedWithinTheQuota(@TempDir Path tmp) throws Exception {
        Path modelDir = Path.of(System.getProperty("sightline.home", ".")).resolve("models/default");
        int frames = 150;
        try (ModelPackage model = ModelPackage.load(modelDir)) {
            List<FrameSource> cams = new ArrayList<>();
            for (int i = 0; i < 2; i++) cams.add(new SyntheticPartCamera("review-" + i, new SyntheticPartCamera.Options(640, 512, 0.3, 40 + i, 8)));
            StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(100).withMaxFramesPerLine(frames)
                    .withRejectDelayMillis(5_000);
            RejectSink sink = new RejectSink() {
                @Override
                public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {}
            };
            try (Station station = Station.create(config, model, cams, sink)) {
                // band 0.99 around 0.5: every scored part is "near", so the quota decides
                ReviewQueue q = station.enableReview(new ReviewQueue.Settings(tmp, 0.99f, 4, 1L << 30), List.of("press-a", "press-b"));
                station.start();
                long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
                StationStats s = station.stop(Duration.ofSeconds(30));
                q.close();
                assertEquals(2L * frames, s.captured());
                long offered = q.saved() + q.rateLimited() + q.busy() + q.full();
                assertEquals(s.passed() + s.rejected(), offered, "every scored part was offered once");
                assertTrue(q.saved() <= 8 && q.saved() >= 2, "at most 4 per line, and the writer kept some: " + q.saved());
                assertTrue(q.rateLimited() >= 2L * frames - 8 - q.busy() - s.failSafe(), "the rest hit the quota");
                ReviewStats stats = ReviewStats.read(tmp);
                assertEquals(q.saved(), stats.totalParts(), "on disk as counted");
                for (ReviewStats.Line l : stats.lines()) assertTrue(l.parts() <= 4, l.toString());
                try (var files = java.nio.file.Files.walk(tmp)) {
                    Path sidecar = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
                    assertEquals(station.models().live().label(), new com.fasterxml.jackson.databind.ObjectMapper().readTree(sidecar.toFile())
                            .get("model").asText(), "the sidecar names the model as the journal does: " + sidecar);
                }
            }
        }
    }
}
