package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.station.cli.SightlineCli;
import io.sightline.station.models.ModelCopies;
import io.sightline.station.models.ModelStore;
import io.sightline.station.models.ModelSwitch;
import io.sightline.station.models.ModelVersion;
import io.sightline.station.models.ShadowRun;
import io.sightline.station.review.ReviewQueue;
import io.sightline.station.telemetry.StationStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow runs finished, on a real station (default model, real TensorFlow sessions, synthetic camera):
 * a candidate forced to disagree has its disagreements saved into {@code review/LINE/unlabelled/}
 * within the hourly quota, with sidecars naming both models; {@code /api/state} and {@code /metrics}
 * show the review queue and the shadow; and {@code models promote} reads the shadow's record in the
 * store: refused never shadowed or disagreeing, accepted after an agreeing shadow or with --force.
 */
class ShadowReviewTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int PER_HOUR = 3;

    record Cli(int code, String out, String err) {}

    static Cli promote(ModelStore store, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[4 + args.length];
        all[0] = "models";
        all[1] = "promote";
        all[2] = "--store";
        all[3] = store.dir().toString();
        System.arraycopy(args, 0, all, 4, args.length);
        int code = SightlineCli.execute(new PrintWriter(out), new PrintWriter(err), all);
        return new Cli(code, out.toString(), err.toString());
    }

    static void await(BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - end < 0) Thread.sleep(10);
        assertTrue(done.getAsBoolean(), "timed out waiting for " + what);
    }

    static List<Path> files(Path dir, String suffix) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void disagreementsAreSavedShownAndPromoteReadsTheShadow(@TempDir Path tmp) throws Exception {
        ModelStore store = ModelStore.open(tmp.resolve("store"), true);
        store.add(ModelCopies.DEFAULT, null);
        store.add(ModelCopies.asVersion(tmp.resolve("pkg2"), "2"), null);
        store.add(ModelCopies.asVersion(tmp.resolve("pkg3"), "3"), null);
        assertEquals(0, promote(store, "v1").code(), "the store's first version needs no shadow");
        Path reviewDir = tmp.resolve("review");
        Path unlabelled = reviewDir.resolve("press-1").resolve("unlabelled");
        try (TestStation test = new TestStation(tmp, 1, 320, 256, 100, -1, 0.2)) {
            ModelSwitch models = test.station.models();
            models.useStore(store);
            // a narrow band: the quota is left to the shadow's disagreements (a near-threshold part may take a place)
            ReviewQueue q = test.station.enableReview(new ReviewQueue.Settings(reviewDir, 0.001f, PER_HOUR, 1L << 30), List.of("press-1"));
            test.station.start();
            String liveLabel = models.live().label();

            Cli r = promote(store, "v2", "--min-parts", "50");
            assertEquals(1, r.code(), r.out());
            assertTrue(r.err().contains("v2 was never shadowed"), r.err());

            // the same weights at the same threshold: it agrees, and the record lets promote through
            models.startShadow(store.versionDir("v2"), null, 1, "test agree");
            await(() -> models.shadow().framesScored() >= 60, "60 parts scored by v2");
            ShadowRun.Figures agreeing = models.stopShadow("test");
            assertEquals(1.0, agreeing.agreement(), 1e-9, agreeing.lines().toString());
            assertEquals(0, agreeing.disagreementsOffered());
            JsonNode record = store.readShadow("v2");
            assertNotNull(record, "the stopped shadow wrote its record into the store");
            assertFalse(record.get("running").asBoolean());
            assertEquals(ModelVersion.of(store.versionDir("v2")).contentHash(), record.get("sha256").asText());
            assertEquals(liveLabel, record.get("live").asText());
            assertFalse(Files.exists(store.versionDir("v2").resolve("shadow.json")), "the sealed version folder is left alone");
            r = promote(store, "v2", "--min-parts", "50", "--by", "alice");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("shadow of v2 against " + liveLabel) && r.out().contains("line 0: ")
                    && r.out().contains("agreement 1.0000, livePassCandidateReject 0, liveRejectCandidatePass 0"), r.out());
            assertEquals("v2", store.live());

            // a candidate whose threshold makes it reject every part: the live passes are disagreements
            models.startShadow(store.versionDir("v3"), 1e-6f, 1, "test disagree");
            await(() -> models.shadow().framesScored() >= 60 && models.shadow().disagreementsOffered() > PER_HOUR + 4,
                    "disagreements offered beyond the quota");
            try (StationMetrics metrics = new StationMetrics(test.station);
                 StationServer server = new StationServer(test.station, metrics, StationServer.Options.loopback(0))) {
                await(() -> q.rateLimited() >= 1 && q.saved() == PER_HOUR, "the hour's quota used and written");
                JsonNode state = JSON.readTree(StationServerTest.get(server, "/api/state").body());
                JsonNode shadow = state.get("model").get("shadow");
                assertEquals(ModelVersion.of(store.versionDir("v3")).label(), shadow.get("candidate").asText());
                assertTrue(shadow.get("disagreementImages").get("saving").asBoolean());
                assertTrue(shadow.get("disagreementImages").get("offered").asLong() > PER_HOUR, shadow.toString());
                JsonNode line = shadow.get("lines").get(0);
                assertTrue(line.get("confusion").get("livePassCandidateReject").asLong() > 0, line.toString());
                assertEquals(0, line.get("confusion").get("liveRejectCandidatePass").asLong(), "threshold 1e-6 passes nothing");
                JsonNode review = state.get("review");
                assertEquals(reviewDir.toString(), review.get("dir").asText());
                assertEquals(PER_HOUR, review.get("kept").asLong(), review.toString());
                assertTrue(review.get("rateLimited").asLong() >= 1, review.toString());
                assertEquals("press-1", review.get("lines").get(0).get("line").asText());
                assertEquals(review.get("kept").asLong(), review.get("lines").get(0).get("kept").asLong());
                assertEquals(files(unlabelled, ".png").size(), review.get("lines").get(0).get("waiting").asLong(), "what is on disk");
                String text = new String(StationServerTest.get(server, "/metrics").body(), StandardCharsets.UTF_8);
                assertTrue(text.contains("sightline_review_parts_total{result=\"kept\"} " + (double) q.saved()), text);
                assertTrue(text.contains("sightline_review_parts_total{result=\"rate-limited\"}"), text);
                assertTrue(text.contains("sightline_review_waiting{line=\"0\"}"), text);
                assertTrue(text.contains("sightline_shadow_agreement{line=\"0\"}"), text);
            }
            ShadowRun.Figures disagreeing = models.stopShadow("test");
            StationStats s = test.station.stop(Duration.ofSeconds(10));
            q.close();
            assertTrue(s.balanced() && s.inFlight() == 0, s.toString());
            assertEquals(0, s.failSafe(), "the shadow and its images cost no live decision: " + s.failSafeByReason());

            // on disk: at most the hourly quota, the shadow's parts as the model saw them, both models in each sidecar
            List<Path> sidecars = files(unlabelled, ".json");
            assertEquals(q.saved(), sidecars.size());
            assertEquals(PER_HOUR, sidecars.size(), "the hourly quota, shared with near-threshold parts: " + sidecars);
            List<Path> shadowSidecars = sidecars.stream()
                    .filter(p -> p.getFileName().toString().endsWith("_" + ShadowRun.LIVE_PASS_CANDIDATE_REJECT + ".json")).toList();
            assertFalse(shadowSidecars.isEmpty(), "a disagreement was kept: " + sidecars);
            assertEquals(shadowSidecars.size(), disagreeing.disagreementsKept());
            for (Path p : shadowSidecars) {
                JsonNode j = JSON.readTree(p.toFile());
                assertEquals("press-1", j.get("line").asText());
                assertEquals(ShadowRun.LIVE_PASS_CANDIDATE_REJECT, j.get("reason").asText());
                assertEquals(models.live().label(), j.get("model").asText(), "the live model that decided it");
                assertTrue(j.get("score").asDouble() < j.get("threshold").asDouble(), "the live model passed it: " + j);
                assertEquals("model-input", j.get("image").asText());
                assertEquals(ModelVersion.of(store.versionDir("v3")).label(), j.get("candidate").get("model").asText());
                assertEquals(1e-6, j.get("candidate").get("threshold").asDouble(), 1e-9);
                assertTrue(j.get("candidate").get("score").asDouble() >= 1e-6, j.toString());
                try (Mat png = opencv_imgcodecs.imread(p.toString().replace(".json", ".png"), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                    assertEquals(test.model.info().inputWidth(), png.cols(), "the model's input, as both models saw it");
                    assertEquals(test.model.info().inputHeight(), png.rows());
                }
            }
        }
        // the disagreeing candidate is refused, and goes through with --force
        Cli r = promote(store, "v3", "--min-parts", "50");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("shadow of v3") && r.out().contains("agreement "), r.out());
        assertTrue(r.err().contains("models promote v3: refused: line 0: agreement") && r.err().contains("(--min-agreement)"), r.err());
        assertEquals("v2", store.live());
        r = promote(store, "v3", "--min-parts", "50", "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals("v3", store.live());
        r = promote(store, "v1", "--min-parts", "1000000");
        assertEquals(1, r.code(), "v1 was never shadowed here: " + r.out());
    }
}
