package io.sightline.station;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate trigger schedule: trigger {@code i} is due at {@code start + i / rate}, whatever
 * happened to the triggers before it. Used by the camera loops and by the benchmark's load
 * generators, so both keep an open-loop schedule: a slow consumer never slows the arrivals down,
 * and the latency of a trigger is measured from when it was due, not from when the loop got to it
 * (no coordinated omission).
 *
 * <p>When the loop finds itself more than one period behind, {@link Overrun} decides: a
 * free-running camera skips what it missed, a triggered camera (and a benchmark load) delivers
 * every trigger with its scheduled time. Either way the event is counted.
 *
 * <p>Single-threaded: one loop owns a schedule. The clock is injectable so the schedule can be
 * tested in virtual time.
 */
public final class TriggerSchedule {
    /** What happens to triggers that fall due while the loop is busy for more than one period. */
    public enum Overrun {
        /** Free-running camera: the missed triggers are skipped (counted) and the schedule restarts from now. */
        RESYNC,
        /** Hardware trigger or open-loop load: every trigger happens, late ones at once with their scheduled time. */
        CATCH_UP
    }

    /** Time and waiting. {@link #SYSTEM} is {@link System#nanoTime()} and {@link LockSupport#parkNanos(long)}. */
    public interface Clock {
        long nanoTime();

        void parkNanos(long nanos);

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void parkNanos(long nanos) {
                LockSupport.parkNanos(nanos);
            }
        };
    }

    private final Clock clock;
    private final double periodNanos;
    private final Overrun overrun;
    private long originNanos;
    private long index;
    private long lateTriggers;
    private long skippedTriggers;

    /**
     * @param ratePerSecond triggers per second, above 0
     * @param overrun what to do when more than one period behind
     */
    public TriggerSchedule(Clock clock, double ratePerSecond, Overrun overrun) {
        if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) {
            throw new IllegalArgumentException("trigger rate must be a positive number per second, got " + ratePerSecond);
        }
        this.clock = clock;
        this.periodNanos = 1e9 / ratePerSecond;
        this.overrun = overrun;
        this.originNanos = clock.nanoTime();
    }

    /**
     * Waits until the next trigger is due and returns the time it was due. If it was already due
     * more than one period ago it is counted as late, and under {@link Overrun#RESYNC} the schedule
     * skips ahead to now instead.
     */
    public long awaitNext() {
        long due = dueTime(index);
        long now = clock.nanoTime();
        while (due - now > 0) {
            clock.parkNanos(due - now);
            now = clock.nanoTime();
        }
        if (now - due > periodNanos) {
            lateTriggers++;
            if (overrun == Overrun.RESYNC) {
                skippedTriggers += (long) ((now - due) / periodNanos);
                originNanos = now;
                index = 0;
                due = now;
            }
        }
        index++;
        return due;
    }

    /** When trigger {@code i} (counted from the schedule's start or last resync) is due. */
    private long dueTime(long i) {
        return originNanos + Math.round(i * periodNanos);
    }

    /** Triggers the loop reached more than one period after they were due. */
    public long lateTriggers() {
        return lateTriggers;
    }

    /** Triggers skipped by {@link Overrun#RESYNC}; always 0 under {@link Overrun#CATCH_UP}. */
    public long skippedTriggers() {
        return skippedTriggers;
    }
}
