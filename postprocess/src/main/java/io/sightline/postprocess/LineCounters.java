package io.sightline.postprocess;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Outcome counters per production line, safe to update from several threads (the decision thread,
 * the deadline watchdog, cameras that found the ring full) and to read at any time.
 *
 * <p>The station's first promise is checked here: {@code captured == passed + rejected + failSafe}
 * once nothing is in flight.
 */
public final class LineCounters {
    private final int lines;
    private final AtomicLongArray captured;
    private final AtomicLongArray outcomes; // [line * Outcome.count() + outcome]

    public LineCounters(int lines) {
        if (lines <= 0) throw new IllegalArgumentException("need at least one line, got " + lines);
        this.lines = lines;
        this.captured = new AtomicLongArray(lines);
        this.outcomes = new AtomicLongArray(lines * Outcome.count());
    }

    public int lines() {
        return lines;
    }

    public void captured(int line) {
        captured.incrementAndGet(line);
    }

    public void outcome(int line, Outcome outcome) {
        outcomes.incrementAndGet(line * Outcome.count() + outcome.ordinal());
    }

    public long capturedCount(int line) {
        return captured.get(line);
    }

    public long count(int line, Outcome outcome) {
        return outcomes.get(line * Outcome.count() + outcome.ordinal());
    }

    public long capturedTotal() {
        long sum = 0;
        for (int l = 0; l < lines; l++) sum += captured.get(l);
        return sum;
    }

    public long total(Outcome outcome) {
        long sum = 0;
        for (int l = 0; l < lines; l++) sum += count(l, outcome);
        return sum;
    }

    public long passed() {
        return total(Outcome.PASS);
    }

    public long rejectedForDefect() {
        return total(Outcome.REJECT_DEFECT);
    }

    public long failSafe() {
        long sum = 0;
        for (Outcome o : Outcome.values()) if (o.isFailSafe()) sum += total(o);
        return sum;
    }

    /** Frames captured but not yet given an outcome. */
    public long inFlight() {
        return capturedTotal() - passed() - rejectedForDefect() - failSafe();
    }
}
