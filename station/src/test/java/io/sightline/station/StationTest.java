package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole station on the real libraries: synthetic cameras, the Disruptor ring, OpenCV, the
 * committed default model in TensorFlow. No timing thresholds: every assertion is about outcomes.
 */
public class StationTest {
    static ModelPackage model;

    @BeforeAll
    static void loadModel() {
        Path dir = Path.of(System.getProperty("sightline.home", ".")).resolve("models/default");
        assertTrue(Files.isDirectory(dir), "the default model package must be committed at " + dir);
        model = ModelPackage.load(dir);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    /** Counts every reject signal by reason; thread-safe like any sink. */
    public static final class CountingSink implements RejectSink {
        final AtomicLongArray byOutcome = new AtomicLongArray(Outcome.count());

        @Override
        public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
            byOutcome.incrementAndGet(reason.ordinal());
        }

        long total() {
            long t = 0;
            for (int i = 0; i < byOutcome.length(); i++) t += byOutcome.get(i);
            return t;
        }
    }

    private static List<FrameSource> cameras(int lines, double defectRate, int width, int height) {
        List<FrameSource> list = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            list.add(new SyntheticPartCamera("test-" + i,
                    new SyntheticPartCamera.Options(width, height, defectRate, 100 + i, 8)));
        }
        return list;
    }

    private static StationStats runToCompletion(StationConfig config, List<FrameSource> sources, RejectSink sink)
            throws Exception {
        try (Station station = Station.create(config, model, sources, sink)) {
            station.start();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            assertTrue(station.camerasFinished(), "cameras should finish their frame budget");
            return station.stop(Duration.ofSeconds(30));
        }
    }

    private static void assertBalanced(StationStats s, CountingSink sink) {
        assertEquals(0, s.inFlight(), "nothing may be left in flight after a drain");
        assertEquals(s.captured(), s.passed() + s.rejected() + s.failSafe(), "captured = passed + rejected + fail-safe");
        assertEquals(s.rejected() + s.failSafe(), sink.total(), "every reject, fail-safe included, reaches the sink");
    }

    @Test
    void endToEndCountersBalanceAndDefectsAreRejected() throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withFps(40).withMaxFramesPerLine(150)
                .withRejectDelayMillis(2_000);
        CountingSink sink = new CountingSink();
        StationStats s = runToCompletion(config, cameras(2, 0.3, 1280, 1024), sink);
        assertEquals(300, s.captured());
        assertBalanced(s, sink);
        assertEquals(0, s.failSafe(), "an unloaded station with a generous deadline has no fail-safe rejects: " + s.failSafeByReason());
        assertTrue(s.defective() > 50, "the cameras should have made defects: " + s.defective());
        long good = s.captured() - s.defective();
        String scorecard = "escapes " + s.escapes() + " of " + s.defective() + " defective, false rejects "
                + s.falseRejects() + " of " + good + " good";
        // The committed model on parts it never saw (other seeds than its training set): defects are
        // caught, and good parts are not rejected wholesale to get there.
        assertTrue(s.escapes() * 10 <= s.defective(), "at most 1 in 10 defective parts may escape: " + scorecard);
        assertTrue(s.falseRejects() * 20 <= good, "at most 1 in 20 good parts may be rejected: " + scorecard);
        assertEquals(s.captured(), s.passed() + s.rejected(), "with no fail-safe, every part was scored and decided");
        assertTrue(s.meanBatch() >= 1 && s.maxBatchSeen() <= config.maxBatch());
    }

    @Test
    void fullRingMakesCountedFailSafeRejectsAndNothingIsLost() throws Exception {
        // Cameras far faster than the station, a tiny ring: the capture side must never block.
        StationConfig config = StationConfig.defaults(model.dir()).withRing(4).withMaxBatch(4).withFps(5_000)
                .withMaxFramesPerLine(400).withRejectDelayMillis(10_000).withWorkers(1);
        CountingSink sink = new CountingSink();
        StationStats s = runToCompletion(config, cameras(2, 0.1, 640, 512), sink);
        assertEquals(800, s.captured());
        assertBalanced(s, sink);
        long ringFull = s.failSafeByReason().get(Outcome.FAILSAFE_RING_FULL.reason());
        assertTrue(ringFull > 0, "a 4-slot ring fed at 10000 fps must overflow");
        assertEquals(ringFull, sink.byOutcome.get(Outcome.FAILSAFE_RING_FULL.ordinal()));
    }

    @Test
    void missedDeadlineIsAFailSafeRejectWhateverTheScore() throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withLines(1).withRejectDelayMillis(0).withFps(50)
                .withMaxFramesPerLine(30);
        CountingSink sink = new CountingSink();
        StationStats s = runToCompletion(config, cameras(1, 0.0, 640, 512), sink);
        assertBalanced(s, sink);
        assertEquals(0, s.passed(), "no part may pass after its ejector deadline");
        assertEquals(s.captured(), s.failSafeByReason().get(Outcome.FAILSAFE_LATE.reason()));
    }

    @Test
    void watchdogRejectsFramesStuckBehindAHungStageAtTheirDeadline() throws Exception {
        // The first reject signal hangs the decision thread (a PLC call that never returns) until released.
        CountDownLatch release = new CountDownLatch(1);
        CountingSink counting = new CountingSink();
        RejectSink hanging = new RejectSink() {
            private boolean hung;

            @Override
            public void reject(int line, long partId, Outcome reason, float score, long deadlineNanos) {
                counting.reject(line, partId, reason, score, deadlineNanos);
                if (!hung && Thread.currentThread().getName().startsWith("sightline-stage")) {
                    hung = true;
                    try {
                        release.await(3, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        StationConfig config = StationConfig.defaults(model.dir()).withFps(100).withMaxFramesPerLine(120)
                .withRejectDelayMillis(150).withRing(256).withLines(1);
        List<FrameSource> sources = cameras(1, 1.0, 640, 512); // every part defective: the first decision rejects
        try (Station station = Station.create(config, model, sources, hanging)) {
            station.start();
            while (!station.camerasFinished()) Thread.sleep(5);
            Thread.sleep(400); // past the last deadline while the decision thread is still hung
            assertTrue(station.expiredByWatchdog() > 0, "the watchdog must reject frames stuck behind the hung stage");
            release.countDown();
            StationStats s = station.stop(Duration.ofSeconds(30));
            assertBalanced(s, counting);
            assertEquals(station.expiredByWatchdog(), (long) s.failSafeByReason().get(Outcome.FAILSAFE_LATE.reason()));
            assertEquals(0, s.passed());
        }
    }

    @Test
    void unreadableFramesAreFailSafeRejectsInLineOrder() throws Exception {
        FrameSource flaky = new FrameSource() {
            final SyntheticPartCamera inner = new SyntheticPartCamera("inner",
                    new SyntheticPartCamera.Options(640, 512, 0.0, 5, 4));
            int n;

            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public int maxWidth() {
                return inner.maxWidth();
            }

            @Override
            public int maxHeight() {
                return inner.maxHeight();
            }

            @Override
            public CapturedFrame grab() throws CaptureException {
                CapturedFrame f = inner.grab(); // a corrupt frame still used up its trigger: the next frame has the next id
                if (n++ % 5 == 4) throw new CaptureException("flaky: corrupt frame " + n);
                return f;
            }

            @Override
            public void close() {
                inner.close();
            }
        };
        StationConfig config = StationConfig.defaults(model.dir()).withLines(1).withFps(100).withMaxFramesPerLine(50)
                .withRejectDelayMillis(5_000);
        CountingSink sink = new CountingSink();
        StationStats s = runToCompletion(config, List.of(flaky), sink);
        assertBalanced(s, sink);
        assertEquals(50, s.captured());
        assertEquals(10L, s.failSafeByReason().get(Outcome.FAILSAFE_UNREADABLE.reason()));
    }

    @Test
    void roiThatDoesNotFitTheCameraIsRejectedWithTheKey() {
        StationConfig config = StationConfig.defaults(model.dir()).withLines(1).withRoi(new int[] {600, 0, 800, 800});
        List<FrameSource> sources = cameras(1, 0, 640, 512);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Station.create(config, model, sources, new CountingSink()));
        assertTrue(e.getMessage().startsWith("roi:") && e.getMessage().contains("640x512"), e.getMessage());
    }

    @Test
    void impossibleConfigValuesNameTheirKey() {
        Path m = model.dir();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StationConfig.defaults(m).withFps(0))
                .getMessage().startsWith("fps:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StationConfig.defaults(m).withRing(100))
                .getMessage().startsWith("ring-size:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StationConfig.defaults(m).withThreshold(1.5f))
                .getMessage().startsWith("threshold:"));
    }

    /** A camera that starts making many more defective parts after {@code changeAt} grabs. */
    static final class DriftingCamera implements FrameSource {
        private final SyntheticPartCamera camera;
        private final int changeAt;
        private final double after;
        private int grabs;

        DriftingCamera(SyntheticPartCamera camera, int changeAt, double after) {
            this.camera = camera;
            this.changeAt = changeAt;
            this.after = after;
        }

        public String name() {
            return camera.name();
        }

        public int maxWidth() {
            return camera.maxWidth();
        }

        public int maxHeight() {
            return camera.maxHeight();
        }

        public io.sightline.capture.CapturedFrame grab() throws io.sightline.capture.CaptureException {
            if (grabs++ == changeAt) camera.setDefectRate(after);
            return camera.grab();
        }

        public void close() {
            camera.close();
        }
    }

    @Test
    void aDriftingLineRaisesATrendAlarmThereAndNowhereElse() throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withFps(150).withMaxFramesPerLine(450)
                .withRejectDelayMillis(10_000);
        List<FrameSource> sources = new ArrayList<>();
        sources.add(new SyntheticPartCamera("steady", new SyntheticPartCamera.Options(640, 512, 0.05, 7, 8)));
        sources.add(new DriftingCamera(new SyntheticPartCamera("drifting", new SyntheticPartCamera.Options(640, 512, 0.05, 8, 8)),
                250, 0.6));
        var cusum = new io.sightline.postprocess.trend.CusumChart(2, 150, 0.5, 8);
        List<io.sightline.postprocess.trend.TrendAlarm> sunk = java.util.Collections.synchronizedList(new ArrayList<>());
        CountingSink counting = new CountingSink();
        RejectSink sink = new RejectSink() {
            public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
                counting.reject(line, partId, reason, defectScore, deadlineNanos);
            }

            public void trendAlarm(io.sightline.postprocess.trend.TrendAlarm alarm) {
                sunk.add(alarm);
            }
        };
        try (Station station = Station.create(config, model, sources, StationAttachments.of(sink).withTrend(List.of(cusum), null))) {
            station.start();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(30));
            assertBalanced(s, counting);
            var raised = station.trendAlarms().stream().filter(io.sightline.postprocess.trend.TrendAlarm::raised).toList();
            assertFalse(raised.isEmpty(), "the drifting line must alarm");
            for (var a : raised) {
                assertEquals(1, a.line(), "only the drifting line alarms: " + a);
                assertTrue(a.partIndex() >= 250, "not before the drift: " + a);
            }
            assertEquals(station.trendAlarms(), sunk, "alarms go to the reject sink too");
        }
    }

    @Test
    void aJournalThatFailsStopsTheLineAndPassesNothingUnrecorded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path file = tmp.resolve("journal.db");
        io.sightline.postprocess.DecisionJournal journal = io.sightline.postprocess.DecisionJournal.open(file,
                new String[] {"a", "b"}, "test-model", "none", false);
        StationConfig config = StationConfig.defaults(model.dir()).withFps(100).withMaxFramesPerLine(2000)
                .withRejectDelayMillis(10_000);
        CountingSink sink = new CountingSink();
        try (Station station = Station.create(config, model, cameras(2, 0.1, 640, 512),
                StationAttachments.of(sink).withJournal(journal))) {
            station.start();
            while (station.snapshot().passed() < 100) Thread.sleep(5);
            journal.close(); // the disk is gone: every append from here on fails
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(30));
            assertNotNull(station.lineStopReason(), "the station stops the line");
            assertTrue(station.lineStopReason().contains("journal"), station.lineStopReason());
            assertTrue(s.captured() < 4000, "the cameras stopped early: " + s.captured());
            assertBalanced(s, sink);
            long journaled = io.sightline.postprocess.DecisionJournal.query(file, null, null, null, 1_000_000).size();
            long journaledPasses = io.sightline.postprocess.DecisionJournal.query(file, null, null, "pass", 1_000_000).size();
            assertEquals(s.passed(), journaledPasses, "every pass is in the journal: a part that could not be recorded was rejected");
            assertTrue(journaled < s.captured(), "outcomes after the failure were not journaled, and were rejected instead");
            assertTrue(sink.byOutcome.get(Outcome.FAILSAFE_ERROR.ordinal()) > 0, "unrecorded parts were rejected fail-safe");
        }
    }

    @Test
    void theStationsEjectorTimingActsOnEveryPartAsDecided() throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withFps(100).withMaxFramesPerLine(200)
                .withRejectDelayMillis(150);
        java.util.Map<String, Boolean> decidedReject = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<String, io.sightline.postprocess.RejectScheduler.Action> ejected = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong early = new java.util.concurrent.atomic.AtomicLong();
        RejectSink sink = new RejectSink() {
            public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
            }

            public void result(int line, long partId, Outcome outcome, float defectScore) {
                decidedReject.put(line + "/" + partId, outcome.isReject());
            }
        };
        StationStats s;
        try (Station station = Station.create(config, model, cameras(2, 0.2, 640, 512), StationAttachments.of(sink).withEjector(
                (line, partId, action, due, now) -> {
                    if (now - due < 0) early.incrementAndGet();
                    assertNull(ejected.put(line + "/" + partId, action), "each part reaches the ejector once");
                }))) {
            station.start();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            s = station.stop(Duration.ofSeconds(30));
        } // closing lets the last parts reach the ejector
        assertEquals(s.captured(), ejected.size(), "every captured part reached the ejector");
        assertEquals(0, early.get(), "no part is acted on before it arrives");
        for (var e : decidedReject.entrySet()) {
            var action = ejected.get(e.getKey());
            assertNotNull(action, e.getKey());
            assertEquals(e.getValue(), action != io.sightline.postprocess.RejectScheduler.Action.PASS,
                    "part " + e.getKey() + " decided " + (e.getValue() ? "reject" : "pass") + " but the ejector did " + action);
        }
        assertEquals(s.passed(), ejected.values().stream().filter(a -> a == io.sightline.postprocess.RejectScheduler.Action.PASS).count());
    }

    @Test
    void framesAreUndistortedBeforeTheirRoiAndAWrongSizeIsRefused() throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withLines(1).withFps(100).withMaxFramesPerLine(120)
                .withRejectDelayMillis(10_000).withWorkers(1);
        // no distortion: the same frames must give the same decisions as without undistortion
        long[] rejected = new long[2];
        for (int run = 0; run < 2; run++) {
            try (io.sightline.preprocess.Undistorter identity = new io.sightline.preprocess.Undistorter(640, 512, 700, 700, 320, 256,
                    new double[] {0, 0, 0, 0, 0});
                 Station station = Station.create(config, model, cameras(1, 0.3, 640, 512),
                         run == 0 ? StationAttachments.of(new CountingSink()) : StationAttachments.of(new CountingSink()).withUndistortion(identity))) {
                station.start();
                while (!station.camerasFinished()) Thread.sleep(5);
                StationStats s = station.stop(Duration.ofSeconds(30));
                assertEquals(120, s.passed() + s.rejected());
                rejected[run] = s.rejected();
            }
        }
        assertEquals(rejected[0], rejected[1], "an identity undistortion changes no decision");
        try (io.sightline.preprocess.Undistorter other = new io.sightline.preprocess.Undistorter(1280, 1024, 700, 700, 640, 512,
                new double[] {-0.2, 0, 0, 0, 0})) {
            var e = assertThrows(IllegalArgumentException.class, () -> Station.create(config, model, cameras(1, 0.3, 640, 512),
                    StationAttachments.of(new CountingSink()).withUndistortion(other)));
            assertTrue(e.getMessage().contains("1280x1024") && e.getMessage().contains("640x512"), e.getMessage());
        }
    }
}
