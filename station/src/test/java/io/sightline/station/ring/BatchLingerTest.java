package io.sightline.station.ring;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BatchLingerTest {
    private static final long MS = 1_000_000L;

    /** Frames captured every {@code gapMs} from time 0. */
    private static BatchLinger fed(long gapMs, int frames) {
        BatchLinger linger = new BatchLinger(8 * MS);
        for (int i = 0; i < frames; i++) linger.observeArrival(i * gapMs * MS);
        return linger;
    }

    @Test
    void nothingPendingNeverRuns() {
        assertFalse(fed(1, 10).shouldRun(0, 0, 100 * MS));
    }

    @Test
    void beforeTwoFramesNothingIsHeld() {
        BatchLinger linger = new BatchLinger(8 * MS);
        assertTrue(linger.shouldRun(1, 0, 0), "no gap known yet");
        linger.observeArrival(5 * MS);
        assertEquals(Long.MAX_VALUE, linger.meanGapNanos());
        assertTrue(linger.shouldRun(1, 5 * MS, 5 * MS), "one frame still tells no gap");
    }

    @Test
    void aBusyLineHoldsUntilTheLingerIsUp() {
        BatchLinger linger = fed(1, 20); // a frame every millisecond: company is coming
        assertEquals(1 * MS, linger.meanGapNanos());
        assertFalse(linger.shouldRun(3, 100 * MS, 100 * MS));
        assertFalse(linger.shouldRun(3, 100 * MS, 106 * MS), "2 ms left, the next frame due in 1");
        assertTrue(linger.shouldRun(3, 100 * MS, 107 * MS + 1), "under 1 ms left: no one comes in time");
        assertTrue(linger.shouldRun(3, 100 * MS, 108 * MS), "the linger is up");
    }

    @Test
    void aSlowLineNeverWaitsForNothing() {
        BatchLinger linger = fed(40, 10); // 25 frames/s: the next frame is 40 ms away
        assertTrue(linger.shouldRun(1, 0, 0));
    }

    @Test
    void theAverageFollowsAChangeOfRate() {
        BatchLinger linger = fed(40, 10);
        long t = 9 * 40 * MS;
        for (int i = 0; i < 40; i++) linger.observeArrival(t += MS); // the line speeds up
        assertTrue(linger.meanGapNanos() < 2 * MS, "mean gap " + linger.meanGapNanos());
        assertFalse(linger.shouldRun(2, t, t));
    }

    @Test
    void framesCapturedOutOfOrderCountAsNoGap() {
        BatchLinger linger = new BatchLinger(8 * MS);
        linger.observeArrival(10 * MS);
        linger.observeArrival(9 * MS); // another line's camera clock a little behind
        assertEquals(0, linger.meanGapNanos());
    }

    @Test
    void aNegativeLingerIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchLinger(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
