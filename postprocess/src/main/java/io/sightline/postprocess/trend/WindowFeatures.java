package io.sightline.postprocess.trend;

import java.util.Arrays;

/**
 * The LSTM's view of a line: its parts in windows of {@code window}, each summarised against the
 * line's own baseline (its first {@code baselineParts} valid parts), so lines with different
 * in-control rates look alike to the model.
 *
 * <pre>
 *   baseline: p0 = max(rejects, 0.5) / parts;  mu_g, sigma_g = mean and deviation of good parts' scores
 *   per window of W parts (r = rejects / W, m = mean score of the window's good parts):
 *     f0 = (r - p0) / sqrt(p0 (1 - p0) / W)            standardised reject count, clipped to [-5, 20]
 *     f1 = ln((r + 0.5/W) / (p0 + 0.5/W))              reject rate against the baseline, as a log ratio
 *     f2 = (m - mu_g) / (sigma_g / sqrt(good parts))   good parts looking worse, clipped to [-10, 10]
 *     f3 = ln(p0) / 5                                  the line's in-control level
 *     f4 = (m - mu_g) / (1 - mu_g)                     good parts' way from the baseline to a certain
 *                                                      defect, clipped to [-1, 1] (0 with no good part)
 * </pre>
 *
 * f2 says that good parts moved, in units of their own noise; f4 says how far, in units of the
 * score itself: a score creeping to 0.4 is close to rejects whatever its noise was.
 *
 * Per-line state lives in arrays; {@link #add} allocates nothing.
 */
public final class WindowFeatures {
    public static final int FEATURES = 5;
    public static final String[] NAMES = {"standardised reject count", "log reject ratio", "good-score shift", "log base rate / 5",
        "good-score progress to 1"};

    private final int lines;
    private final int window;
    private final int baselineParts;
    private final long[] baselineSeen;
    private final long[] baselineRejects;
    private final double[] goodSum;
    private final double[] goodSumSquares;
    private final long[] goodCount;
    private final double[] p0;
    private final double[] muGood;
    private final double[] sigmaGood;
    private final boolean[] ready;
    private final int[] inWindow;
    private final int[] windowRejects;
    private final double[] windowGoodSum;
    private final int[] windowGoodCount;

    public WindowFeatures(int lines, int window, int baselineParts) {
        if (window < 1) throw new IllegalArgumentException("trend windows need at least 1 part, got " + window);
        if (baselineParts < window) {
            throw new IllegalArgumentException("the baseline (" + baselineParts + " parts) must hold at least one window of " + window);
        }
        this.lines = lines;
        this.window = window;
        this.baselineParts = baselineParts;
        this.baselineSeen = new long[lines];
        this.baselineRejects = new long[lines];
        this.goodSum = new double[lines];
        this.goodSumSquares = new double[lines];
        this.goodCount = new long[lines];
        this.p0 = new double[lines];
        this.muGood = new double[lines];
        this.sigmaGood = new double[lines];
        this.ready = new boolean[lines];
        this.inWindow = new int[lines];
        this.windowRejects = new int[lines];
        this.windowGoodSum = new double[lines];
        this.windowGoodCount = new int[lines];
    }

    public int window() {
        return window;
    }

    public int baselineParts() {
        return baselineParts;
    }

    public boolean ready(int line) {
        return ready[line];
    }

    /** The line's in-control reject rate (after the baseline). */
    public double baseRate(int line) {
        return p0[line];
    }

    /** Rejects the line's baseline held (how well its in-control rate is known). */
    public long baselineRejects(int line) {
        return baselineRejects[line];
    }

    /** Whether the next part of the line will complete a window. */
    public boolean wouldComplete(int line) {
        return ready[line] && inWindow[line] == window - 1;
    }

    /**
     * Adds one valid part. Returns true when it completed a window after the baseline; the
     * window's features are then in {@code out[offset .. offset + FEATURES)}.
     */
    public boolean add(int line, float score, boolean rejected, float[] out, int offset) {
        if (!ready[line]) {
            baselineSeen[line]++;
            if (rejected) baselineRejects[line]++;
            else {
                goodSum[line] += score;
                goodSumSquares[line] += (double) score * score;
                goodCount[line]++;
            }
            if (baselineSeen[line] == baselineParts) {
                p0[line] = Math.max(baselineRejects[line], 0.5) / baselineParts;
                long g = Math.max(1, goodCount[line]);
                muGood[line] = goodSum[line] / g;
                sigmaGood[line] = Math.max(1e-3, Math.sqrt(Math.max(0, goodSumSquares[line] / g - muGood[line] * muGood[line])));
                ready[line] = true;
            }
            return false;
        }
        if (rejected) windowRejects[line]++;
        else {
            windowGoodSum[line] += score;
            windowGoodCount[line]++;
        }
        if (++inWindow[line] < window) return false;
        double r = (double) windowRejects[line] / window;
        double p = p0[line];
        double half = 0.5 / window;
        out[offset] = (float) clip((r - p) / Math.sqrt(p * (1 - p) / window), -5, 20);
        out[offset + 1] = (float) Math.log((r + half) / (p + half));
        int goodN = windowGoodCount[line];
        double m = goodN == 0 ? muGood[line] : windowGoodSum[line] / goodN;
        out[offset + 2] = (float) clip((m - muGood[line]) / (sigmaGood[line] / Math.sqrt(Math.max(1, goodN))), -10, 10);
        out[offset + 3] = (float) (Math.log(p) / 5);
        out[offset + 4] = goodN == 0 ? 0f : (float) clip((m - muGood[line]) / Math.max(1e-3, 1 - muGood[line]), -1, 1);
        inWindow[line] = 0;
        windowRejects[line] = 0;
        windowGoodSum[line] = 0;
        windowGoodCount[line] = 0;
        return true;
    }

    private static double clip(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Forgets the line's windows in progress but keeps its baseline. */
    public void restartLine(int line) {
        inWindow[line] = 0;
        windowRejects[line] = 0;
        windowGoodSum[line] = 0;
        windowGoodCount[line] = 0;
    }

    public void reset() {
        Arrays.fill(baselineSeen, 0);
        Arrays.fill(baselineRejects, 0);
        Arrays.fill(goodSum, 0);
        Arrays.fill(goodSumSquares, 0);
        Arrays.fill(goodCount, 0);
        Arrays.fill(ready, false);
        for (int line = 0; line < lines; line++) restartLine(line);
    }
}
