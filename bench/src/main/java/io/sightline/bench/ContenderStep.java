package io.sightline.bench;

import io.sightline.postprocess.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One step's counters for a rival that is not the station (naive, strong), and the
 * {@link StepResult} they add up to. A frame turned away at a full queue counts as decided (a
 * fail-safe reject, as a full ring is in the station).
 */
final class ContenderStep {
    final Recorder latencyMicros = new Recorder(60_000_000L, 3);
    final AtomicLong captured = new AtomicLong();
    /** Frames that went through inspection (not those turned away at the queue). */
    final AtomicLong decided = new AtomicLong();
    final AtomicLong queueFull = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong lateArrivals = new AtomicLong();

    /** Records a frame's latency from its scheduled arrival, in microseconds. */
    void latency(long dueNanos, long nowNanos) {
        latencyMicros.recordValue(Math.max(0, (nowNanos - dueNanos) / 1000));
    }

    StepResult result(String contender, double offeredFps, long wallNanos, long cpuNanos, double meanBatch, long[] batchHistogram) {
        Histogram h = latencyMicros.getIntervalHistogram();
        Map<String, Long> byReason = new LinkedHashMap<>();
        byReason.put(Outcome.FAILSAFE_RING_FULL.reason(), queueFull.get());
        byReason.put(Outcome.FAILSAFE_LATE.reason(), late.get());
        byReason.put(Outcome.FAILSAFE_ERROR.reason(), errors.get());
        long failSafe = queueFull.get() + late.get() + errors.get();
        long outcomes = decided.get() + queueFull.get();
        long offered = captured.get();
        double seconds = wallNanos / 1e9;
        return new StepResult(contender, offeredFps, seconds, offered, outcomes, failSafe, byReason, outcomes / seconds,
                ms(h, 50), ms(h, 99), ms(h, 99.9), h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0, meanBatch, batchHistogram,
                CpuTime.utilisation(cpuNanos, wallNanos), lateArrivals.get(), outcomes == offered);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
