package io.sightline.postprocess.trend;

import java.util.Arrays;

/**
 * The LSTM trend tracker: every line's parts become window features ({@link WindowFeatures}); each
 * time windows complete, the lines that completed one advance together in one batched
 * {@link TrendForecaster#step} (one session run, whatever the number of lines), and a line alarms
 * when its forecast (the log ratio of its coming reject rate to its in-control rate) is above the
 * limit, clearing below half of it.
 *
 * <pre>
 *   update(line, ...) --WindowFeatures--> window complete? --> pending[line] = features
 *   all lines pending, or a pending line completes another window --> flush():
 *        one step for the pending lines (their rows gathered, state scattered back) --> alarms
 * </pre>
 *
 * The sensitivity (the forecast limit) is what {@link TrendEvaluation} matches to the other
 * charts' in-control false-alarm rate.
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
    private int pendingCount;
    private double limit;
    private Listener listener = Listener.NONE;
    private long steps;

    public LstmTrendTracker(TrendForecaster model, int lines, int window, int baselineParts, double limit) {
        if (model.features() != WindowFeatures.FEATURES) {
            throw new IllegalArgumentException("the trend model reads " + model.features() + " features per window, "
                    + "the tracker makes " + WindowFeatures.FEATURES + " (" + String.join(", ", WindowFeatures.NAMES) + ")");
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
        setSensitivity(limit);
    }

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public int lines() {
        return lines;
    }

    @Override
    public double sensitivity() {
        return limit;
    }

    @Override
    public void setSensitivity(double value) {
        if (!(value > 0) || !Double.isFinite(value)) throw new IllegalArgumentException("LSTM forecast limit must be > 0, got " + value);
        this.limit = value;
    }

    @Override
    public void update(int line, long partIndex, long timeNanos, float defectScore, boolean rejected) {
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
        }
        pendingCount = 0;
        for (int i = 0; i < n; i++) {
            int line = batchLines[i];
            if (!alarmed[line] && forecast[line] > limit) {
                alarmed[line] = true;
                listener.onAlarm(new TrendAlarm(line, name(), pendingTime[line], pendingPart[line], forecast[line], limit, true,
                        "forecast reject rate above the limit (log ratio to the line's in-control rate)"));
            } else if (alarmed[line] && forecast[line] < limit / 2) {
                alarmed[line] = false;
                listener.onAlarm(new TrendAlarm(line, name(), pendingTime[line], pendingPart[line], forecast[line], limit, false,
                        "forecast back below half the limit"));
            }
        }
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

    /** The line's last forecast (NaN before its first window after the baseline). */
    @Override
    public double statistic(int line) {
        return forecast[line];
    }

    /**
     * The line's in-control reject rate its forecast is relative to (the rate is this times
     * e^forecast); NaN while the baseline is still being learnt.
     */
    public double baseRate(int line) {
        return features.ready(line) ? features.baseRate(line) : Double.NaN;
    }

    @Override
    public double limit(int line) {
        return limit;
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
        Arrays.fill(alarmed, false);
        Arrays.fill(invalid, 0);
        pendingCount = 0;
    }
}
