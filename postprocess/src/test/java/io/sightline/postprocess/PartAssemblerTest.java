package io.sightline.postprocess;

import static io.sightline.postprocess.PartAssembler.DECIDED;
import static io.sightline.postprocess.PartAssembler.DUPLICATE;
import static io.sightline.postprocess.PartAssembler.LATE_VIEW;
import static io.sightline.postprocess.PartAssembler.OPENED;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PartAssemblerTest {
    private static final int TOP = 0;
    private static final int SIDE = 1;
    private static final long DELAY = 1_000;
    private static final float NAN = Float.NaN;

    private final PartAssembler.Part out = new PartAssembler.Part();

    /** View {@code view} frames part {@code id} at time {@code t} and decides it at once. */
    private static int frame(PartAssembler a, long id, int view, long t, Outcome o, float score, PartAssembler.Part out) {
        int f = a.arrive(id, view, t, t + DELAY, 0, out);
        assertEquals(0, f & (LATE_VIEW | DUPLICATE), "arrival of part " + id + " view " + view);
        return f | a.viewOutcome(id, view, o, score, t, t + DELAY, 0, out);
    }

    @Test
    void allViewsPassingPassThePartOnceWithTheLargestScore() {
        PartAssembler a = new PartAssembler(3, 16);
        assertEquals(OPENED, a.arrive(7, TOP, 100, 100 + DELAY, 0, out));
        assertEquals(0, a.arrive(7, SIDE, 90, 90 + DELAY, 0, out), "the second view joins the part");
        assertEquals(0, a.arrive(7, 2, 110, 110 + DELAY, 0, out));
        assertEquals(0, a.viewOutcome(7, SIDE, Outcome.PASS, 0.3f, 90, 90 + DELAY, 0, out));
        assertEquals(0, a.viewOutcome(7, TOP, Outcome.PASS, 0.1f, 100, 100 + DELAY, 0, out));
        assertEquals(DECIDED, a.viewOutcome(7, 2, Outcome.PASS, 0.2f, 110, 110 + DELAY, 0, out));
        assertEquals(7, out.partId());
        assertEquals(Outcome.PASS, out.outcome());
        assertEquals(0.3f, out.defectScore());
        assertEquals(90, out.captureNanos(), "the earliest capture");
        assertEquals(90 + DELAY, out.deadlineNanos(), "the earliest deadline");
        assertEquals(0b111, out.framedViews());
        assertEquals(0, out.absentViews());
        assertTrue(out.allScored());
        assertEquals(PartAssembler.Cause.COMPLETE, out.cause());
        assertEquals(0, a.openParts());
        assertEquals(1, a.completed());
        assertEquals(0, a.expire(Long.MAX_VALUE / 2, out), "nothing left to expire");
    }

    @Test
    void aDefectSeenByOneViewRejectsThePart() {
        PartAssembler a = new PartAssembler(2, 16);
        frame(a, 3, TOP, 0, Outcome.PASS, 0.05f, out);
        assertEquals(DECIDED, frame(a, 3, SIDE, 1, Outcome.REJECT_DEFECT, 0.97f, out));
        assertEquals(Outcome.REJECT_DEFECT, out.outcome());
        assertEquals(0.97f, out.defectScore());
        assertTrue(out.allScored(), "both views were scored: the trend may see the part");
    }

    @Test
    void aViewThatNeverArrivesIsAMissingViewAtTheDeadlineNotBefore() {
        PartAssembler a = new PartAssembler(2, 16);
        frame(a, 5, TOP, 1_000, Outcome.PASS, 0.1f, out);
        assertEquals(1, a.openParts());
        assertEquals(0, a.expire(1_000 + DELAY, out), "not before its deadline");
        assertEquals(DECIDED, a.expire(1_001 + DELAY, out));
        assertEquals(Outcome.FAILSAFE_MISSING_VIEW, out.outcome());
        assertEquals(PartAssembler.Cause.DEADLINE, out.cause());
        assertEquals(1L << TOP, out.framedViews());
        assertEquals(1L << SIDE, out.absentViews());
        assertFalse(out.allScored());
        assertEquals(0.1f, out.defectScore(), "the views that were scored still give the score");
        assertEquals(1, a.missingViews(SIDE));
        assertEquals(0, a.missingViews(TOP));
        assertEquals(1, a.expired());
        assertEquals(0, a.expire(Long.MAX_VALUE / 2, out), "decided once");
    }

    @Test
    void aFrameInFlightAtTheDeadlineMakesThePartLateAndItsDecisionIsALateView() {
        PartAssembler a = new PartAssembler(2, 16);
        frame(a, 9, TOP, 0, Outcome.PASS, 0.1f, out);
        assertEquals(0, a.arrive(9, SIDE, 5, 5 + DELAY, 0, out));
        assertEquals(DECIDED, a.expire(DELAY + 1, out));
        assertEquals(Outcome.FAILSAFE_LATE, out.outcome(), "the side frame arrived but was not decided in time");
        assertEquals(0, out.absentViews());
        assertEquals(LATE_VIEW, a.viewOutcome(9, SIDE, Outcome.PASS, 0.2f, 5, 5 + DELAY, 0, out));
        assertEquals(1, a.lateViews(SIDE));
        assertEquals(LATE_VIEW, a.arrive(9, TOP, 7, 7 + DELAY, 0, out), "a second frame after the decision: late too");
        assertEquals(1, a.lateViews(TOP));
    }

    @Test
    void duplicatesAreCountedAndChangeNothing() {
        PartAssembler a = new PartAssembler(2, 16);
        assertEquals(OPENED, a.arrive(1, TOP, 0, DELAY, 0, out));
        assertEquals(DUPLICATE, a.arrive(1, TOP, 1, 1 + DELAY, 0, out));
        assertEquals(0, a.viewOutcome(1, TOP, Outcome.PASS, 0.1f, 0, DELAY, 0, out));
        assertEquals(DUPLICATE, a.viewOutcome(1, TOP, Outcome.REJECT_DEFECT, 0.9f, 0, DELAY, 0, out),
                "a second verdict for the same view cannot change the first");
        assertEquals(2, a.duplicates(TOP));
        assertEquals(DECIDED, frame(a, 1, SIDE, 2, Outcome.PASS, 0.2f, out));
        assertEquals(Outcome.PASS, out.outcome());
        assertEquals(0.2f, out.defectScore());
    }

    @Test
    void viewsMayArriveInAnyOrderAcrossParts() {
        PartAssembler a = new PartAssembler(2, 16);
        // side runs two parts ahead of top; top's decisions come back in reverse
        assertEquals(OPENED, a.arrive(0, SIDE, 0, DELAY, 0, out));
        assertEquals(OPENED, a.arrive(1, SIDE, 10, 10 + DELAY, 0, out));
        assertEquals(OPENED, a.arrive(2, SIDE, 20, 20 + DELAY, 0, out));
        assertEquals(0, a.arrive(0, TOP, 1, 1 + DELAY, 0, out));
        assertEquals(0, a.arrive(1, TOP, 11, 11 + DELAY, 0, out));
        assertEquals(0, a.viewOutcome(1, TOP, Outcome.REJECT_DEFECT, 0.8f, 11, 11 + DELAY, 0, out));
        assertEquals(0, a.viewOutcome(0, TOP, Outcome.PASS, 0.1f, 1, 1 + DELAY, 0, out));
        assertEquals(DECIDED, a.viewOutcome(1, SIDE, Outcome.PASS, 0.2f, 10, 10 + DELAY, 0, out));
        assertEquals(1, out.partId());
        assertEquals(Outcome.REJECT_DEFECT, out.outcome());
        assertEquals(DECIDED, a.viewOutcome(0, SIDE, Outcome.PASS, 0.2f, 0, DELAY, 0, out));
        assertEquals(0, out.partId());
        assertEquals(Outcome.PASS, out.outcome());
        assertEquals(1, a.openParts(), "part 2 waits for its top view");
        assertEquals(0, a.viewOutcome(2, SIDE, Outcome.PASS, 0.1f, 20, 20 + DELAY, 0, out));
        // a view's outcome without an arrival first (its camera skipped the part) opens or joins the part
        assertEquals(DECIDED, a.viewOutcome(2, TOP, Outcome.FAILSAFE_MISSED, NAN, 25, 25 + DELAY, 0, out));
        assertEquals(Outcome.FAILSAFE_MISSING_VIEW, out.outcome());
        assertEquals(1L << TOP, out.absentViews());
        assertEquals(1, a.missingViews(TOP));
    }

    @Test
    void aPartNoViewFramedIsMissedAndReasonsFollowTheOrder() {
        PartAssembler a = new PartAssembler(2, 16);
        assertEquals(OPENED, a.viewOutcome(4, TOP, Outcome.FAILSAFE_MISSED, NAN, 0, DELAY, 0, out));
        assertEquals(DECIDED, a.viewOutcome(4, SIDE, Outcome.FAILSAFE_MISSED, NAN, 0, DELAY, 0, out));
        assertEquals(Outcome.FAILSAFE_MISSED, out.outcome(), "no camera saw the part");
        assertTrue(Float.isNaN(out.defectScore()));
        assertEquals(0, out.framedViews());

        frame(a, 5, TOP, 0, Outcome.FAILSAFE_ERROR, NAN, out);
        frame(a, 5, SIDE, 0, Outcome.FAILSAFE_UNREADABLE, NAN, out);
        assertEquals(Outcome.FAILSAFE_UNREADABLE, out.outcome(), "two fail-safe views: the first reason in Outcome order");

        frame(a, 6, TOP, 0, Outcome.REJECT_DEFECT, 0.9f, out);
        a.viewOutcome(6, SIDE, Outcome.FAILSAFE_RING_FULL, NAN, 0, DELAY, 0, out);
        assertEquals(Outcome.REJECT_DEFECT, out.outcome(), "a defect seen is the reason, whatever else went wrong");
        assertFalse(out.allScored());

        frame(a, 7, TOP, 0, Outcome.FAILSAFE_LATE, 0.1f, out);
        a.viewOutcome(7, SIDE, Outcome.FAILSAFE_MISSED, NAN, 0, DELAY, 0, out);
        assertEquals(Outcome.FAILSAFE_LATE, out.outcome(), "a frame's own fail-safe reason comes before a missing view");

        frame(a, 8, TOP, 0, Outcome.REJECT_DEFECT, 0.7f, out);
        assertEquals(DECIDED, a.expire(DELAY + 1, out));
        assertEquals(Outcome.REJECT_DEFECT, out.outcome(), "a defect with a view missing at the deadline");
        assertEquals(1L << SIDE, out.absentViews());
    }

    @Test
    void theTruthOfEveryViewIsKept() {
        PartAssembler a = new PartAssembler(2, 16);
        a.arrive(0, TOP, 0, DELAY, 0b001, out);
        a.arrive(0, SIDE, 0, DELAY, 0b100, out);
        a.viewOutcome(0, TOP, Outcome.PASS, 0.1f, 0, DELAY, 0, out);
        a.viewOutcome(0, SIDE, Outcome.PASS, 0.1f, 0, DELAY, 0, out);
        assertEquals(0b101, out.truthBits());
    }

    @Test
    void aFullWindowDecidesItsOldestPartFailSafeAndCountsIt() {
        PartAssembler a = new PartAssembler(2, 4);
        for (long id = 0; id < 4; id++) frame(a, id, TOP, id, Outcome.PASS, 0.1f, out);
        assertEquals(4, a.openParts());
        int f = a.arrive(4, TOP, 4, 4 + DELAY, 0, out);
        assertEquals(OPENED | DECIDED, f, "part 4 takes part 0's slot; part 0 is decided now");
        assertEquals(0, out.partId());
        assertEquals(Outcome.FAILSAFE_MISSING_VIEW, out.outcome());
        assertEquals(PartAssembler.Cause.OVERFLOW, out.cause());
        assertEquals(1, a.overflows());
        assertEquals(4, a.openParts());
        // part 1 has its top frame in flight when its slot is needed: late, a reject too
        assertEquals(0, a.arrive(1, SIDE, 1, 1 + DELAY, 0, out));
        assertEquals(OPENED | DECIDED, a.viewOutcome(5, SIDE, Outcome.PASS, 0.1f, 5, 5 + DELAY, 0, out));
        assertEquals(1, out.partId());
        assertEquals(Outcome.FAILSAFE_LATE, out.outcome());
        assertTrue(out.outcome().isReject());
        assertEquals(2, a.overflows());
        // the side view of part 0 comes now: the slot holds part 4, part 0 is history
        assertEquals(LATE_VIEW, a.arrive(0, SIDE, 0, DELAY, 0, out));
        assertEquals(LATE_VIEW, a.viewOutcome(1, SIDE, Outcome.PASS, 0.1f, 1, 1 + DELAY, 0, out),
                "its frame's outcome after the part was decided");
        assertEquals(2, a.lateViews(SIDE));
    }

    @Test
    void everyPartEndsInExactlyOneDecisionWhateverTheOrder() {
        // three views over 2,000 parts; each view misses some parts, delivers others twice, and
        // reports in its own order within a few parts; deadlines expire parts left behind
        int views = 3;
        int parts = 2_000;
        PartAssembler a = new PartAssembler(views, 64);
        Random random = new Random(11);
        Map<Long, Outcome> decided = new HashMap<>();
        long[] opened = {0};
        List<long[]> reports = new ArrayList<>(); // {time, part, view, kind}
        for (long id = 0; id < parts; id++) {
            for (int v = 0; v < views; v++) {
                int r = random.nextInt(100);
                if (r < 3) continue; // never arrives
                long t = id * 10 + random.nextInt(30);
                reports.add(new long[] {t, id, v, r < 6 ? 1 : r < 10 ? 2 : 0}); // 1: skipped id, 2: twice
            }
        }
        reports.sort((x, y) -> Long.compare(x[0], y[0]));
        PartAssembler.Part p = new PartAssembler.Part();
        java.util.function.IntConsumer take = f -> {
            if ((f & OPENED) != 0) opened[0]++;
            if ((f & DECIDED) != 0) assertNull(decided.put(p.partId(), p.outcome()), "part " + p.partId() + " decided twice");
        };
        long delay = 200;
        for (long[] r : reports) {
            long t = r[0];
            while (true) {
                int f = a.expire(t, p);
                if (f == 0) break;
                take.accept(f);
            }
            int view = (int) r[2];
            if (r[3] == 1) {
                take.accept(a.viewOutcome(r[1], view, Outcome.FAILSAFE_MISSED, NAN, t, t + delay, 0, p));
                continue;
            }
            take.accept(a.arrive(r[1], view, t, t + delay, 0, p));
            if (r[3] == 2) take.accept(a.arrive(r[1], view, t, t + delay, 0, p));
            Outcome o = random.nextInt(20) == 0 ? Outcome.REJECT_DEFECT : Outcome.PASS;
            take.accept(a.viewOutcome(r[1], view, o, o == Outcome.PASS ? 0.1f : 0.9f, t, t + delay, 0, p));
        }
        while (true) {
            int f = a.expire(Long.MAX_VALUE / 4, p);
            if (f == 0) break;
            take.accept(f);
        }
        assertEquals(0, a.openParts());
        assertEquals(opened[0], decided.size(), "every part opened was decided, once");
        assertEquals(a.opened(), a.completed() + a.expired() + a.overflows());
        assertEquals(parts, decided.size(), "every part had at least one report");
        assertTrue(decided.containsValue(Outcome.FAILSAFE_MISSING_VIEW));
        assertTrue(decided.containsValue(Outcome.REJECT_DEFECT));
        assertTrue(decided.containsValue(Outcome.PASS));
    }

    @Test
    void impossibleSettingsAndIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PartAssembler(1, 16), "one view needs no assembly");
        assertThrows(IllegalArgumentException.class, () -> new PartAssembler(65, 16));
        assertThrows(IllegalArgumentException.class, () -> new PartAssembler(2, 12));
        PartAssembler a = new PartAssembler(2, 16);
        assertThrows(IllegalArgumentException.class, () -> a.arrive(-1, 0, 0, 0, 0, out));
        assertThrows(IllegalArgumentException.class, () -> a.arrive(0, 2, 0, 0, 0, out));
        PartAssembler all = new PartAssembler(64, 4);
        for (int v = 0; v < 63; v++) assertEquals(0, all.viewOutcome(0, v, Outcome.PASS, 0.1f, 0, DELAY, 0, out) & DECIDED);
        assertEquals(DECIDED, all.viewOutcome(0, 63, Outcome.PASS, 0.1f, 0, DELAY, 0, out), "64 views fit the mask");
    }

    @Test
    void assemblingAllocatesNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        PartAssembler a = new PartAssembler(2, 256);
        long id = 0;
        for (; id < 20_000; id++) cycle(a, id);
        long before = threads.getCurrentThreadAllocatedBytes();
        for (; id < 120_000; id++) cycle(a, id);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "100,000 parts allocated " + allocated + " bytes");
    }

    private void cycle(PartAssembler a, long id) {
        a.arrive(id, TOP, id, id + DELAY, 1, out);
        if (id % 7 != 0) a.arrive(id, SIDE, id, id + DELAY, 1, out);
        a.viewOutcome(id, TOP, id % 5 == 0 ? Outcome.REJECT_DEFECT : Outcome.PASS, 0.4f, id, id + DELAY, 0, out);
        if (id % 7 != 0) a.viewOutcome(id, SIDE, Outcome.PASS, 0.2f, id, id + DELAY, 0, out);
        a.expire(id, out);
    }
}
