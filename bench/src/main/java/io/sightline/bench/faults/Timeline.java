package io.sightline.bench.faults;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One scenario's clock: a normal phase, the fault, and a normal phase after it, on
 * {@link System#nanoTime()}. Everything that injects or observes the fault (the cameras' trigger
 * rates, the link, the poisoned frames, the outcome log) reads the same timeline, so "during the
 * fault" means the same instants for all of them.
 *
 * <pre>
 *   origin ── before ──▶ faultStart ── fault ──▶ faultEnd ── after ──▶ end
 * </pre>
 *
 * The origin is set once the station has started (its workers warmed up); cameras that grab
 * before it wait for it, so no trigger is late by the station's warm-up.
 */
final class Timeline {
    enum Phase { BEFORE, FAULT, AFTER }

    private final long beforeNanos;
    private final long faultNanos;
    private final long afterNanos;
    private volatile long origin;
    private volatile boolean started;

    Timeline(double beforeSeconds, double faultSeconds, double afterSeconds) {
        this.beforeNanos = nanos(beforeSeconds);
        this.faultNanos = nanos(faultSeconds);
        this.afterNanos = nanos(afterSeconds);
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    /** Starts the clock now. */
    void begin() {
        origin = System.nanoTime();
        started = true;
    }

    boolean started() {
        return started;
    }

    /** Waits until {@link #begin()} (or {@code stop} says to give up); returns the origin, or -1. */
    long awaitOrigin(java.util.function.BooleanSupplier stop) {
        while (!started) {
            if (stop.getAsBoolean()) return -1;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return origin;
    }

    long origin() {
        return origin;
    }

    long faultStart() {
        return origin + beforeNanos;
    }

    long faultEnd() {
        return faultStart() + faultNanos;
    }

    long end() {
        return faultEnd() + afterNanos;
    }

    double faultSeconds() {
        return faultNanos / 1e9;
    }

    double beforeSeconds() {
        return beforeNanos / 1e9;
    }

    double afterSeconds() {
        return afterNanos / 1e9;
    }

    Phase phaseAt(long nanos) {
        if (!started || nanos - faultStart() < 0) return Phase.BEFORE;
        if (nanos - faultEnd() < 0) return Phase.FAULT;
        return Phase.AFTER;
    }

    /** Sleeps until {@code deadline} ({@link System#nanoTime()}). */
    static void sleepUntil(long deadline) throws InterruptedException {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }
}
