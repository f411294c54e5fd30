package io.sightline.postprocess.trend;

import java.util.Arrays;

/**
 * Each line's forecast of its reject rate as an online combination of three forecasters, weighted
 * by how well each has forecast this line's own parts so far: the LSTM (which knows drifts), an
 * EWMA of the reject indicator and the expanding mean (which know a steady or slowly wandering
 * line). A shipped LSTM has only seen the generator it was trained on; a real line's stream may
 * wander in ways it has not, and there the blend leans on the charts' rates until the LSTM earns
 * its weight back.
 *
 * <pre>
 *   before part t:  e_k(t) = each forecaster's rate  (k = lstm, ewma, mean; lstm missing: skipped)
 *                   blend(t) = sum_k w_k e_k(t)
 *   after part t+F-1 (F = {@value #FEEDBACK_PARTS} parts later):
 *                   y = 1 when a part of t .. t+F-1 was rejected, else 0
 *                   L_k = g L_k + (1 - (1 - e_k(t))^F - y)^2,  D = g D + 1   (g = 1 - 1/{@value #MEMORY_FEEDBACKS}F)
 *   weights:        w_k ~ exp(-(L_k - L_min) / L_min * D / F)
 * </pre>
 *
 * Each forecaster is scored by the Brier score of the probability its rate gives to a reject among
 * the next F parts (what {@code eval-trend --history} scores at its default horizon): a proper score, so
 * the outcome's own noise adds the same to every forecaster's loss and the ranking is unbiased;
 * dividing by F counts overlapping windows as the independent ones they are not. Weights start
 * equal. No allocation per part: fixed arrays per line.
 */
public final class ForecastBlend {
    /** Parts a forecast is judged over. */
    public static final int FEEDBACK_PARTS = 50;
    /** The losses' memory, in feedback windows. */
    static final int MEMORY_FEEDBACKS = 40;
    /** Forecasters: the LSTM, the EWMA of the reject indicator, the expanding mean. */
    public static final int LSTM = 0;
    public static final int EWMA = 1;
    public static final int MEAN = 2;
    private static final int K = 3;

    private final int lines;
    private final double lambda;
    private final double discount = 1 - 1.0 / (MEMORY_FEEDBACKS * FEEDBACK_PARTS);
    /** Per line and slot (part index mod F): the forecasts made before that part (NaN: none). */
    private final double[] made;
    /** Per line and slot: whether that part was rejected. */
    private final boolean[] rejectedAt;
    private final int[] rejectsInWindow;
    private final long[] parts;
    private final long[] rejects;
    private final double[] ewma;
    private final double[] ewmaWeight;
    private final double[] loss;
    private final double[] judged;
    private final double[] weight;

    /** @param ewmaLambda the EWMA forecaster's weight per part */
    public ForecastBlend(int lines, double ewmaLambda) {
        if (lines < 1 || !(ewmaLambda > 0 && ewmaLambda <= 1)) {
            throw new IllegalArgumentException("forecast blend: expected lines >= 1 and an EWMA weight in (0, 1], got " + lines + ", " + ewmaLambda);
        }
        this.lines = lines;
        this.lambda = ewmaLambda;
        this.made = new double[lines * FEEDBACK_PARTS * K];
        this.rejectedAt = new boolean[lines * FEEDBACK_PARTS];
        this.rejectsInWindow = new int[lines];
        this.parts = new long[lines];
        this.rejects = new long[lines];
        this.ewma = new double[lines];
        this.ewmaWeight = new double[lines];
        this.loss = new double[lines * K];
        this.judged = new double[lines * K];
        this.weight = new double[lines * K];
        reset();
    }

    /**
     * One part of the line: the LSTM's current rate forecast (NaN: none yet) is recorded with the
     * others as made before this part, then the part is counted.
     */
    public void add(int line, double lstmRate, boolean rejected) {
        long t = parts[line];
        int slot = (int) (t % FEEDBACK_PARTS);
        int base = (line * FEEDBACK_PARTS + slot) * K;
        if (t >= FEEDBACK_PARTS) {
            // the slot's part t-F leaves the window; its forecasts are judged on parts t-F .. t-1
            judge(line, base, rejectsInWindow[line] > 0 ? 1 : 0);
            if (rejectedAt[line * FEEDBACK_PARTS + slot]) rejectsInWindow[line]--;
        }
        made[base + LSTM] = Double.isFinite(lstmRate) ? lstmRate : Double.NaN;
        made[base + EWMA] = t == 0 ? Double.NaN : ewma[line] / ewmaWeight[line];
        made[base + MEAN] = t == 0 ? Double.NaN : (double) rejects[line] / t;
        rejectedAt[line * FEEDBACK_PARTS + slot] = rejected;
        if (rejected) {
            rejectsInWindow[line]++;
            rejects[line]++;
        }
        double x = rejected ? 1 : 0;
        ewma[line] = lambda * x + (1 - lambda) * ewma[line];
        ewmaWeight[line] = lambda + (1 - lambda) * ewmaWeight[line];
        parts[line] = t + 1;
    }

    /** Scores the forecasts in {@code base} against {@code y}: 1 when a part of their window was rejected. */
    private void judge(int line, int base, double y) {
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            double e = made[base + k];
            int i = line * K + k;
            if (Double.isNaN(e)) continue;
            double p = StreamReplay.atLeastOne(e, FEEDBACK_PARTS) - y;
            loss[i] = discount * loss[i] + p * p;
            judged[i] = discount * judged[i] + 1;
        }
        for (int k = 0; k < K; k++) {
            int i = line * K + k;
            if (judged[i] > 0) best = Math.min(best, loss[i] / judged[i]);
        }
        double sum = 0;
        for (int k = 0; k < K; k++) {
            int i = line * K + k;
            if (judged[i] <= 0 || !(best > 0)) {
                weight[i] = 1;
            } else {
                double mean = loss[i] / judged[i];
                weight[i] = Math.exp(-(mean - best) / best * judged[i] / FEEDBACK_PARTS);
            }
            sum += weight[i];
        }
        for (int k = 0; k < K; k++) weight[line * K + k] /= sum;
    }

    /**
     * The blended rate forecast for the line's coming parts, from what the forecasters say now
     * ({@code lstmRate}: the LSTM's current rate, NaN when it has none); NaN before the line's first part.
     */
    public double rate(int line, double lstmRate) {
        long t = parts[line];
        if (t == 0) return Double.NaN;
        double sum = 0;
        double w = 0;
        for (int k = 0; k < K; k++) {
            double e = k == LSTM ? lstmRate : k == EWMA ? ewma[line] / ewmaWeight[line] : (double) rejects[line] / t;
            if (!Double.isFinite(e)) continue;
            sum += weight[line * K + k] * e;
            w += weight[line * K + k];
        }
        return w > 0 ? sum / w : Double.NaN;
    }

    /** The forecaster's weight on the line now ({@link #LSTM}, {@link #EWMA}, {@link #MEAN}). */
    public double weight(int line, int forecaster) {
        return weight[line * K + forecaster];
    }

    public int lines() {
        return lines;
    }

    /** Forgets the line's parts and the forecasters' record on it. */
    public void resetLine(int line) {
        Arrays.fill(made, line * FEEDBACK_PARTS * K, (line + 1) * FEEDBACK_PARTS * K, Double.NaN);
        Arrays.fill(rejectedAt, line * FEEDBACK_PARTS, (line + 1) * FEEDBACK_PARTS, false);
        rejectsInWindow[line] = 0;
        parts[line] = 0;
        rejects[line] = 0;
        ewma[line] = 0;
        ewmaWeight[line] = 0;
        for (int k = 0; k < K; k++) {
            loss[line * K + k] = 0;
            judged[line * K + k] = 0;
            weight[line * K + k] = 1.0 / K;
        }
    }

    public void reset() {
        for (int line = 0; line < lines; line++) resetLine(line);
    }
}
