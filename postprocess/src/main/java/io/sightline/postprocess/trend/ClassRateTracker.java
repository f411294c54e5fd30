package io.sightline.postprocess.trend;

import java.util.Arrays;
import java.util.List;

/**
 * The rate of each defect class on each line, watched by a Bernoulli CUSUM, so that an alarm says
 * which defect is rising ("crack rising on line 2").
 *
 * <pre>
 *   per part of a line: update(line, part, time, rejectedClass)   (-1: passed, or not rejected for a defect)
 *     baseline (the line's first baselineParts parts): count each class's rejects
 *         p0 = (count + 1) / (baselineParts + 1)       (a class never seen still gets a small rate)
 *         p1 = min(shift * p0, 0.999)                  (the rate the chart is tuned to catch)
 *     then, for every class c of the line:
 *         s_c = max(0, s_c + (rejectedClass == c ? ln(p1 / p0) : ln((1 - p1) / (1 - p0))))
 *         raised when s_c > h_c (TrendAlarm with defectClass = the class); cleared when s_c < h_c / 2
 *     h_c: matched ({@link #matched}) from the class's p0, {@link #matchedH}; or one fixed h for every class
 * </pre>
 *
 * <p>Why not the line's charts per class: a class's reject indicator is a rare 0/1 series (about
 * 1 % per class), and a chart of its standardised value alarms on a single reject of a class the
 * baseline rarely saw. The Bernoulli CUSUM is the likelihood-ratio test for a rate rising from p0 to
 * p1: one reject moves it by ln(p1/p0) (1.1 at the default shift 3), so it takes a run of them.
 *
 * <p>The matched false-alarm rate: how often a Bernoulli CUSUM alarms in control depends on p0, so
 * one h cannot serve every class. {@link #matched} gives each class the h that, in a seeded
 * simulation with the 500-part baseline's estimate of p0 included ({@link ClassRateCalibration}),
 * makes it alarm {@value ClassRateCalibration#TARGET_PER_10K_PER_CLASS} times per 10,000 in-control
 * parts: with the default model's five classes, a line's class alarms together come as often as each
 * of the line's own detectors' (one per 2,000 parts, as {@code eval-trend} matches them).
 *
 * <p>The forecast: each class's expected reject rate over the next {@value #FORECAST_HORIZON} parts
 * (the LSTM's horizon), with a {@value #FORECAST_LEVEL} interval, so the outputs can say "crack:
 * expected 3 % in the next 500 parts" as well as "crack rising". It is the class's recent rate
 * carried forward, the forecast a statistician would make of a rare rate: an exponentially weighted
 * mean of the class's reject indicator (lambda = 2 / (H + 1), H = {@value #FORECAST_HORIZON}, so it
 * weighs about the last H parts; it starts at the baseline's rate), and Wilson's score interval for
 * a rate seen over H parts. The LSTM forecasts the line's rate as a whole; per class there are too
 * few rejects to learn a model from. A raised or cleared class alarm carries it
 * ({@link TrendAlarm#forecast()}, its limit the rate the chart is tuned to catch).
 *
 * <p>Lines and classes are independent. {@link #update} allocates nothing unless it raises or clears
 * an alarm. Not thread-safe: one thread feeds it (the station's decision thread).
 */
public final class ClassRateTracker {
    public static final String NAME = "rate-cusum";
    public static final double DEFAULT_SHIFT = 3.0;
    public static final double DEFAULT_H = 5.0;
    /** Parts ahead the class forecast covers: the LSTM's horizon (20 windows of 25 parts). */
    public static final int FORECAST_HORIZON = 500;
    public static final double FORECAST_LEVEL = 0.9;
    private static final double FORECAST_LAMBDA = 2.0 / (FORECAST_HORIZON + 1);
    /** The standard normal quantile of (1 + {@link #FORECAST_LEVEL}) / 2. */
    private static final double FORECAST_Z = 1.6448536269514722;
    /**
     * The matched h by class rate: at each rate of {@link #MATCHED_P0}, the h of {@link #MATCHED_H}
     * gives {@value ClassRateCalibration#TARGET_PER_10K_PER_CLASS} false alarms per 10,000 in-control
     * parts (the baseline's estimate included). Made by {@code ./sightline eval-trend --classes}.
     */
    static final double[] MATCHED_P0 = {0.002, 0.004, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.08, 0.12};
    static final double[] MATCHED_H = {2.471, 3.472, 4.484, 5.081, 5.694, 6.115, 6.323, 6.828, 7.179, 7.469};

    private final int lines;
    private final String[] classes;
    private final int baselineParts;
    private final double shift;
    private double h;
    /** Each class's h from its baseline rate ({@link #matchedH}) rather than the one fixed h. */
    private boolean matched;
    private double[] hTable = MATCHED_H;
    private final double[] hCell;
    private final long[] baselineSeen;      // [line]
    private final long[] baselineCount;     // [line * classes + c]
    private final double[] p0;
    private final double[] onReject;
    private final double[] onOther;
    private final double[] s;
    private final boolean[] alarmed;
    /** Each class's recent reject rate (exponentially weighted): its forecast. */
    private final double[] recent;
    private TrendTracker.Listener listener = TrendTracker.Listener.NONE;

    /**
     * @param defectClasses the model's defect classes (not the passing class), in the order their
     *     indices are fed to {@link #update}
     */
    public ClassRateTracker(int lines, List<String> defectClasses, int baselineParts, double shift, double h) {
        if (lines < 1) throw new IllegalArgumentException("a class rate tracker needs at least 1 line, got " + lines);
        if (defectClasses == null || defectClasses.size() < 2) {
            throw new IllegalArgumentException("per-class trend tracking needs at least 2 defect classes, got " + defectClasses);
        }
        if (baselineParts < 10) {
            throw new IllegalArgumentException("the baseline needs at least 10 parts per line, got " + baselineParts);
        }
        if (!(shift > 1) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("class rate shift must be a number above 1 (the rate multiple to catch), got " + shift);
        }
        this.lines = lines;
        this.classes = defectClasses.toArray(String[]::new);
        this.baselineParts = baselineParts;
        this.shift = shift;
        setSensitivity(h);
        int cells = lines * classes.length;
        this.baselineSeen = new long[lines];
        this.baselineCount = new long[cells];
        this.p0 = new double[cells];
        this.onReject = new double[cells];
        this.onOther = new double[cells];
        this.s = new double[cells];
        this.alarmed = new boolean[cells];
        this.recent = new double[cells];
        this.hCell = new double[cells];
        Arrays.fill(hCell, h);
    }

    /**
     * A tracker at the matched false-alarm rate (the class header): shift {@value #DEFAULT_SHIFT},
     * each class's h from its baseline rate.
     */
    public static ClassRateTracker matched(int lines, List<String> defectClasses, int baselineParts) {
        return matched(lines, defectClasses, baselineParts, MATCHED_H);
    }

    /** As {@link #matched(int, List, int)} with another table of h at the rates of {@link #MATCHED_P0} (calibration). */
    static ClassRateTracker matched(int lines, List<String> defectClasses, int baselineParts, double[] hTable) {
        if (hTable.length != MATCHED_P0.length) {
            throw new IllegalArgumentException("h table: expected " + MATCHED_P0.length + " values, got " + hTable.length);
        }
        ClassRateTracker t = new ClassRateTracker(lines, defectClasses, baselineParts, DEFAULT_SHIFT, DEFAULT_H);
        t.matched = true;
        t.hTable = hTable.clone();
        return t;
    }

    /**
     * The matched h for a class whose in-control rate is {@code p0}: {@link #MATCHED_H} interpolated
     * linearly in ln p0, held at the table's ends.
     */
    /** The shipped table of h at the rates of {@link #matchedRates()} (a copy). */
    public static double[] matchedTable() {
        return MATCHED_H.clone();
    }

    /** The class rates of {@link #matchedTable()} (a copy). */
    public static double[] matchedRates() {
        return MATCHED_P0.clone();
    }

    public static double matchedH(double p0) {
        return interpolate(MATCHED_H, p0);
    }

    private static double interpolate(double[] table, double p0) {
        if (!(p0 > MATCHED_P0[0])) return table[0];
        int last = MATCHED_P0.length - 1;
        if (p0 >= MATCHED_P0[last]) return table[last];
        int i = 1;
        while (MATCHED_P0[i] < p0) i++;
        double w = Math.log(p0 / MATCHED_P0[i - 1]) / Math.log(MATCHED_P0[i] / MATCHED_P0[i - 1]);
        return table[i - 1] + w * (table[i] - table[i - 1]);
    }

    public String name() {
        return NAME;
    }

    public int lines() {
        return lines;
    }

    public List<String> classes() {
        return List.of(classes);
    }

    /**
     * Feeds one part of {@code line} that was decided on its merits.
     *
     * @param rejectedClass the index (in {@link #classes()}) of the defect class the part was rejected
     *     for: the most probable defect class; -1 when the part passed
     */
    public void update(int line, long partIndex, long timeNanos, int rejectedClass) {
        int n = classes.length;
        int base = line * n;
        if (baselineSeen[line] < baselineParts) {
            if (rejectedClass >= 0 && rejectedClass < n) baselineCount[base + rejectedClass]++;
            if (++baselineSeen[line] == baselineParts) {
                for (int c = 0; c < n; c++) learn(base + c);
            }
            return;
        }
        for (int c = 0; c < n; c++) {
            int i = base + c;
            recent[i] += FORECAST_LAMBDA * ((c == rejectedClass ? 1 : 0) - recent[i]);
            double v = s[i] + (c == rejectedClass ? onReject[i] : onOther[i]);
            s[i] = v > 0 ? v : 0;
            double limit = hCell[i];
            if (!alarmed[i] && s[i] > limit) {
                alarmed[i] = true;
                listener.onAlarm(new TrendAlarm(line, NAME, timeNanos, partIndex, s[i], limit, true,
                        "class rate above " + shift + "x its in-control rate", forecastOf(i), classes[c]));
            } else if (alarmed[i] && s[i] < limit / 2) {
                alarmed[i] = false;
                listener.onAlarm(new TrendAlarm(line, NAME, timeNanos, partIndex, s[i], limit, false, "back below the clear level",
                        forecastOf(i), classes[c]));
            }
        }
    }

    private void learn(int i) {
        double rate = (baselineCount[i] + 1.0) / (baselineParts + 1.0);
        double rate1 = tunedRate(rate);
        p0[i] = rate;
        recent[i] = rate;
        onReject[i] = Math.log(rate1 / rate);
        onOther[i] = Math.log((1 - rate1) / (1 - rate));
        hCell[i] = matched ? interpolate(hTable, rate) : h;
        s[i] = 0;
    }

    private boolean ready(int line) {
        return baselineSeen[line] >= baselineParts;
    }

    /** The class's CUSUM on the line (NaN while the baseline is still being learnt). */
    public double statistic(int line, int c) {
        return ready(line) ? s[line * classes.length + c] : Double.NaN;
    }

    /** The class's limit h on the line (NaN while the line's baseline is still being learnt). */
    public double limit(int line, int c) {
        return ready(line) ? hCell[line * classes.length + c] : Double.NaN;
    }

    /** The class's in-control reject rate the baseline gave (NaN while it is being learnt). */
    public double baselineRate(int line, int c) {
        return ready(line) ? p0[line * classes.length + c] : Double.NaN;
    }

    /** The class's expected reject rate over the next {@value #FORECAST_HORIZON} parts (NaN while the baseline is being learnt). */
    public double forecastRate(int line, int c) {
        return ready(line) ? recent[line * classes.length + c] : Double.NaN;
    }

    /** The lower end of the forecast's {@value #FORECAST_LEVEL} interval (NaN while the baseline is being learnt). */
    public double forecastLower(int line, int c) {
        return ready(line) ? wilson(recent[line * classes.length + c], -1) : Double.NaN;
    }

    /** The upper end of the forecast's {@value #FORECAST_LEVEL} interval (NaN while the baseline is being learnt). */
    public double forecastUpper(int line, int c) {
        return ready(line) ? wilson(recent[line * classes.length + c], 1) : Double.NaN;
    }

    /** The rate the class's chart is tuned to catch: its limit as a rate ({@code shift x} the baseline's; NaN before). */
    public double limitRate(int line, int c) {
        return ready(line) ? tunedRate(p0[line * classes.length + c]) : Double.NaN;
    }

    private double tunedRate(double inControl) {
        return Math.min(shift * inControl, 0.999);
    }

    private TrendAlarm.Forecast forecastOf(int i) {
        double r = recent[i];
        return new TrendAlarm.Forecast(r, wilson(r, -1), wilson(r, 1), FORECAST_LEVEL, FORECAST_HORIZON, tunedRate(p0[i]));
    }

    /** Wilson's score interval for a rate {@code r} seen over {@value #FORECAST_HORIZON} parts: its lower (-1) or upper (+1) end. */
    static double wilson(double r, int side) {
        double n = FORECAST_HORIZON;
        double z2 = FORECAST_Z * FORECAST_Z;
        double denominator = 1 + z2 / n;
        double centre = (r + z2 / (2 * n)) / denominator;
        double half = FORECAST_Z * Math.sqrt(Math.max(0, r * (1 - r)) / n + z2 / (4 * n * n)) / denominator;
        return Math.max(0, Math.min(1, centre + side * half));
    }

    public boolean alarmed(int line, int c) {
        return alarmed[line * classes.length + c];
    }

    public void setListener(TrendTracker.Listener listener) {
        this.listener = listener == null ? TrendTracker.Listener.NONE : listener;
    }

    /** The fixed h (a matched tracker's classes each have their own: {@link #limit(int, int)}). */
    public double sensitivity() {
        return h;
    }

    /** Sets one fixed h for every class from the next baseline on (a matched tracker stops matching). */
    public void setSensitivity(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(NAME + " sensitivity must be a positive number, got " + value);
        }
        this.h = value;
        this.matched = false;
    }

    /** Starts every class of the line afresh and lowers its alarms without telling the listener (an acknowledgement). */
    public void restartLine(int line) {
        int n = classes.length;
        for (int c = 0; c < n; c++) {
            s[line * n + c] = 0;
            alarmed[line * n + c] = false;
        }
    }

    /** Forgets everything learnt and seen. */
    public void reset() {
        Arrays.fill(baselineSeen, 0);
        Arrays.fill(baselineCount, 0);
        Arrays.fill(s, 0);
        Arrays.fill(alarmed, false);
        Arrays.fill(recent, 0);
    }
}
