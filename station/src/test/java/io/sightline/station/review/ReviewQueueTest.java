package io.sightline.station.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.natives.NativeBuffer;
import io.sightline.station.cli.SightlineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review queue's limits on real PNG writes: per line per hour, the folder's size, what a sidecar says, and review stats. */
class ReviewQueueTest {
    static final int W = 160;
    static final int H = 120;
    static final ObjectMapper JSON = new ObjectMapper();

    static NativeBuffer frame(int value) {
        NativeBuffer b = NativeBuffer.allocate((long) W * H);
        org.bytedeco.javacpp.Pointer.memset(b.bytes(), value, (long) W * H);
        return b;
    }

    /** Offers one part and waits until the writer has dealt with it (saved, or the offer was refused). */
    static boolean offerAndWait(ReviewQueue q, int line, NativeBuffer px, float score, long part) throws InterruptedException {
        long before = q.saved();
        boolean taken = q.offer(line, ReviewQueue.NEAR_THRESHOLD, px, score, 0.5f, part);
        while (taken && q.saved() == before && q.lastError() == null) Thread.sleep(1);
        return taken;
    }

    static long pngs(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".png")).count();
        }
    }

    @Test
    void eachLineGetsItsHourlyQuotaAndEveryPartHasItsSidecar(@TempDir Path tmp) throws Exception {
        try (NativeBuffer px = frame(90);
             ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 3, 1L << 30), new String[] {"press-a", "press-b"},
                     new int[] {W, W}, new int[] {H, H}, "m 1")) {
            int taken = 0;
            for (int i = 0; i < 10; i++) if (offerAndWait(q, 0, px, 0.45f, i)) taken++;
            assertEquals(3, taken, "3 per hour on line 0");
            assertEquals(7, q.rateLimited());
            assertTrue(offerAndWait(q, 1, px, 0.55f, 99), "line 1 has its own quota");
            q.close();
            assertEquals(4, q.saved());
            assertEquals(3, pngs(tmp.resolve("press-a/unlabelled")));
            assertEquals(1, pngs(tmp.resolve("press-b/unlabelled")));
            Path sidecar;
            try (Stream<Path> s = Files.list(tmp.resolve("press-b/unlabelled"))) {
                sidecar = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            }
            JsonNode j = JSON.readTree(sidecar.toFile());
            assertEquals("press-b", j.get("line").asText());
            assertEquals(99, j.get("part").asLong());
            assertEquals(0.55, j.get("score").asDouble(), 1e-6);
            assertEquals(0.5, j.get("threshold").asDouble(), 1e-6);
            assertEquals("m 1", j.get("model").asText());
            assertEquals(ReviewQueue.NEAR_THRESHOLD, j.get("reason").asText());
            assertTrue(j.get("time").asText().endsWith("Z"));
            try (Mat png = opencv_imgcodecs.imread(sidecar.toString().replace(".json", ".png"), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                assertEquals(W, png.cols());
                assertEquals(H, png.rows());
            }
        }
    }

    @Test
    void aFullFolderTakesNothingMoreAndWhatWaitedCounts(@TempDir Path tmp) throws Exception {
        Path waiting = tmp.resolve("press-a/unlabelled");
        Files.createDirectories(waiting);
        Files.write(waiting.resolve("earlier.png"), new byte[4000]);
        try (NativeBuffer px = frame(10);
             ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 100, 4000), new String[] {"press-a"},
                     new int[] {W}, new int[] {H}, "m 1")) {
            assertEquals(4000, q.bytes(), "what already waits counts against the limit");
            assertFalse(offerAndWait(q, 0, px, 0.5f, 1));
            assertEquals(1, q.full());
        }
        try (NativeBuffer px = frame(10);
             ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 100, 4001), new String[] {"press-a"},
                     new int[] {W}, new int[] {H}, "m 1")) {
            assertTrue(offerAndWait(q, 0, px, 0.5f, 2), "under the limit: taken");
            assertFalse(offerAndWait(q, 0, px, 0.5f, 3), "then over it");
            assertEquals(1, q.full());
            assertTrue(Files.exists(waiting.resolve("earlier.png")), "nothing waiting is deleted");
        }
    }

    @Test
    void theBandIsAroundTheThresholdAndBadSettingsAreNamed(@TempDir Path tmp) throws Exception {
        try (ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 1, 1000), new String[] {"a"}, new int[] {W}, new int[] {H}, "m")) {
            assertTrue(q.near(0.41f, 0.5f));
            assertTrue(q.near(0.59f, 0.5f));
            assertFalse(q.near(0.39f, 0.5f));
            assertFalse(q.near(0.95f, 0.5f));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new ReviewQueue.Settings(tmp, 1.5f, 1, 1));
        assertTrue(e.getMessage().contains("review.band"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReviewQueue.Settings(tmp, 0.1f, 0, 1));
        assertTrue(e.getMessage().contains("review.per-hour"), e.getMessage());
    }

    @Test
    void reviewStatsShowsWhatWaitsPerLine(@TempDir Path tmp) throws Exception {
        try (NativeBuffer px = frame(200);
             ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 10, 1L << 30), new String[] {"press-a", "press-b"},
                     new int[] {W, W}, new int[] {H, H}, "m 1")) {
            offerAndWait(q, 0, px, 0.5f, 1);
            offerAndWait(q, 0, px, 0.5f, 2);
        }
        StringWriter out = new StringWriter();
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true));
        int code;
        try {
            code = SightlineCli.execute(new PrintWriter(out), new PrintWriter(out), "review", "stats", "--dir", tmp.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, out.toString());
        List<String> lines = bytes.toString().lines().toList();
        JsonNode j = JSON.readTree(lines.get(lines.size() - 1));
        assertEquals(2, j.get("parts").asLong());
        assertEquals("press-a", j.get("lines").get(0).get("line").asText());
        assertEquals(2, j.get("lines").get(0).get("parts").asLong());
        assertEquals(0, j.get("lines").get(1).get("parts").asLong());
        assertTrue(j.get("bytes").asLong() > 0);
    }

    @Test
    void aModelInputIsSavedAsTheModelSawItWithBothModelsInItsSidecar(@TempDir Path tmp) throws Exception {
        int w = 32, h = 24;
        float mean = 0.5f, std = 0.25f;
        ReviewQueue.ModelInput input = new ReviewQueue.ModelInput(w, h, 1, mean, std);
        try (NativeBuffer tensor = NativeBuffer.allocateFloats((long) w * h);
             ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 10, 1L << 30), new String[] {"press-a"},
                     new int[] {W}, new int[] {H}, "live 1", input)) {
            float[] px = new float[w * h];
            java.util.Arrays.fill(px, (200f / 255f - mean) / std); // pixel 200, normalised as the station does
            tensor.floats().put(px);
            assertTrue(q.offerModelInput(0, "shadow-live-pass-candidate-reject", tensor.floats(), "live 2", 0.2f, 0.5f, "cand 3",
                    0.9f, 0.6f, 42));
            q.close();
            assertEquals(1, q.saved(), q.lastError());
            Path sidecar;
            try (Stream<Path> s = Files.list(tmp.resolve("press-a/unlabelled"))) {
                sidecar = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            }
            assertTrue(sidecar.getFileName().toString().endsWith("_part-42_shadow-live-pass-candidate-reject.json"), sidecar.toString());
            JsonNode j = JSON.readTree(sidecar.toFile());
            assertEquals("live 2", j.get("model").asText(), "the model that decided it, as the caller named it");
            assertEquals(0.2, j.get("score").asDouble(), 1e-6);
            assertEquals(0.5, j.get("threshold").asDouble(), 1e-6);
            assertEquals("model-input", j.get("image").asText());
            assertEquals("cand 3", j.get("candidate").get("model").asText());
            assertEquals(0.9, j.get("candidate").get("score").asDouble(), 1e-6);
            assertEquals(0.6, j.get("candidate").get("threshold").asDouble(), 1e-6);
            try (Mat png = opencv_imgcodecs.imread(sidecar.toString().replace(".json", ".png"), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                assertEquals(w, png.cols());
                assertEquals(h, png.rows());
                assertEquals(1, png.channels());
                assertEquals(200, png.ptr(h / 2, w / 2).get() & 0xff, "un-normalised back to the camera's 8 bits");
            }
        }
    }

    @Test
    void twoThreadsOfferingShareTheQuotaExactly(@TempDir Path tmp) throws Exception {
        ReviewQueue.ModelInput input = new ReviewQueue.ModelInput(8, 8, 1, 0f, 1f);
        try (NativeBuffer px = frame(50);
             NativeBuffer tensor = NativeBuffer.allocateFloats(64);
             ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 5, 1L << 30), new String[] {"press-a"},
                     new int[] {W}, new int[] {H}, "m 1", input)) {
            java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
            Thread shadow = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    if (q.offerModelInput(0, "shadow-x", tensor.floats(), "m 1", 0.1f, 0.5f, "c 2", 0.9f, 0.5f, i)) taken.incrementAndGet();
                }
            });
            shadow.start();
            for (int i = 0; i < 200; i++) if (q.offer(0, ReviewQueue.NEAR_THRESHOLD, px, 0.5f, 0.5f, 1000 + i)) taken.incrementAndGet();
            shadow.join();
            q.close();
            assertTrue(taken.get() <= 5, "one hourly quota for both sources: " + taken.get());
            assertEquals(400, taken.get() + q.rateLimited() + q.busy() + q.full(), "every offer accounted for");
            assertEquals(taken.get(), pngs(tmp));
        }
        try (ReviewQueue q = new ReviewQueue(new ReviewQueue.Settings(tmp, 0.1f, 5, 1L << 30), new String[] {"press-a"},
                new int[] {W}, new int[] {H}, "m 1");
             NativeBuffer tensor = NativeBuffer.allocateFloats(64)) {
            var e = assertThrows(IllegalStateException.class,
                    () -> q.offerModelInput(0, "shadow-x", tensor.floats(), "m", 0f, 0.5f, "c", 1f, 0.5f, 1));
            assertTrue(e.getMessage().contains("made without the model's input size"), e.getMessage());
        }
    }
}
