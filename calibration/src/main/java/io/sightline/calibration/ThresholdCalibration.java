package io.sightline.calibration;

import java.util.Arrays;

/**
 * The decision threshold for a target escape rate, from labelled scores.
 *
 * <pre>
 *   defect scores of good parts and of defective parts (1 - p(ok))
 *   candidate thresholds: every distinct score (reject when score >= t)
 *   escape(t) = defective parts below t / defective parts;  falseReject(t) = good parts at or above t / good parts
 *   choose the highest t with escape(t) <= target (the fewest false rejects that meet it)
 *   the escape rate's one-sided 95% upper bound (Clopper-Pearson) says what the data can promise
 * </pre>
 *
 * Refuses when the defective samples cannot support the target: with {@code n} defective parts
 * and no escape, the 95% upper bound is {@code 1 - 0.05^(1/n)}; a target below it needs more
 * defective samples, and the message says how many.
 */
public final class ThresholdCalibration {
    public static final double CONFIDENCE = 0.95;

    /**
     * @param threshold reject when the defect score is at or above it
     * @param escapeUpper one-sided 95% Clopper-Pearson upper bound of the escape rate
     */
    public record OperatingPoint(float threshold, double escapeRate, double escapeUpper, double falseRejectRate, int defective,
                                 int good, int escapes, int falseRejects) {}

    private ThresholdCalibration() {}

    /**
     * @throws IllegalArgumentException when the target is not in (0, 1), a class is missing, or
     *     the defective samples are too few to show the target at 95%
     */
    public static OperatingPoint choose(float[] goodScores, float[] defectScores, double targetEscape) {
        if (!(targetEscape > 0 && targetEscape < 1)) {
            throw new IllegalArgumentException("target escape rate: expected a rate above 0 and below 1, got " + targetEscape);
        }
        if (defectScores.length == 0 || goodScores.length == 0) {
            throw new IllegalArgumentException("threshold calibration needs good and defective samples, got " + goodScores.length
                    + " good and " + defectScores.length + " defective");
        }
        int n = defectScores.length;
        double best = upperBound(0, n);
        if (best > targetEscape) {
            int needed = (int) Math.ceil(Math.log(1 - CONFIDENCE) / Math.log(1 - targetEscape));
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%d defective samples cannot show an escape rate of %.4g at %.0f%% confidence (even with no escape the bound is"
                            + " %.4g); that needs at least %d defective samples", n, targetEscape, 100 * CONFIDENCE, best, needed));
        }
        float[] d = defectScores.clone();
        Arrays.sort(d);
        float[] g = goodScores.clone();
        Arrays.sort(g);
        // The highest threshold whose escapes (defects below it) stay within the target: allowed escapes k = floor(target * n).
        int allowed = (int) Math.floor(targetEscape * n + 1e-9);
        float threshold = d[Math.min(allowed, n - 1)];
        if (allowed >= n) threshold = Math.nextUp(d[n - 1]);
        int escapes = 0;
        for (float s : d) if (s < threshold) escapes++;
        int falseRejects = 0;
        for (float s : g) if (s >= threshold) falseRejects++;
        return new OperatingPoint(threshold, (double) escapes / n, upperBound(escapes, n), (double) falseRejects / g.length, n,
                g.length, escapes, falseRejects);
    }

    /**
     * One-sided Clopper-Pearson upper bound at {@link #CONFIDENCE} for {@code k} events in
     * {@code n} trials: the p with P(X <= k | n, p) = 1 - confidence (bisection on the binomial CDF).
     */
    public static double upperBound(int k, int n) {
        if (k >= n) return 1.0;
        double alpha = 1 - CONFIDENCE;
        double lo = (double) k / n;
        double hi = 1.0;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (binomialCdf(k, n, mid) > alpha) lo = mid;
            else hi = mid;
        }
        return hi;
    }

    static double binomialCdf(int k, int n, double p) {
        double sum = 0;
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        for (int i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + i * logP + (n - i) * logQ);
        return Math.min(1, sum);
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
        return s;
    }
}
