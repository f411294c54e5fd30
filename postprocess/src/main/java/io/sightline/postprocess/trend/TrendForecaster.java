package io.sightline.postprocess.trend;

/**
 * A model that reads each line's window features and forecasts where the line is heading; the
 * LSTM package (inference) behind {@link LstmTrendTracker}. One call advances many lines at once.
 */
public interface TrendForecaster {
    /** Features per window it reads. */
    int features();

    /** State floats it keeps per line. */
    int stateSize();

    /**
     * Advances {@code n} lines by one window each: {@code x} has n rows of {@link #features()},
     * {@code h} and {@code c} n rows of {@link #stateSize()} (read and updated in place), and
     * {@code forecast} receives one value per line.
     */
    void step(int n, float[] x, float[] h, float[] c, float[] forecast);

    /**
     * The interval around its forecasts: a model package's calibrated one; by default only the
     * baseline's uncertainty (no model error, uncalibrated) over {@code 500} parts at 90 %.
     */
    default ForecastInterval interval() {
        return new ForecastInterval(ForecastInterval.DEFAULT_LEVEL, 0, 1, 500);
    }
}
