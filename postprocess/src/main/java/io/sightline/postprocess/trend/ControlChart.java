package io.sightline.postprocess.trend;

import java.util.Arrays;

/**
 * What the classical charts share: per-line state in arrays, score validation, the baseline
 * (phase I: the line's first {@code baselineParts} valid parts give the in-control mean and
 * standard deviation of the defect score and the in-control reject rate), and raising and
 * clearing alarms with hysteresis.
 *
 * <p>Each chart has one <i>sensitivity</i> parameter (EWMA's L, CUSUM's h, the p-chart's sigma
 * multiple) so that {@link ThresholdMatching} can set every chart to the same in-control
 * false-alarm rate.
 */
public abstract class ControlChart implements TrendTracker {
    /** Smallest standard deviation used, so a perfectly flat baseline cannot divide by zero. */
    static final double MIN_STD = 1e-3;
    /** Smallest in-control reject rate used by rate-based charts. */
    static final double MIN_RATE = 1e-3;

    protected final int lines;
    protected final int baselineParts;
    protected double sensitivity;
    private final long[] baselineSeen;
    private final double[] baselineSum;
    private final double[] baselineSumSquares;
    private final long[] baselineRejects;
    protected final double[] mean;
    protected final double[] std;
    protected final double[] rejectRate;
    private final boolean[] ready;
    private final boolean[] alarmed;
    private final long[] invalid;
    private Listener listener = Listener.NONE;

    protected ControlChart(int lines, int baselineParts, double sensitivity) {
        if (lines < 1) throw new IllegalArgumentException("a trend tracker needs at least 1 line, got " + lines);
        if (baselineParts < 10) {
            throw new IllegalArgumentException("the baseline needs at least 10 parts per line, got " + baselineParts);
        }
        if (!(sensitivity > 0) || !Double.isFinite(sensitivity)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " sensitivity must be a positive number, got " + sensitivity);
        }
        this.lines = lines;
        this.baselineParts = baselineParts;
        this.sensitivity = sensitivity;
        this.baselineSeen = new long[lines];
        this.baselineSum = new double[lines];
        this.baselineSumSquares = new double[lines];
        this.baselineRejects = new long[lines];
        this.mean = new double[lines];
        this.std = new double[lines];
        this.rejectRate = new double[lines];
        this.ready = new boolean[lines];
        this.alarmed = new boolean[lines];
        this.invalid = new long[lines];
    }

    @Override
    public double sensitivity() {
        return sensitivity;
    }

    @Override
    public void setSensitivity(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name() + " sensitivity must be a positive number, got " + value);
        }
        this.sensitivity = value;
    }

    @Override
    public final int lines() {
        return lines;
    }

    @Override
    public final void update(int line, long partIndex, long timeNanos, float defectScore, boolean rejected) {
        if (!(defectScore >= 0f && defectScore <= 1f)) { // NaN fails both comparisons
            invalid[line]++;
            return;
        }
        if (!ready[line]) {
            baselineSeen[line]++;
            baselineSum[line] += defectScore;
            baselineSumSquares[line] += (double) defectScore * defectScore;
            if (rejected) baselineRejects[line]++;
            if (baselineSeen[line] == baselineParts) {
                double n = baselineParts;
                mean[line] = baselineSum[line] / n;
                std[line] = Math.max(MIN_STD, Math.sqrt(Math.max(0, baselineSumSquares[line] / n - mean[line] * mean[line])));
                rejectRate[line] = Math.max(MIN_RATE, baselineRejects[line] / n);
                ready[line] = true;
                startLine(line);
            }
            return;
        }
        int signal = observe(line, defectScore, rejected);
        if (!alarmed[line] && signal > 0) {
            alarmed[line] = true;
            listener.onAlarm(new TrendAlarm(line, name(), timeNanos, partIndex, statistic(line), limit(line), true, rule(signal)));
        } else if (alarmed[line] && signal < 0) {
            alarmed[line] = false;
            listener.onAlarm(new TrendAlarm(line, name(), timeNanos, partIndex, statistic(line), limit(line), false,
                    "back below the clear level"));
        }
    }

    /** The baseline of {@code line} is known: reset the chart's statistic. */
    protected abstract void startLine(int line);

    /**
     * Takes one valid part after the baseline.
     *
     * @return a positive rule number when the chart signals out of control, a negative number when
     *     it is back below its clear level, 0 otherwise
     */
    protected abstract int observe(int line, float defectScore, boolean rejected);

    /** Text for a positive rule number. */
    protected String rule(int signal) {
        return "statistic above the upper control limit";
    }

    protected final boolean ready(int line) {
        return ready[line];
    }

    @Override
    public final boolean alarmed(int line) {
        return alarmed[line];
    }

    @Override
    public final long invalidScores(int line) {
        return invalid[line];
    }

    @Override
    public final void setListener(Listener listener) {
        this.listener = listener == null ? Listener.NONE : listener;
    }

    @Override
    public final void restartLine(int line) {
        alarmed[line] = false;
        if (ready[line]) startLine(line);
    }

    @Override
    public void reset() {
        Arrays.fill(baselineSeen, 0);
        Arrays.fill(baselineSum, 0);
        Arrays.fill(baselineSumSquares, 0);
        Arrays.fill(baselineRejects, 0);
        Arrays.fill(ready, false);
        Arrays.fill(alarmed, false);
        Arrays.fill(invalid, 0);
    }
}
