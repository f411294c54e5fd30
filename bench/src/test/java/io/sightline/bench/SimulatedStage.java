package io.sightline.bench;

import java.util.Arrays;
import java.util.Map;

/**
 * A stub stage with a known capacity, simulated in virtual time: open-loop arrivals every
 * {@code 1/rate} seconds, one server taking {@code 1/capacity} seconds per frame, latency from the
 * scheduled arrival to the end of service, a frame later than the deadline is a fail-safe reject.
 * Deterministic, so the rate search can be tested against the exact answer.
 */
final class SimulatedStage implements RateSearch.Probe {
    final double capacityFps;
    final double seconds;
    final double deadlineMs;
    int steps;

    SimulatedStage(double capacityFps, double seconds, double deadlineMs) {
        this.capacityFps = capacityFps;
        this.seconds = seconds;
        this.deadlineMs = deadlineMs;
    }

    @Override
    public StepResult run(double offeredFps) {
        steps++;
        int n = (int) Math.round(offeredFps * seconds);
        double service = 1.0 / capacityFps;
        double[] latencyMs = new double[n];
        double free = 0;
        long late = 0;
        for (int i = 0; i < n; i++) {
            double arrival = i / offeredFps;
            double done = Math.max(arrival, free) + service;
            free = done;
            latencyMs[i] = (done - arrival) * 1000;
            if (latencyMs[i] > deadlineMs) late++;
        }
        double[] sorted = latencyMs.clone();
        Arrays.sort(sorted);
        return new StepResult("stub", offeredFps, seconds, n, n, late, Map.of("late", late), n / seconds,
                at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), n == 0 ? 0 : sorted[n - 1], 1, new long[0], 0.5, 0,
                true);
    }

    private static double at(double[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
