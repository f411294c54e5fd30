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
 *         raised when s_c > h (TrendAlarm with defectClass = the class); cleared when s_c < h / 2
 * </pre>
 *
 * <p>Why not the line's charts per class: a class's reject indicator is a rare 0/1 series (about
 * 1 % per class), and a chart of its standardised value alarms on a single reject of a class the
 * baseline rarely saw. The Bernoulli CUSUM is the likelihood-ratio test for a rate rising from p0 to
 * p1: one reject moves it by ln(p1/p0) (1.1 at the default shift 3), so it takes a run of them.
 * With the defaults (shift 3, h 5) a seeded simulation gives 0.2 to 1.7 false alarms per 10,000
 * in-control parts per class at class rates of 0.4 to 3 % (the baseline's estimate of p0 included),
 * and catches a class rate stepping to 5x in 44 (3 %) to 500 (0.4 %) parts.
 *
 * <p>Lines and classes are independent. {@link #update} allocates nothing unless it raises or clears
 * an alarm. Not thread-safe: one thread feeds it (the station's decision thread).
 */
public final class ClassRateTracker {
    public static final String NAME = "rate-cusum";
    public static final double DEFAULT_SHIFT = 3.0;
    public static final double DEFAULT_H = 5.0;

    private final int lines;
    private final String[] classes;
    private final int baselineParts;
    private final double shift;
    private double h;
    private final long[] baselineSeen;      // [line]
    private final long[] baselineCount;     // [line * classes + c]
    private final double[] p0;
    private final double[] onReject;
    private final double[] onOther;
    private final double[] s;
    private final boolean[] alarmed;
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
            double v = s[i] + (c == rejectedClass ? onReject[i] : onOther[i]);
            s[i] = v > 0 ? v : 0;
            if (!alarmed[i] && s[i] > h) {
                alarmed[i] = true;
                listener.onAlarm(new TrendAlarm(line, NAME, timeNanos, partIndex, s[i], h, true,
                        "class rate above " + shift + "x its in-control rate", null, classes[c]));
            } else if (alarmed[i] && s[i] < h / 2) {
                alarmed[i] = false;
                listener.onAlarm(new TrendAlarm(line, NAME, timeNanos, partIndex, s[i], h, false, "back below the clear level",
                        null, classes[c]));
            }
        }
    }

    private void learn(int i) {
        double rate = (baselineCount[i] + 1.0) / (baselineParts + 1.0);
        double rate1 = Math.min(shift * rate, 0.999);
        p0[i] = rate;
        onReject[i] = Math.log(rate1 / rate);
        onOther[i] = Math.log((1 - rate1) / (1 - rate));
        s[i] = 0;
    }

    private boolean ready(int line) {
        return baselineSeen[line] >= baselineParts;
    }

    /** The class's CUSUM on the line (NaN while the baseline is still being learnt). */
    public double statistic(int line, int c) {
        return ready(line) ? s[line * classes.length + c] : Double.NaN;
    }

    /** The limit h (NaN while the line's baseline is still being learnt). */
    public double limit(int line) {
        return ready(line) ? h : Double.NaN;
    }

    /** The class's in-control reject rate the baseline gave (NaN while it is being learnt). */
    public double baselineRate(int line, int c) {
        return ready(line) ? p0[line * classes.length + c] : Double.NaN;
    }

    public boolean alarmed(int line, int c) {
        return alarmed[line * classes.length + c];
    }

    public void setListener(TrendTracker.Listener listener) {
        this.listener = listener == null ? TrendTracker.Listener.NONE : listener;
    }

    /** h: higher means fewer alarms. */
    public double sensitivity() {
        return h;
    }

    public void setSensitivity(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(NAME + " sensitivity must be a positive number, got " + value);
        }
        this.h = value;
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
    }
}
