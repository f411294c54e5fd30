package io.sightline.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The open-loop schedule, in virtual time: no sleeping, no timing thresholds. */
class TriggerScheduleTest {
    /** A clock that only moves when someone waits or works. */
    static final class VirtualClock implements TriggerSchedule.Clock {
        long now = 5_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void parkNanos(long nanos) {
            now += Math.max(0, nanos);
        }

        void work(long nanos) {
            now += nanos;
        }
    }

    @Test
    void aSlowConsumerNeverMovesTheSchedule() {
        VirtualClock clock = new VirtualClock();
        long origin = clock.now;
        TriggerSchedule schedule = new TriggerSchedule(clock, 1000, TriggerSchedule.Overrun.CATCH_UP); // 1 ms period
        long maxLateness = 0;
        for (int i = 0; i < 200; i++) {
            long due = schedule.awaitNext();
            assertEquals(origin + i * 1_000_000L, due, "trigger " + i + " keeps its scheduled time");
            assertTrue(clock.now >= due, "a trigger is never delivered early");
            maxLateness = Math.max(maxLateness, clock.now - due);
            // The consumer takes 2.5 periods for each of the first 40 triggers, then 0.2 of a period.
            clock.work(i < 40 ? 2_500_000L : 200_000L);
        }
        // Trigger 40 was due at 40 ms and reached after 40 slow items (100 ms): the backlog shows as
        // lateness, nothing is skipped.
        assertEquals(60_000_000L, maxLateness, "lateness of trigger 40");
        assertEquals(0, schedule.skippedTriggers());
        assertTrue(schedule.lateTriggers() > 30, "late triggers counted: " + schedule.lateTriggers());
        // It caught up: the last trigger came exactly on time.
        long due = schedule.awaitNext();
        assertEquals(origin + 200 * 1_000_000L, due);
        assertEquals(due, clock.now);
    }

    @Test
    void aFreeRunningCameraSkipsWhatItMissedAndSaysSo() {
        VirtualClock clock = new VirtualClock();
        long origin = clock.now;
        TriggerSchedule schedule = new TriggerSchedule(clock, 100, TriggerSchedule.Overrun.RESYNC); // 10 ms
        assertEquals(origin, schedule.awaitNext());
        clock.work(35_000_000L); // stalls for 3.5 periods
        long due = schedule.awaitNext();
        assertEquals(origin + 35_000_000L, due, "restarts from now");
        assertEquals(1, schedule.lateTriggers());
        assertEquals(2, schedule.skippedTriggers(), "three fell due during the stall: one fires now, two are skipped");
        assertEquals(due + 10_000_000L, schedule.awaitNext(), "and keeps the period from there");
    }

    @Test
    void aLoopLessThanOnePeriodBehindIsNotLate() {
        VirtualClock clock = new VirtualClock();
        TriggerSchedule schedule = new TriggerSchedule(clock, 100, TriggerSchedule.Overrun.RESYNC);
        schedule.awaitNext();
        clock.work(15_000_000L); // 0.5 period past the next trigger
        schedule.awaitNext();
        assertEquals(0, schedule.lateTriggers());
        assertEquals(0, schedule.skippedTriggers());
    }

    @Test
    void fractionalPeriodsDoNotDrift() {
        VirtualClock clock = new VirtualClock();
        long origin = clock.now;
        TriggerSchedule schedule = new TriggerSchedule(clock, 3, TriggerSchedule.Overrun.CATCH_UP); // 333,333,333.3 ns
        long last = 0;
        for (int i = 0; i <= 3000; i++) last = schedule.awaitNext();
        assertEquals(origin + 1_000_000_000_000L, last, "trigger 3000 at exactly 1000 s");
    }

    @Test
    void badRatesAreRefusedWithTheValue() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TriggerSchedule(TriggerSchedule.Clock.SYSTEM, bad, TriggerSchedule.Overrun.CATCH_UP));
            assertTrue(e.getMessage().contains("trigger rate") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }
}
