package io.sightline.postprocess.trend;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The interval around the LSTM's reject-rate forecast, and how it is calibrated.
 *
 * <pre>
 *   forecast r = p0 e^f   (p0: the line's in-control rate from its baseline, f: the LSTM's log ratio)
 *   log-scale spread  s = scale * sqrt(modelLogSd^2 + (1 - p0) / max(baseline rejects, 0.5))
 *                                       the model's own error   the baseline's: few rejects, wide
 *   interval  [r e^(-z s), min(1, r e^(z s))],  z the standard normal quantile of (1 + level) / 2
 * </pre>
 *
 * A short baseline (few rejects seen) widens the interval, so an alarm on the interval's lower end
 * does not fire on a rate that was only poorly known. {@code scale} is set by {@link #calibrate} so
 * that on lines in control (seeded {@link TrendScenarios}, all base rates) the interval holds the
 * true coming rate at the stated level; on a drifting line it is the model's error on in-control
 * lines, not a promise about how fast a drift may turn.
 *
 * @param level the interval's level, e.g. 0.9
 * @param modelLogSd the forecast's error spread on the log scale (the root of its validation loss)
 * @param scale the calibrated factor (1: uncalibrated)
 * @param horizonParts parts ahead the forecast covers
 */
public record ForecastInterval(double level, double modelLogSd, double scale, int horizonParts) {
    public ForecastInterval {
        if (!(level > 0 && level < 1) || !(modelLogSd >= 0) || !(scale > 0) || horizonParts < 1) {
            throw new IllegalArgumentException("forecast interval needs level in (0, 1), modelLogSd >= 0, scale > 0 and a horizon,"
                    + " got " + level + ", " + modelLogSd + ", " + scale + ", " + horizonParts);
        }
    }

    /** The level {@link #calibrate} is asked for unless told otherwise. */
    public static final double DEFAULT_LEVEL = 0.9;

    /** z for this level: the standard normal quantile of (1 + level) / 2. */
    public double z() {
        return normalQuantile((1 + level) / 2);
    }

    /** The unscaled log-scale spread of a line whose baseline had {@code baselineRejects} rejects at rate {@code p0}. */
    public double rawLogSd(double p0, long baselineRejects) {
        return Math.sqrt(modelLogSd * modelLogSd + (1 - p0) / Math.max(baselineRejects, 0.5));
    }

    /** The half-width of the interval on the log scale. */
    public double halfWidth(double p0, long baselineRejects) {
        return z() * scale * rawLogSd(p0, baselineRejects);
    }

    /** As stored in a trend model's model.json under "interval". */
    public Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("level", level);
        m.put("modelLogSd", modelLogSd);
        m.put("scale", scale);
        m.put("horizonParts", horizonParts);
        m.put("calibration", "scale: the interval holds the true coming rate at this level on seeded in-control lines");
        return m;
    }

    /**
     * Reads {@link #describe}'s map.
     *
     * @throws IllegalArgumentException naming the field that is missing or not a number
     */
    public static ForecastInterval fromDescription(Object interval, String where) {
        if (!(interval instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + ": \"interval\" must be an object");
        double[] v = new double[4];
        String[] keys = {"level", "modelLogSd", "scale", "horizonParts"};
        for (int i = 0; i < keys.length; i++) {
            if (!(m.get(keys[i]) instanceof Number n)) {
                throw new IllegalArgumentException(where + ": interval." + keys[i] + " must be a number, found " + m.get(keys[i]));
            }
            v[i] = n.doubleValue();
        }
        return new ForecastInterval(v[0], v[1], v[2], (int) v[3]);
    }

    /**
     * Sets the scale so that, on {@code streams} seeded in-control lines (base rates as
     * {@link TrendScenarios#BASE_RATES}), the interval of every forecast after the baseline holds
     * the line's true rate at {@code level}.
     *
     * @param windows windows per stream after the baseline
     */
    public static ForecastInterval calibrate(TrendForecaster model, int window, int baseline, int horizonParts, double level,
                                             double modelLogSd, long seed, int streams, int windows) {
        ForecastInterval raw = new ForecastInterval(level, modelLogSd, 1, horizonParts);
        List<TrendScenarios.Scenario> lines = TrendScenarios.suite(TrendScenarios.Kind.IN_CONTROL, seed, streams, 0,
                baseline + windows * window);
        double[] standardised = new double[streams * windows];
        int n = 0;
        LstmTrendTracker tracker = new LstmTrendTracker(model, streams, window, baseline, TrendLimit.multiple(1e6), raw);
        int length = lines.get(0).length();
        long steps = 0;
        for (int t = 0; t < length; t++) {
            for (int line = 0; line < streams; line++) {
                TrendScenarios.Scenario s = lines.get(line);
                tracker.update(line, t, t, s.scores()[t], s.rejected()[t]);
            }
            if (tracker.steps() == steps) continue;
            steps = tracker.steps();
            for (int line = 0; line < streams; line++) {
                double sd = tracker.forecastLogSd(line);
                double error = Math.log(tracker.lstmRate(line) / lines.get(line).baseRate());
                if (Double.isFinite(error) && n < standardised.length) standardised[n++] = Math.abs(error) / sd;
            }
        }
        if (n == 0) throw new IllegalStateException("no forecasts to calibrate the interval on");
        double[] sorted = Arrays.copyOf(standardised, n);
        Arrays.sort(sorted);
        double q = sorted[Math.min(n - 1, (int) Math.ceil(level * n) - 1)];
        return new ForecastInterval(level, modelLogSd, Math.max(1e-3, q / raw.z()), horizonParts);
    }

    /** The standard normal quantile (bisection on the CDF; |error| below 1e-7). */
    static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        double lo = -10;
        double hi = 10;
        for (int i = 0; i < 80; i++) {
            double mid = (lo + hi) / 2;
            if (normalCdf(mid) < p) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** Phi(x), from erfc with Numerical Recipes' Chebyshev fit (relative error below 1.2e-7). */
    static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.0f %% interval (model log sd %.3f, scale %.3f, next %d parts)", level * 100, modelLogSd,
                scale, horizonParts);
    }
}
