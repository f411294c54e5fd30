package io.sightline.bench;

import java.util.Map;

/**
 * One open-loop step of the end-to-end benchmark: a contender offered {@code offeredFps} for a
 * fixed number of frames, and what came out.
 *
 * @param captured frames offered (every scheduled arrival, including those turned away at a full queue)
 * @param decided frames that got an outcome (pass, reject or fail-safe)
 * @param failSafe fail-safe rejects of any reason
 * @param throughputFps outcomes per second of the step
 * @param p50Ms latency percentiles from each frame's scheduled arrival to its outcome
 * @param batchHistogram inference batches by size (index = size); empty when the contender does not batch
 * @param cpuUtilisation process CPU time over (wall time x cores): 1.0 = every core busy
 * @param lateArrivals arrivals the load generator reached more than one period late (they still
 *                     went in, stamped with their scheduled time)
 * @param balanced whether every offered frame has exactly one outcome
 */
public record StepResult(String contender, double offeredFps, double seconds, long captured, long decided,
                         long failSafe, Map<String, Long> failSafeByReason, double throughputFps, double p50Ms,
                         double p99Ms, double p999Ms, double maxMs, double meanBatch, long[] batchHistogram,
                         double cpuUtilisation, long lateArrivals, boolean balanced) {

    public StepResult {
        failSafeByReason = Map.copyOf(failSafeByReason);
        batchHistogram = batchHistogram.clone();
    }

    /** The run's rule for a sustainable rate: every frame decided, none fail-safe, p99 within budget. */
    public boolean sustainable(double latencyBudgetMs) {
        return balanced && captured > 0 && decided == captured && failSafe == 0 && p99Ms <= latencyBudgetMs;
    }

    @Override
    public long[] batchHistogram() {
        return batchHistogram.clone();
    }
}
