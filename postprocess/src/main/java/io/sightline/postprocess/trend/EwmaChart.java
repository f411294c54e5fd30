package io.sightline.postprocess.trend;

import java.util.Arrays;

/**
 * EWMA chart of the defect score, upper side (a line gets worse, not better):
 *
 * <pre>
 *   z_t = lambda * x_t + (1 - lambda) * z_{t-1},   z_0 = mu0
 *   UCL = mu0 + L * sigma0 * sqrt(lambda / (2 - lambda))      (the asymptotic limit)
 *   raised when z_t > UCL; cleared when z_t < mu0 + (UCL - mu0) / 2
 * </pre>
 *
 * {@code mu0} and {@code sigma0} come from the line's baseline. The sensitivity is L.
 */
public final class EwmaChart extends ControlChart {
    public static final double DEFAULT_LAMBDA = 0.1;
    public static final double DEFAULT_L = 3.0;

    private final double lambda;
    private final double[] z;

    public EwmaChart(int lines, int baselineParts, double lambda, double l) {
        super(lines, baselineParts, l);
        if (!(lambda > 0 && lambda <= 1)) throw new IllegalArgumentException("EWMA lambda must be in (0, 1], got " + lambda);
        this.lambda = lambda;
        this.z = new double[lines];
        Arrays.fill(z, Double.NaN);
    }

    @Override
    public String name() {
        return "ewma";
    }

    @Override
    protected void startLine(int line) {
        z[line] = mean[line];
    }

    @Override
    protected int observe(int line, float x, boolean rejected) {
        z[line] = lambda * x + (1 - lambda) * z[line];
        double ucl = limit(line);
        if (z[line] > ucl) return 1;
        if (z[line] < mean[line] + (ucl - mean[line]) / 2) return -1;
        return 0;
    }

    @Override
    public double statistic(int line) {
        return ready(line) ? z[line] : Double.NaN;
    }

    @Override
    public double limit(int line) {
        return ready(line) ? mean[line] + sensitivity * std[line] * Math.sqrt(lambda / (2 - lambda)) : Double.NaN;
    }

    @Override
    public void reset() {
        super.reset();
        Arrays.fill(z, Double.NaN);
    }
}
