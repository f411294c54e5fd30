package io.sightline.bench.faults;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scenario's own witness of every outcome: a {@link RejectSink} that the station calls with every
 * part's result (pass included, after it is recorded), counted by outcome and by phase of the
 * {@link Timeline}. Independent of the station's counters, so "captured minus every outcome seen
 * here" is an honest unaccounted figure.
 *
 * <p>Recovery: after the fault has ended, the first normal decision (pass or defect reject; a
 * normal decision is on time by construction, a late one is the fail-safe {@code late}) with no
 * fail-safe after it. Any fail-safe after the fault ended restarts the wait, so "recovered" means
 * the fail-safes stopped and normal decisions went on to the end.
 *
 * <p>Thread-safe (the decision thread, the watchdog and the camera threads all record outcomes);
 * allocation-free per outcome.
 */
final class OutcomeLog implements RejectSink {
    private final Timeline timeline;
    private final long[][] counts = new long[Timeline.Phase.values().length][Outcome.count()];
    private long cleanSinceNanos;
    private long lastFailSafeNanos;
    private long lastNanos;

    OutcomeLog(Timeline timeline) {
        this.timeline = timeline;
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        // counted in result(), which every outcome reaches
    }

    @Override
    public synchronized void result(int line, long partId, Outcome outcome, float defectScore) {
        long now = System.nanoTime();
        Timeline.Phase phase = timeline.phaseAt(now);
        counts[phase.ordinal()][outcome.ordinal()]++;
        if (outcome.isFailSafe()) lastFailSafeNanos = now;
        if (phase == Timeline.Phase.AFTER) {
            if (outcome.isFailSafe()) cleanSinceNanos = 0;
            else if (cleanSinceNanos == 0) cleanSinceNanos = now;
        }
        lastNanos = now;
    }

    /** Every outcome seen, all phases. */
    synchronized long total() {
        long n = 0;
        for (long[] phase : counts) for (long c : phase) n += c;
        return n;
    }

    synchronized long count(Outcome o) {
        long n = 0;
        for (long[] phase : counts) n += phase[o.ordinal()];
        return n;
    }

    synchronized long count(Timeline.Phase phase, Outcome o) {
        return counts[phase.ordinal()][o.ordinal()];
    }

    synchronized long failSafe(Timeline.Phase phase) {
        long n = 0;
        for (Outcome o : Outcome.values()) if (o.isFailSafe()) n += counts[phase.ordinal()][o.ordinal()];
        return n;
    }

    synchronized long normal(Timeline.Phase phase) {
        return counts[phase.ordinal()][Outcome.PASS.ordinal()] + counts[phase.ordinal()][Outcome.REJECT_DEFECT.ordinal()];
    }

    /** Outcomes by kind, all phases: pass, reject (defect), then each fail-safe reason. */
    synchronized Map<String, Long> byKind() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("pass", count(Outcome.PASS));
        m.put("reject", count(Outcome.REJECT_DEFECT));
        for (Outcome o : Outcome.values()) if (o.isFailSafe()) m.put(o.reason(), count(o));
        return m;
    }

    /** When normal decisions resumed for good after the fault (see the class comment); 0 if they did not. */
    synchronized long recoveredAtNanos() {
        return cleanSinceNanos;
    }

    synchronized long lastFailSafeNanos() {
        return lastFailSafeNanos;
    }

    synchronized long lastOutcomeNanos() {
        return lastNanos;
    }
}
