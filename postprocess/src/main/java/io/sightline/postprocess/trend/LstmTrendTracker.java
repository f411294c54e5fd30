package io.sightline.postprocess.trend;

import java.util.Arrays;

/**
 * The LSTM trend tracker, a calibrated forecaster: every line's parts become window features
 * ({@link WindowFeatures}); each time windows complete, the lines that completed one advance
 * together in one batched {@link TrendForecaster#step} (one session run, whatever the number of
 * lines). Each step gives the line's expected reject rate over the next
 * {@link ForecastInterval#horizonParts()} parts with its interval ({@link ForecastInterval}); the
 * line alarms when the interval's lower end is above its limit ({@link TrendLimit}: a rate, or a
 * multiple of the line's in-control rate), and clears when the expected rate is back below it.
 *
 * <pre>
 *   update(line, ...) --WindowFeatures--> window complete? --> pending[line] = features
 *   all lines pending, or a pending line completes another window --> flush():
 *        one step for the pending lines (their rows gathered, state scattered back)
 *        --> rate = p0 e^f, [lower, upper] --> lower > limit: raised; rate < limit: cleared
 * </pre>
 *
 * {@link #statistic} is the expected rate and {@link #limit} the limit as a rate. The sensitivity
 * (the limit's value) is what {@link TrendEvaluation} matches to the other charts' in-control
 * false-alarm rate.
 */
public final class LstmTrendTracker implements TrendTracker {
    private final TrendForecaster model;
    private final int lines;
    private final WindowFeatures features;
    private final int f;
    private final int s;
    private final float[] h;
    private final float[] c;
    private final float[] pendingX;
    private final boolean[] pending;
    private final long[] pendingPart;
    private final long[] pendingTime;
    private final float[] forecast;
    private final boolean[] alarmed;
    private final long[] invalid;
    private final int[] batchLines;
    private final float[] batchX;
    private final float[] batchH;
    private final float[] batchC;
    private final float[] batchY;
    private final ForecastInterval interval;
    private final double[] rate;
    private final double[] lower;
    private final double[] upper;
    private final double[] logSd;
    private final ForecastBlend blend;
    private int pendingCount;
    private TrendLimit limit;
    private Listener listener = Listener.NONE;
    private long steps;

    /** With the limit a multiple of each line's in-control rate and the model's own interval. */
    public LstmTrendTracker(TrendForecaster model, int lines, int window, int baselineParts, double limitMultiple) {
        this(model, lines, window, baselineParts, TrendLimit.multiple(limitMultiple), model.interval());
    }

    public LstmTrendTracker(TrendForecaster model, int lines, int window, int baselineParts, TrendLimit limit) {
        this(model, lines, window, baselineParts, limit, model.interval());
    }

    public LstmTrendTracker(TrendForecaster model, int lines, int window, int baselineParts, TrendLimit limit,
                            ForecastInterval interval) {
        if (model.features() != WindowFeatures.FEATURES) {
            throw new IllegalArgumentException("the trend model reads " + model.features() + " features per window, "
                    + "the tracker makes " + WindowFeatures.FEATURES + " (" + String.join(", ", WindowFeatures.NAMES) + "): a package for "
                    + "another version of the tracker; train it again with train-trend");
        }
        this.model = model;
        this.lines = lines;
        this.features = new WindowFeatures(lines, window, baselineParts);
        this.f = model.features();
        this.s = model.stateSize();
        this.h = new float[lines * s];
        this.c = new float[lines * s];
        this.pendingX = new float[lines * f];
        this.pending = new boolean[lines];
        this.pendingPart = new long[lines];
        this.pendingTime = new long[lines];
        this.forecast = new float[lines];
        Arrays.fill(forecast, Float.NaN);
        this.alarmed = new boolean[lines];
        this.invalid = new long[lines];
        this.batchLines = new int[lines];
        this.batchX = new float[lines * f];
        this.batchH = new float[lines * s];
        this.batchC = new float[lines * s];
        this.batchY = new float[lines];
        this.interval = interval;
        this.rate = new double[lines];
        this.lower = new double[lines];
        this.upper = new double[lines];
        this.logSd = new double[lines];
        this.blend = new ForecastBlend(lines, 0.1 / ForecastBlend.FEEDBACK_PARTS);
        clearForecasts();
        this.limit = limit;
    }

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public int lines() {
        return lines;
    }

    /** The limit's value: its rate, or its multiple of the in-control rate. */
    @Override
    public double sensitivity() {
        return limit.value();
    }

    /** Sets the limit's value, keeping its kind (rate or multiple). */
    @Override
    public void setSensitivity(double value) {
        this.limit = limit.withValue(value);
    }

    public TrendLimit trendLimit() {
        return limit;
    }

    public ForecastInterval interval() {
        return interval;
    }

    @Override
    public void update(int line, long partIndex, long timeNanos, float defectScore, boolean rejected) {
        blend.add(line, rate[line], rejected); // every part counts there, a fail-safe one without a score too
        if (!(defectScore >= 0f && defectScore <= 1f)) {
            invalid[line]++;
            return;
        }
        if (pending[line] && features.wouldComplete(line)) flush();
        if (features.add(line, defectScore, rejected, pendingX, line * f)) {
            pending[line] = true;
            pendingPart[line] = partIndex;
            pendingTime[line] = timeNanos;
            if (++pendingCount == lines) flush();
        }
    }

    /** Advances every line with a completed window in one batched step. */
    public void flush() {
        int n = 0;
        for (int line = 0; line < lines; line++) {
            if (!pending[line]) continue;
            batchLines[n] = line;
            System.arraycopy(pendingX, line * f, batchX, n * f, f);
            System.arraycopy(h, line * s, batchH, n * s, s);
            System.arraycopy(c, line * s, batchC, n * s, s);
            n++;
        }
        if (n == 0) return;
        model.step(n, batchX, batchH, batchC, batchY);
        steps++;
        for (int i = 0; i < n; i++) {
            int line = batchLines[i];
            System.arraycopy(batchH, i * s, h, line * s, s);
            System.arraycopy(batchC, i * s, c, line * s, s);
            forecast[line] = batchY[i];
            pending[line] = false;
            double p0 = features.baseRate(line);
            double sd = interval.scale() * interval.rawLogSd(p0, features.baselineRejects(line));
            double half = interval.z() * sd;
            rate[line] = Math.min(1, p0 * Math.exp(forecast[line]));
            lower[line] = rate[line] * Math.exp(-half);
            upper[line] = Math.min(1, rate[line] * Math.exp(half));
            logSd[line] = sd;
        }
        pendingCount = 0;
        for (int i = 0; i < n; i++) {
            int line = batchLines[i];
            double limitRate = limit(line);
            if (!alarmed[line] && lower[line] > limitRate) {
                alarmed[line] = true;
                listener.onAlarm(new TrendAlarm(line, name(), pendingTime[line], pendingPart[line], lower[line], limitRate, true,
                        "forecast reject rate above the limit: the interval's lower end", forecastOf(line)));
            } else if (alarmed[line] && rate[line] < limitRate) {
                alarmed[line] = false;
                listener.onAlarm(new TrendAlarm(line, name(), pendingTime[line], pendingPart[line], rate[line], limitRate, false,
                        "forecast reject rate back below the limit", forecastOf(line)));
            }
        }
    }

    private TrendAlarm.Forecast forecastOf(int line) {
        return new TrendAlarm.Forecast(forecastRate(line), forecastLower(line), forecastUpper(line), interval.level(), interval.horizonParts(),
                limit(line));
    }

    /**
     * The line's expected reject rate over the coming parts, as published (NaN before its first
     * forecast): the LSTM's rate combined with the line's EWMA and mean rates by how well each has
     * forecast this line ({@link ForecastBlend}). The published interval is the LSTM's, widened to
     * hold this rate where the blend lies outside it. The alarm is the LSTM's own (its interval's
     * lower end against the limit), as matched on the synthetic drifts.
     */
    public double forecastRate(int line) {
        double r = rate[line];
        if (Double.isNaN(r)) return Double.NaN;
        double b = blend.rate(line, r);
        return Double.isNaN(b) ? r : b;
    }

    /** The LSTM's own expected rate over the next {@link ForecastInterval#horizonParts()} parts, the interval's centre (NaN before the first). */
    public double lstmRate(int line) {
        return rate[line];
    }

    /** The LSTM's weight in the line's published forecast now (see {@link ForecastBlend}). */
    public double lstmWeight(int line) {
        return blend.weight(line, ForecastBlend.LSTM);
    }

    /** The lower end of the published rate's interval (NaN before the first forecast). */
    public double forecastLower(int line) {
        return Math.min(lower[line], forecastRate(line));
    }

    /** The upper end of the published rate's interval (NaN before the first forecast). */
    public double forecastUpper(int line) {
        return Math.max(upper[line], forecastRate(line));
    }

    /** The interval's spread on the log scale, before z (NaN before the first forecast). */
    public double forecastLogSd(int line) {
        return logSd[line];
    }

    private void clearForecasts() {
        Arrays.fill(rate, Double.NaN);
        Arrays.fill(lower, Double.NaN);
        Arrays.fill(upper, Double.NaN);
        Arrays.fill(logSd, Double.NaN);
    }

    /** Batched steps run so far. */
    public long steps() {
        return steps;
    }

    @Override
    public boolean alarmed(int line) {
        return alarmed[line];
    }

    @Override
    public long invalidScores(int line) {
        return invalid[line];
    }

    /** The line's expected reject rate, as {@link #forecastRate} (NaN before its first window after the baseline). */
    @Override
    public double statistic(int line) {
        return forecastRate(line);
    }

    /** The LSTM's raw output for the line: ln of its expected rate over its in-control rate (NaN before the first). */
    public double logRatio(int line) {
        return forecast[line];
    }

    /**
     * The line's in-control reject rate its forecast is relative to (the rate is this times
     * e^forecast); NaN while the baseline is still being learnt.
     */
    public double baseRate(int line) {
        return features.ready(line) ? features.baseRate(line) : Double.NaN;
    }

    /** The line's limit as a rate (NaN while a relative limit's baseline is still being learnt). */
    @Override
    public double limit(int line) {
        if (!limit.relative()) return limit.value();
        return features.ready(line) ? limit.rate(features.baseRate(line)) : Double.NaN;
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener == null ? Listener.NONE : listener;
    }

    /**
     * Lowers the alarm and starts the line's memory afresh (zero state, a new window), as a
     * chart's statistic starts afresh; the baseline is kept.
     */
    @Override
    public void restartLine(int line) {
        alarmed[line] = false;
        Arrays.fill(h, line * s, (line + 1) * s, 0f);
        Arrays.fill(c, line * s, (line + 1) * s, 0f);
        forecast[line] = Float.NaN;
        rate[line] = Double.NaN;
        lower[line] = Double.NaN;
        upper[line] = Double.NaN;
        logSd[line] = Double.NaN;
        if (pending[line]) {
            pending[line] = false;
            pendingCount--;
        }
        features.restartLine(line);
    }

    @Override
    public void reset() {
        features.reset();
        Arrays.fill(h, 0);
        Arrays.fill(c, 0);
        Arrays.fill(pending, false);
        Arrays.fill(forecast, Float.NaN);
        clearForecasts();
        Arrays.fill(alarmed, false);
        Arrays.fill(invalid, 0);
        blend.reset();
        pendingCount = 0;
    }
}
