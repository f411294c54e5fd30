package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectScheduler;
import io.sightline.postprocess.RejectSink;
import io.sightline.station.outcome.EjectorOutput;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines that inspect each part with two cameras (top and side), on the real station: synthetic
 * cameras, the Disruptor ring, OpenCV, the committed model. Assertions are about outcomes only.
 */
class MultiViewStationTest {
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

    /** A synthetic camera whose part {@code id} is defective exactly when {@code defective} says so. */
    static final class ScriptedCamera implements FrameSource {
        private final SyntheticPartCamera camera;
        private final LongPredicate defective;
        private long next;

        ScriptedCamera(String name, long seed, LongPredicate defective) {
            this.camera = new SyntheticPartCamera(name, new SyntheticPartCamera.Options(640, 512, 0.0, seed, 8));
            this.defective = defective;
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

        public CapturedFrame grab() throws CaptureException {
            camera.setDefectRate(defective.test(next++) ? 1.0 : 0.0);
            return camera.grab();
        }

        public void close() {
            camera.close();
        }
    }

    /**
     * A camera that withholds its frames of some parts (they never come: the next frame shows the
     * gap), stalls once, and stops delivering at part {@code endAt}.
     */
    static final class UnreliableCamera implements FrameSource {
        private final SyntheticPartCamera camera;
        private final LongPredicate withheld;
        private final long endAt;
        private final long stallAt;
        private final long stallMillis;

        UnreliableCamera(String name, long seed, LongPredicate withheld, long endAt, long stallAt, long stallMillis) {
            this.camera = new SyntheticPartCamera(name, new SyntheticPartCamera.Options(640, 512, 0.0, seed, 8));
            this.withheld = withheld;
            this.endAt = endAt;
            this.stallAt = stallAt;
            this.stallMillis = stallMillis;
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

        public CapturedFrame grab() throws CaptureException {
            while (true) {
                CapturedFrame f = camera.grab();
                long id = f.sequence();
                if (id >= endAt) return null;
                if (id == stallAt) {
                    try {
                        Thread.sleep(stallMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (!withheld.test(id)) return f;
            }
        }

        public void close() {
            camera.close();
        }
    }

    /** Every part's result, every reject signal, and how often a part was reported twice. */
    static final class PartsSink implements RejectSink {
        final Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();
        final Map<Long, Float> scores = new ConcurrentHashMap<>();
        final AtomicLong twice = new AtomicLong();
        final AtomicLong rejects = new AtomicLong();

        @Override
        public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
            rejects.incrementAndGet();
        }

        @Override
        public void result(int line, long partId, Outcome outcome, float defectScore) {
            if (outcomes.put(partId, outcome) != null) twice.incrementAndGet();
            scores.put(partId, defectScore);
        }

        long count(Outcome o) {
            return outcomes.values().stream().filter(x -> x == o).count();
        }
    }

    /** The station's ejector output: each part's action, and parts that reached it twice. */
    static final class Ejected implements EjectorOutput {
        final Map<Long, RejectScheduler.Action> actions = new ConcurrentHashMap<>();
        final AtomicLong twice = new AtomicLong();

        @Override
        public void onPart(int line, long partId, RejectScheduler.Action action, long dueNanos, long nowNanos) {
            if (actions.put(partId, action) != null) twice.incrementAndGet();
        }
    }

    private static StationStats run(Station station) throws InterruptedException {
        station.start();
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
        assertTrue(station.camerasFinished(), "cameras should finish their frame budget");
        return station.stop(Duration.ofSeconds(30));
    }

    @Test
    void aDefectOneViewSeesRejectsThePartAndAViewThatWithholdsFramesMakesMissingViewRejects(@TempDir Path tmp)
            throws Exception {
        int parts = 150;
        long end = 140;
        LongPredicate defectOnTop = id -> id % 4 == 0 && id < end;
        LongPredicate withheldBySide = id -> id % 10 == 7;
        LongPredicate sideMissing = id -> withheldBySide.test(id) || id >= end;
        StationConfig config = StationConfig.defaults(model.dir()).withLines(1).withFps(100).withMaxFramesPerLine(parts)
                .withRejectDelayMillis(2_000);
        PartsSink sink = new PartsSink();
        Ejected ejected = new Ejected();
        Path journalFile = tmp.resolve("journal.db");
        StationStats s;
        List<SourceStats> sources;
        try (DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"top+side"}, "test", "none", false)) {
            try (Station station = Station.createWithViews(config, model, List.of(List.of(
                            new CameraView("top", new ScriptedCamera("top", 100, defectOnTop)),
                            new CameraView("side", new UnreliableCamera("side", 200, withheldBySide, end, -1, 0)))),
                    StationAttachments.of(sink).withJournal(journal).withEjector(ejected))) {
                s = run(station);
                sources = station.sourceStats();
            } // closing lets the last parts reach the ejector
        }

        // one outcome per part, everywhere
        assertEquals(parts, s.captured(), "counters count parts, not frames");
        assertEquals(0, s.inFlight());
        assertEquals(s.captured(), s.passed() + s.rejected() + s.failSafe(), "captured = passed + rejected + fail-safe");
        assertEquals(parts, sink.outcomes.size());
        assertEquals(0, sink.twice.get(), "no part has two outcomes");
        assertEquals(s.rejected() + s.failSafe(), sink.rejects.get());
        assertEquals(parts, DecisionJournal.query(journalFile, null, null, null, 10_000).size(), "one journal row per part");
        assertEquals(parts, ejected.actions.size(), "the ejector sees every part");
        assertEquals(0, ejected.twice.get(), "and each part once");
        for (var e : sink.outcomes.entrySet()) {
            assertEquals(e.getValue().isReject(), ejected.actions.get(e.getKey()) != RejectScheduler.Action.PASS,
                    "part " + e.getKey() + " was decided " + e.getValue() + ", the ejector did " + ejected.actions.get(e.getKey()));
        }

        // the side view's missing parts, and only those, are missing-view rejects
        long missing = 0;
        long missingButRejectedForADefect = 0;
        for (long id = 0; id < parts; id++) {
            Outcome o = sink.outcomes.get(id);
            if (sideMissing.test(id)) {
                missing++;
                assertTrue(o == Outcome.FAILSAFE_MISSING_VIEW || o == Outcome.REJECT_DEFECT, "part " + id + " lacked its side view: " + o);
                if (o == Outcome.REJECT_DEFECT) missingButRejectedForADefect++;
            } else {
                assertNotEquals(Outcome.FAILSAFE_MISSING_VIEW, o, "part " + id + " had both views");
            }
        }
        assertEquals(24, missing);
        assertEquals(missing - missingButRejectedForADefect, s.failSafeByReason().get(Outcome.FAILSAFE_MISSING_VIEW.reason()));
        assertEquals(s.failSafe(), (long) s.failSafeByReason().get(Outcome.FAILSAFE_MISSING_VIEW.reason()),
                "an unloaded station with a generous deadline has no other fail-safe: " + s.failSafeByReason());

        // the defect only the top view sees rejects the part; a part rejects when any view's score does
        assertEquals(35, s.defective(), "a part is defective when any view shows a defect");
        long topDefects = 0;
        long caught = 0;
        for (long id = 0; id < parts; id++) {
            if (!defectOnTop.test(id)) continue;
            topDefects++;
            if (sink.outcomes.get(id) == Outcome.REJECT_DEFECT) caught++;
        }
        assertTrue(caught * 10 >= topDefects * 9, "at most 1 in 10 parts with a defect on top may escape: " + caught + " of " + topDefects);
        for (long id = 0; id < parts; id++) {
            if (sideMissing.test(id)) continue;
            float score = sink.scores.get(id);
            assertEquals(score >= config.rejectThreshold(), sink.outcomes.get(id) == Outcome.REJECT_DEFECT,
                    "part " + id + ": its score is its views' largest, and it decides: " + score + " " + sink.outcomes.get(id));
        }

        // per-view figures
        assertEquals(2, sources.size());
        SourceStats top = sources.get(0);
        SourceStats side = sources.get(1);
        assertEquals("top", top.view());
        assertEquals("side", side.view());
        assertEquals(parts, top.frames());
        assertEquals(parts - 24, side.frames());
        assertEquals(14, side.missed(), "ids the side camera skipped");
        assertEquals(24, side.missingViews(), "skipped, or never came before the deadline");
        assertEquals(0, top.missingViews());
        assertEquals(0, top.lateViews() + side.lateViews());
        assertEquals(0, s.partWindowOverflows());
    }

    @Test
    void aViewThatFallsBehindItsDeadlineGivesLateViewsNotSecondOutcomes() throws Exception {
        int parts = 100;
        // the side camera stalls for 400 ms at part 30, then delivers every trigger it missed
        StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(100).withMaxFramesPerLine(parts)
                .withRejectDelayMillis(150).withOverrun(TriggerSchedule.Overrun.CATCH_UP);
        PartsSink sink = new PartsSink();
        Ejected ejected = new Ejected();
        StationStats s;
        List<SourceStats> sources;
        try (Station station = Station.createWithViews(config, model, List.of(
                        List.of(new CameraView("top", new ScriptedCamera("top", 300, id -> id % 7 == 0)),
                                new CameraView("side", new UnreliableCamera("side", 301, id -> false, Long.MAX_VALUE, 30, 400))),
                        List.of(new CameraView("only", new ScriptedCamera("plain", 100, id -> id % 7 == 0)))),
                StationAttachments.of(new RejectSink() {
                    @Override
                    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
                    }

                    @Override
                    public void result(int line, long partId, Outcome outcome, float defectScore) {
                        if (line == 0) sink.result(line, partId, outcome, defectScore);
                    }
                }).withEjector((line, partId, action, due, now) -> {
                    if (line == 0) ejected.onPart(line, partId, action, due, now);
                }))) {
            s = run(station);
            sources = station.sourceStats();
        }
        assertEquals(2L * parts, s.captured(), "two lines of 100 parts; the two-view line counts parts, not frames");
        assertEquals(0, s.inFlight());
        assertEquals(s.captured(), s.passed() + s.rejected() + s.failSafe());
        assertEquals(parts, sink.outcomes.size());
        assertEquals(0, sink.twice.get(), "a late view makes no second outcome");
        assertEquals(parts, ejected.actions.size());
        assertEquals(0, ejected.twice.get());

        SourceStats side = sources.get(1);
        assertEquals("side", side.view());
        assertTrue(side.lateViews() > 0, "the stalled camera's frames came after their parts were decided");
        assertTrue(side.missingViews() > 0, "their parts were decided at the deadline without them");
        assertEquals(s.lateViews(), sources.get(0).lateViews() + side.lateViews());
        assertEquals(0, sources.get(0).lateViews(), "the top camera kept up");
        assertEquals(parts, side.frames(), "every frame it delivered is counted, late or not");
        assertNull(sources.get(2).view(), "line 1 has one camera");
        assertEquals(0, sources.get(2).missingViews() + sources.get(2).lateViews());
        for (var e : sink.outcomes.entrySet()) {
            if (e.getValue() == Outcome.FAILSAFE_MISSING_VIEW) {
                assertTrue(e.getKey() >= 30, "no part before the stall lacks a view: part " + e.getKey());
            }
        }
        for (long id = 0; id < 30; id++) {
            assertTrue(sink.outcomes.get(id) == Outcome.PASS || sink.outcomes.get(id) == Outcome.REJECT_DEFECT,
                    "before the stall both views were in time: part " + id + " " + sink.outcomes.get(id));
        }
    }

    @Test
    void aLinesViewsMustShareTheFrameSizeAndHaveDistinctNames() {
        StationConfig config = StationConfig.defaults(model.dir()).withLines(1);
        var e = assertThrows(IllegalArgumentException.class, () -> Station.createWithViews(config, model, List.of(List.of(
                new CameraView("top", new SyntheticPartCamera("a", new SyntheticPartCamera.Options(640, 512, 0, 1, 1))),
                new CameraView("side", new SyntheticPartCamera("b", new SyntheticPartCamera.Options(800, 600, 0, 1, 1))))),
                StationAttachments.of(new StationTest.CountingSink())));
        assertTrue(e.getMessage().startsWith("views:") && e.getMessage().contains("800x600") && e.getMessage().contains("side"),
                e.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> Station.createWithViews(config, model, List.of(List.of(
                new CameraView("top", new SyntheticPartCamera("a", new SyntheticPartCamera.Options(640, 512, 0, 1, 1))),
                new CameraView("top", new SyntheticPartCamera("b", new SyntheticPartCamera.Options(640, 512, 0, 1, 1))))),
                StationAttachments.of(new StationTest.CountingSink())));
        assertTrue(twice.getMessage().contains("'top' twice"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CameraView("top/../x", null));
    }
}
