package io.sightline.postprocess.trend;

/**
 * A trend tracker's alarm on one line, raised or cleared.
 *
 * @param line production line
 * @param detector the tracker's name ("ewma", "cusum", "pchart", "lstm", and per defect class "rate-cusum")
 * @param timeNanos the part's capture time ({@link System#nanoTime()} scale, or the replay's clock)
 * @param partIndex the part's index on its line, counted from 0
 * @param value the statistic or forecast that crossed (the LSTM: its interval's lower end)
 * @param limit the limit it crossed
 * @param raised true when the alarm is raised, false when it clears
 * @param rule what crossed, e.g. "statistic above the upper control limit" or a Western Electric rule
 * @param forecast the LSTM's reject-rate forecast when the alarm was raised or cleared; null for the charts
 * @param defectClass the defect class whose rate rose ({@link ClassRateTracker}); null when the alarm is
 *     about the whole line's reject rate or scores
 */
public record TrendAlarm(int line, String detector, long timeNanos, long partIndex, double value, double limit,
                         boolean raised, String rule, Forecast forecast, String defectClass) {
    /** A chart's alarm on the whole line, with no forecast. */
    public TrendAlarm(int line, String detector, long timeNanos, long partIndex, double value, double limit, boolean raised,
                      String rule) {
        this(line, detector, timeNanos, partIndex, value, limit, raised, rule, null, null);
    }

    /** An alarm on the whole line (no defect class). */
    public TrendAlarm(int line, String detector, long timeNanos, long partIndex, double value, double limit, boolean raised,
                      String rule, Forecast forecast) {
        this(line, detector, timeNanos, partIndex, value, limit, raised, rule, forecast, null);
    }

    /**
     * The reject rate expected over the next {@code horizonParts} parts, with its interval.
     *
     * @param rate the expected rate
     * @param lower the interval's lower end
     * @param upper the interval's upper end
     * @param level the interval's level (0.9: it holds the coming rate 90 % of the time on a line in control)
     * @param horizonParts parts ahead the forecast covers
     * @param limitRate the line's limit as a rate (the alarm: {@code lower > limitRate})
     */
    public record Forecast(double rate, double lower, double upper, double level, int horizonParts, double limitRate) {
        /** As the outputs' trend messages carry it: {@code {"rate", "lower", "upper", "level", "horizonParts", "limit"}}. */
        public String toJson() {
            return String.format(java.util.Locale.ROOT, "{\"rate\":%s,\"lower\":%s,\"upper\":%s,\"level\":%s,\"horizonParts\":%d,\"limit\":%s}",
                    num(rate), num(lower), num(upper), num(level), horizonParts, num(limitRate));
        }

        private static String num(double v) {
            return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.6g", v) : "null";
        }
    }

    /** The forecast as JSON, or {@code null} for a chart's alarm. */
    public String forecastJson() {
        return forecast == null ? "null" : forecast.toJson();
    }

    /** The defect class as a JSON value: a quoted name, or {@code null} for the whole line. */
    public String defectClassJson() {
        if (defectClass == null) return "null";
        StringBuilder b = new StringBuilder(defectClass.length() + 2).append('"');
        for (int i = 0; i < defectClass.length(); i++) {
            char ch = defectClass.charAt(i);
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }

    /** What the alarm is about, for people: "crack rising on line 2", or "line 2" for the whole line. */
    public String subject() {
        return defectClass == null ? "line " + line : defectClass + " rising on line " + line;
    }
}
