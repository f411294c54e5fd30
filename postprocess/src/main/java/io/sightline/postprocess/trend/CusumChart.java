package io.sightline.postprocess.trend;

/**
 * Tabular CUSUM of the standardised defect score, upper side:
 *
 * <pre>
 *   s_t = max(0, s_{t-1} + (x_t - mu0) / sigma0 - k),   s_0 = 0
 *   raised when s_t > h; cleared when s_t < h / 2
 * </pre>
 *
 * {@code k} (the reference value, in standard deviations) is half the shift the chart is tuned
 * to; the sensitivity is h.
 */
public final class CusumChart extends ControlChart {
    public static final double DEFAULT_K = 0.5;
    public static final double DEFAULT_H = 5.0;

    private final double k;
    private final double[] s;

    public CusumChart(int lines, int baselineParts, double k, double h) {
        super(lines, baselineParts, h);
        if (!(k >= 0) || !Double.isFinite(k)) throw new IllegalArgumentException("CUSUM k must be >= 0, got " + k);
        this.k = k;
        this.s = new double[lines];
    }

    @Override
    public String name() {
        return "cusum";
    }

    @Override
    protected void startLine(int line) {
        s[line] = 0;
    }

    @Override
    protected int observe(int line, float x, boolean rejected) {
        s[line] = Math.max(0, s[line] + (x - mean[line]) / std[line] - k);
        if (s[line] > sensitivity) return 1;
        if (s[line] < sensitivity / 2) return -1;
        return 0;
    }

    @Override
    public double statistic(int line) {
        return ready(line) ? s[line] : Double.NaN;
    }

    @Override
    public double limit(int line) {
        return ready(line) ? sensitivity : Double.NaN;
    }

    @Override
    public void reset() {
        super.reset();
        java.util.Arrays.fill(s, 0);
    }
}
