package io.sightline.postprocess.trend;

import java.util.Locale;

/**
 * A line's reject-rate limit for the LSTM forecaster ({@code trend.limit}): an absolute rate
 * ({@code 0.05}: 5 % of the coming parts) or a multiple of the line's in-control rate learnt from
 * its baseline ({@code 3x}).
 *
 * @param value the rate (absolute) or the multiple (relative), above 0
 * @param relative true for a multiple of the in-control rate
 */
public record TrendLimit(double value, boolean relative) {
    public TrendLimit {
        if (!(value > 0) || !Double.isFinite(value) || (!relative && value >= 1)) {
            throw new IllegalArgumentException("trend limit must be " + (relative ? "a multiple above 0" : "a rate in (0, 1)")
                    + ", got " + value);
        }
    }

    public static TrendLimit absolute(double rate) {
        return new TrendLimit(rate, false);
    }

    public static TrendLimit multiple(double factor) {
        return new TrendLimit(factor, true);
    }

    /**
     * Reads {@code 0.05} (a rate in (0, 1)) or {@code 3x} (a multiple of the in-control rate).
     *
     * @param key what names the value in a message ({@code trend.limit})
     * @throws IllegalArgumentException naming the key, the text and what was expected
     */
    public static TrendLimit parse(String key, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        boolean relative = t.endsWith("x");
        String number = relative ? t.substring(0, t.length() - 1).trim() : t;
        double v;
        try {
            v = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || !Double.isFinite(v) || (!relative && v >= 1)) {
            throw new IllegalArgumentException(key + ": expected a reject rate in (0, 1) such as 0.05, or a multiple of the line's"
                    + " in-control rate such as 3x, got '" + text + "'");
        }
        return new TrendLimit(v, relative);
    }

    /** The limit as a rate, for a line whose in-control rate is {@code baseRate}. */
    public double rate(double baseRate) {
        return relative ? value * baseRate : value;
    }

    public TrendLimit withValue(double v) {
        return new TrendLimit(v, relative);
    }

    @Override
    public String toString() {
        return relative ? String.format(Locale.ROOT, "%.4gx", value) : String.format(Locale.ROOT, "%.4g", value);
    }
}
