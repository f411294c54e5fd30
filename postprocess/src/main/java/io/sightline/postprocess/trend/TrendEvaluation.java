package io.sightline.postprocess.trend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs detectors over scenario suites: false alarms on in-control lines, detection delays on
 * drifting ones, and the sensitivity that gives a requested in-control false-alarm rate.
 *
 * <p>Every scenario is one line of one tracker, so a suite of N scenarios runs as an N-line
 * tracker, which also exercises the lines' independence. As with run lengths in SPC, each alarm
 * is acknowledged at once ({@link TrendTracker#restartLine}): the line's statistic starts afresh,
 * so a chart cannot look quiet by staying in alarm. A false alarm is an alarm on an in-control
 * line, or before the change on a drifting one; the delay of a drifting line is the number of
 * parts from the change to the first alarm at or after it; a line with none is missed.
 */
public final class TrendEvaluation {
    private TrendEvaluation() {}

    /** Alarms raised per in-control part (parts after the baseline). */
    public static double falseAlarmRate(TrendTracker tracker, List<TrendScenarios.Scenario> inControl, int baselineParts) {
        long[] raised = new long[1];
        tracker.reset();
        tracker.setListener(a -> {
            if (a.raised()) {
                raised[0]++;
                tracker.restartLine(a.line());
            }
        });
        long parts = feed(tracker, inControl, baselineParts);
        tracker.setListener(TrendTracker.Listener.NONE);
        return parts == 0 ? 0 : (double) raised[0] / parts;
    }

    /** Feeds every scenario, one per line, part by part in step; returns the in-control parts after the baseline. */
    private static long feed(TrendTracker tracker, List<TrendScenarios.Scenario> scenarios, int baselineParts) {
        if (scenarios.size() > tracker.lines()) {
            throw new IllegalArgumentException(scenarios.size() + " scenarios but the tracker has " + tracker.lines() + " lines");
        }
        int longest = scenarios.stream().mapToInt(TrendScenarios.Scenario::length).max().orElse(0);
        long counted = 0;
        for (int t = 0; t < longest; t++) {
            for (int line = 0; line < scenarios.size(); line++) {
                TrendScenarios.Scenario s = scenarios.get(line);
                if (t >= s.length()) continue;
                tracker.update(line, t, t, s.scores()[t], s.rejected()[t]);
                if (t >= baselineParts && t < s.changeAt()) counted++;
            }
        }
        return counted;
    }

    /**
     * Delays on drifting scenarios.
     *
     * @param delays parts from change to first alarm, for detected lines
     * @param missed lines with no alarm after the change
     * @param falseBeforeChange lines that raised a false alarm before their change
     */
    public record Delays(int[] delays, int missed, int falseBeforeChange) {
        public double mean() {
            return delays.length == 0 ? Double.NaN : Arrays.stream(delays).average().orElse(Double.NaN);
        }

        public double median() {
            if (delays.length == 0) return Double.NaN;
            int[] sorted = delays.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        }
    }

    public static Delays delays(TrendTracker tracker, List<TrendScenarios.Scenario> drifting, int baselineParts) {
        int n = drifting.size();
        long[] firstAfter = new long[n];
        boolean[] falseBefore = new boolean[n];
        Arrays.fill(firstAfter, -1);
        tracker.reset();
        tracker.setListener(a -> {
            if (!a.raised()) return;
            tracker.restartLine(a.line());
            TrendScenarios.Scenario s = drifting.get(a.line());
            if (a.partIndex() < s.changeAt()) falseBefore[a.line()] = true;
            else if (firstAfter[a.line()] < 0) firstAfter[a.line()] = a.partIndex() - s.changeAt();
        });
        feed(tracker, drifting, baselineParts);
        tracker.setListener(TrendTracker.Listener.NONE);
        List<Integer> delays = new ArrayList<>();
        int missed = 0;
        int excluded = 0;
        for (int i = 0; i < n; i++) {
            if (falseBefore[i]) excluded++;
            if (firstAfter[i] < 0) missed++;
            else delays.add((int) firstAfter[i]);
        }
        return new Delays(delays.stream().mapToInt(Integer::intValue).toArray(), missed, excluded);
    }

    /**
     * Sets {@code chart}'s sensitivity so that its false-alarm rate on {@code inControl} is as close
     * to {@code targetRate} as bisection finds without going above it, and returns the rate reached.
     * The false-alarm rate falls as the sensitivity parameter rises.
     */
    public static double matchFalseAlarmRate(TrendTracker chart, List<TrendScenarios.Scenario> inControl, int baselineParts,
                                             double targetRate) {
        double lo = 1e-3;
        double hi = 1.0;
        chart.setSensitivity(hi);
        while (falseAlarmRate(chart, inControl, baselineParts) > targetRate) {
            lo = hi;
            hi *= 2;
            if (hi > 1e4) throw new IllegalStateException(chart.name() + ": no sensitivity up to 1e4 reaches " + targetRate);
            chart.setSensitivity(hi);
        }
        for (int i = 0; i < 30 && hi - lo > 1e-3 * hi; i++) {
            double mid = (lo + hi) / 2;
            chart.setSensitivity(mid);
            if (falseAlarmRate(chart, inControl, baselineParts) > targetRate) lo = mid;
            else hi = mid;
        }
        chart.setSensitivity(hi);
        return falseAlarmRate(chart, inControl, baselineParts);
    }

    /** A table row per detector for the JSON: false alarms per 10k, delays per kind, missed. */
    public static Map<String, Object> row(double falseAlarmRate, Map<TrendScenarios.Kind, Delays> byKind) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("falseAlarmsPer10k", Math.round(falseAlarmRate * 1e4 * 100) / 100.0);
        Map<String, Object> mean = new LinkedHashMap<>();
        Map<String, Object> median = new LinkedHashMap<>();
        int missed = 0;
        int excluded = 0;
        for (var e : byKind.entrySet()) {
            mean.put(e.getKey().label(), round1(e.getValue().mean()));
            median.put(e.getKey().label(), round1(e.getValue().median()));
            missed += e.getValue().missed();
            excluded += e.getValue().falseBeforeChange();
        }
        row.put("delayParts", mean);
        row.put("medianDelayParts", median);
        row.put("missed", missed);
        row.put("falseAlarmBeforeChange", excluded);
        return row;
    }

    private static Object round1(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : null;
    }
}
