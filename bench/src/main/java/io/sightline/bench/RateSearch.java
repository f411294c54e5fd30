package io.sightline.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the maximum sustainable rate of a contender: the highest offered rate whose step is
 * {@link StepResult#sustainable sustainable} (every frame decided, no fail-safe reject, p99 within
 * the latency budget).
 *
 * <p>It doubles the rate from {@code startFps} until a step fails (or {@code maxFps} passes),
 * halving instead while even the start fails, then bisects between the highest passing and the
 * lowest failing rate until they are within {@code tolerance} of each other. Each probe is one
 * real step, so the search assumes what open-loop load makes true: past capacity the backlog
 * grows without bound and the step fails.
 */
public final class RateSearch {
    /** Runs one step at the given offered rate. */
    public interface Probe {
        StepResult run(double offeredFps) throws Exception;
    }

    /**
     * @param maxSustainableFps the highest sustainable rate found; 0 if none down to the floor rate
     * @param atMax that step, or null when there is none
     * @param steps every step, in the order run
     */
    public record Result(double maxSustainableFps, StepResult atMax, List<StepResult> steps) {
        public Result {
            steps = List.copyOf(steps);
        }
    }

    private final double latencyBudgetMs;
    private final double startFps;
    private final double minFps;
    private final double maxFps;
    private final double tolerance;
    private final int maxSteps;

    /**
     * @param latencyBudgetMs p99 budget, from scheduled arrival to outcome
     * @param startFps first rate tried
     * @param minFps give up (result 0) below this rate
     * @param maxFps never offer more than this
     * @param tolerance stop when (lowest failing - highest passing) / highest passing is at most this
     * @param maxSteps stop after this many steps whatever the interval
     */
    public RateSearch(double latencyBudgetMs, double startFps, double minFps, double maxFps, double tolerance,
                      int maxSteps) {
        require(latencyBudgetMs > 0, "latency budget", latencyBudgetMs, "above 0 ms");
        require(minFps > 0 && startFps >= minFps && maxFps >= startFps, "rates", minFps + " <= " + startFps + " <= " + maxFps,
                "0 < min <= start <= max");
        require(tolerance > 0 && tolerance < 1, "tolerance", tolerance, "between 0 and 1");
        require(maxSteps >= 2, "max steps", maxSteps, "at least 2");
        this.latencyBudgetMs = latencyBudgetMs;
        this.startFps = startFps;
        this.minFps = minFps;
        this.maxFps = maxFps;
        this.tolerance = tolerance;
        this.maxSteps = maxSteps;
    }

    public double latencyBudgetMs() {
        return latencyBudgetMs;
    }

    public Result search(Probe probe) throws Exception {
        List<StepResult> steps = new ArrayList<>();
        StepResult best = null;
        double pass = 0;
        double fail = Double.POSITIVE_INFINITY;
        double rate = startFps;
        // Bracket: double while passing, halve while failing.
        while (steps.size() < maxSteps) {
            StepResult r = probe.run(rate);
            steps.add(r);
            if (r.sustainable(latencyBudgetMs)) {
                pass = rate;
                best = r;
                if (fail != Double.POSITIVE_INFINITY || rate >= maxFps) break;
                rate = Math.min(rate * 2, maxFps);
            } else {
                fail = rate;
                if (pass > 0) break;
                rate = rate / 2;
                if (rate < minFps) return new Result(0, null, steps);
            }
        }
        // Bisect.
        while (pass > 0 && fail != Double.POSITIVE_INFINITY && (fail - pass) / pass > tolerance
                && steps.size() < maxSteps) {
            double mid = (pass + fail) / 2;
            StepResult r = probe.run(mid);
            steps.add(r);
            if (r.sustainable(latencyBudgetMs)) {
                pass = mid;
                best = r;
            } else {
                fail = mid;
            }
        }
        return new Result(pass, best, steps);
    }

    private static void require(boolean ok, String what, Object value, String expected) {
        if (!ok) throw new IllegalArgumentException(what + ": expected " + expected + ", got " + value);
    }
}
