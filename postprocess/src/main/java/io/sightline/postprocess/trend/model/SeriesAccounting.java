package io.sightline.postprocess.trend.model;

import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One detector on one short real series, and what a handful of baseline images can say.
 *
 * <pre>
 *   images 0 .. baseline-1        the detector's baseline (no alarm possible)
 *   images baseline .. change-1   in control: every alarm here is a false alarm before the change
 *   images change ..              the first alarm gives the delay in images (none: missed)
 * </pre>
 *
 * Each alarm is acknowledged at once (the detector's statistic restarts), as in the synthetic runs.
 */
public final class SeriesAccounting {
    /** Two-sided 90 % normal quantile. */
    static final double Z90 = 1.6448536269514722;

    private SeriesAccounting() {}

    /** What one detector did on one series: false alarms before the change, delay in images (-1: missed or no change). */
    public record Outcome(int falseAlarmsBeforeChange, int delayImages) {
        public boolean detected() {
            return delayImages >= 0;
        }
    }

    /**
     * Feeds {@code scores} (with {@code rejected}) to a fresh {@code tracker} of one line whose
     * baseline is the series' first images, and counts its alarms around {@code changeAt} (-1:
     * the series never changes, every alarm is false).
     */
    public static Outcome run(TrendTracker tracker, float[] scores, boolean[] rejected, int changeAt) {
        if (tracker.lines() != 1) throw new IllegalArgumentException("one tracker per series: expected 1 line, got " + tracker.lines());
        if (scores.length != rejected.length) {
            throw new IllegalArgumentException("scores and rejects differ in length: " + scores.length + " and " + rejected.length);
        }
        int[] falseBefore = {0};
        long[] first = {-1};
        tracker.reset();
        tracker.setListener(a -> {
            if (!a.raised()) return;
            tracker.restartLine(a.line());
            if (changeAt < 0 || a.partIndex() < changeAt) falseBefore[0]++;
            else if (first[0] < 0) first[0] = a.partIndex() - changeAt;
        });
        for (int i = 0; i < scores.length; i++) tracker.update(0, i, i, scores[i], rejected[i]);
        tracker.setListener(TrendTracker.Listener.NONE);
        return new Outcome(falseBefore[0], changeAt < 0 ? -1 : (int) first[0]);
    }

    /**
     * A detector's row over all series: {@code detected} (series with a change that it caught after
     * the change), {@code missed}, {@code falseAlarmsBeforeChangePerSeries} (mean over every series,
     * those without a change included), {@code falseAlarmsBeforeChange} (total),
     * {@code seriesWithFalseAlarm}, and the mean and median delay in images of the detected series
     * (null when none was).
     */
    public static Map<String, Object> summary(List<Outcome> outcomes, List<Integer> changeAt) {
        List<Integer> delays = new ArrayList<>();
        int missed = 0;
        int falseAlarms = 0;
        int withFalse = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            falseAlarms += o.falseAlarmsBeforeChange();
            if (o.falseAlarmsBeforeChange() > 0) withFalse++;
            if (changeAt.get(i) < 0) continue;
            if (o.detected()) delays.add(o.delayImages());
            else missed++;
        }
        int[] d = delays.stream().mapToInt(Integer::intValue).sorted().toArray();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("detected", d.length);
        row.put("missed", missed);
        row.put("falseAlarmsBeforeChangePerSeries", outcomes.isEmpty() ? null : round(falseAlarms / (double) outcomes.size(), 100));
        row.put("falseAlarmsBeforeChange", falseAlarms);
        row.put("seriesWithFalseAlarm", withFalse);
        row.put("meanDelayImages", d.length == 0 ? null : round(Arrays.stream(d).average().orElseThrow(), 10));
        row.put("medianDelayImages", d.length == 0 ? null : median(d));
        return row;
    }

    static double median(int[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /**
     * What the first {@code baseline} images of a series can tell, at 90 %: the reject rate (Wilson
     * score interval), the mean score (normal interval), and the factor by which the true standard
     * deviation may differ from the measured one (chi-square interval, Wilson-Hilferty quantiles).
     * The charts' limits sit a multiple of that deviation above that mean, so the factor is how far
     * off their limits may be; {@code lstm}, when given and once it has forecast, adds the log-scale
     * deviation of its forecast interval, which widens as the baseline holds fewer rejects.
     */
    public static Map<String, Object> baselineConfidence(float[] scores, boolean[] rejected, int baseline, LstmTrendTracker lstm) {
        if (baseline < 2 || baseline > scores.length) {
            throw new IllegalArgumentException("baseline: expected 2 to " + scores.length + " images, got " + baseline);
        }
        int n = 0;
        int rejects = 0;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < baseline; i++) {
            if (!(scores[i] >= 0f && scores[i] <= 1f)) continue;
            n++;
            sum += scores[i];
            sumSquares += (double) scores[i] * scores[i];
            if (rejected[i]) rejects++;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("baselineImages", baseline);
        out.put("baselineRejects", rejects);
        if (n < 2) {
            out.put("baselineValidScores", n);
            return out;
        }
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, (sumSquares - n * mean * mean) / (n - 1)));
        double p = rejects / (double) n;
        double centre = (p + Z90 * Z90 / (2 * n)) / (1 + Z90 * Z90 / n);
        double half = Z90 / (1 + Z90 * Z90 / n) * Math.sqrt(p * (1 - p) / n + Z90 * Z90 / (4.0 * n * n));
        out.put("baselineRejectRate90", List.of(round(Math.max(0, centre - half), 1e4), round(Math.min(1, centre + half), 1e4)));
        out.put("baselineScoreMean", round(mean, 1e4));
        double meanHalf = Z90 * sd / Math.sqrt(n);
        out.put("baselineScoreMean90", List.of(round(mean - meanHalf, 1e4), round(mean + meanHalf, 1e4)));
        out.put("baselineScoreSd", round(sd, 1e4));
        int dof = n - 1;
        out.put("sdFactor90", List.of(round(Math.sqrt(dof / chiSquareQuantile(dof, Z90)), 100),
                round(Math.sqrt(dof / chiSquareQuantile(dof, -Z90)), 100)));
        if (lstm != null && Double.isFinite(lstm.forecastLogSd(0))) out.put("lstmIntervalLogSd", round(lstm.forecastLogSd(0), 1e3));
        return out;
    }

    /** The chi-square quantile with {@code dof} degrees of freedom at normal quantile {@code z} (Wilson-Hilferty). */
    static double chiSquareQuantile(int dof, double z) {
        double a = 2.0 / (9.0 * dof);
        double c = 1 - a + z * Math.sqrt(a);
        return dof * c * c * c;
    }

    static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }
}
