package io.sightline.station.outcome;

import io.sightline.postprocess.trend.ClassRateTracker;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendTracker;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The recent course of every trend tracker's statistic, per line, for the dashboard and the
 * metrics (trackers are not thread-safe; this is how other threads see them):
 *
 * <pre>
 *   decision thread, after the trackers took a part of line L, at most every interval per line:
 *       every tracker's statistic, limit and alarm state (the LSTM's: its expected rate, limit rate and
 *       its interval), then each defect class's rate CUSUM (columns after the trackers') --> line L's ring of CAPACITY samples
 *       (preallocated arrays, then the line's sample count is published)
 *   reader (any thread): count ▸ copy the newest samples ▸ count again: drop what was overwritten
 * </pre>
 */
public final class TrendHistory {
    /** Samples kept per line: two minutes at the default interval. */
    static final int CAPACITY = 480;
    static final long INTERVAL_NANOS = 250_000_000L;

    /**
     * A line's recent samples, oldest first; per tracker {@code value[t][i]}, {@code limit[t][i]}, and
     * for a forecaster (the LSTM) its interval {@code lower[t][i]}, {@code upper[t][i]} (NaN for the charts).
     */
    public record Samples(long[] timeNanos, long[] partIndex, double[][] value, double[][] limit, boolean[][] alarmed,
                          double[][] lower, double[][] upper) {
        public int size() {
            return timeNanos.length;
        }
    }

    private final int trackers;
    private final int capacity;
    private final long intervalNanos;
    private final long[] timeNanos; // [line * capacity + slot]
    private final long[] partIndex;
    private final double[] value; // [(line * trackers + t) * capacity + slot]
    private final double[] limit;
    private final boolean[] alarmed;
    private final double[] lower;
    private final double[] upper;
    private final long[] lastSampleNanos;
    private final AtomicLongArray written;

    public TrendHistory(int trackers, int lines, int capacity, long intervalNanos) {
        this.trackers = trackers;
        this.capacity = capacity;
        this.intervalNanos = intervalNanos;
        this.timeNanos = new long[lines * capacity];
        this.partIndex = new long[lines * capacity];
        this.value = new double[lines * trackers * capacity];
        this.limit = new double[lines * trackers * capacity];
        this.alarmed = new boolean[lines * trackers * capacity];
        this.lower = new double[lines * trackers * capacity];
        this.upper = new double[lines * trackers * capacity];
        this.lastSampleNanos = new long[lines];
        this.written = new AtomicLongArray(lines);
    }

    /**
     * Called by the decision thread after the trackers took a part of {@code line}: samples them if
     * the line's last sample is older than the interval. Trackers that do not watch the line give NaN.
     */
    public void maybeSample(int line, long part, long nowNanos, List<TrendTracker> all, boolean[][] watches) {
        maybeSample(line, part, nowNanos, all, watches, null);
    }

    /**
     * As above, and the per-class tracker's classes in the columns after the trackers' (the history
     * must have been made with {@code all.size() + classes.classes().size()} columns).
     */
    public void maybeSample(int line, long part, long nowNanos, List<TrendTracker> all, boolean[][] watches, ClassRateTracker classes) {
        long n = written.get(line);
        if (n != 0 && nowNanos - lastSampleNanos[line] < intervalNanos) return;
        lastSampleNanos[line] = nowNanos;
        int slot = (int) (n % capacity);
        timeNanos[line * capacity + slot] = nowNanos;
        partIndex[line * capacity + slot] = part;
        int lineTrackers = all.size();
        for (int t = lineTrackers; t < trackers; t++) {
            int i = (line * trackers + t) * capacity + slot;
            int c = t - lineTrackers;
            value[i] = classes.statistic(line, c);
            limit[i] = classes.limit(line, c);
            alarmed[i] = classes.alarmed(line, c);
            lower[i] = Double.NaN;
            upper[i] = Double.NaN;
        }
        for (int t = 0; t < lineTrackers; t++) {
            int i = (line * trackers + t) * capacity + slot;
            TrendTracker tracker = all.get(t);
            boolean watched = watches[t][line];
            value[i] = watched ? tracker.statistic(line) : Double.NaN;
            limit[i] = watched ? tracker.limit(line) : Double.NaN;
            alarmed[i] = watched && tracker.alarmed(line);
            LstmTrendTracker forecaster = watched && tracker instanceof LstmTrendTracker l ? l : null;
            lower[i] = forecaster != null ? forecaster.forecastLower(line) : Double.NaN;
            upper[i] = forecaster != null ? forecaster.forecastUpper(line) : Double.NaN;
        }
        written.lazySet(line, n + 1);
    }

    /** The line's last {@code capacity - 1} samples, oldest first (a copy; consistent: no half-written sample). */
    public Samples read(int line) {
        long end = written.get(line);
        // capacity - 1: the oldest slot is the one the writer fills next
        long start = Math.max(0, end - capacity + 1);
        int n = (int) (end - start);
        long[] time = new long[n];
        long[] part = new long[n];
        double[][] values = new double[trackers][n];
        double[][] limits = new double[trackers][n];
        boolean[][] alarms = new boolean[trackers][n];
        double[][] lowers = new double[trackers][n];
        double[][] uppers = new double[trackers][n];
        for (int k = 0; k < n; k++) {
            int slot = (int) ((start + k) % capacity);
            time[k] = timeNanos[line * capacity + slot];
            part[k] = partIndex[line * capacity + slot];
            for (int t = 0; t < trackers; t++) {
                int i = (line * trackers + t) * capacity + slot;
                values[t][k] = value[i];
                limits[t][k] = limit[i];
                alarms[t][k] = alarmed[i];
                lowers[t][k] = lower[i];
                uppers[t][k] = upper[i];
            }
        }
        VarHandle.loadLoadFence(); // the copies above are read before the count below
        long after = written.get(line);
        // while copying, the writer may have overwritten samples older than after - capacity + 1
        int drop = (int) Math.min(n, Math.max(0, after - capacity + 1 - start));
        if (drop == 0) return new Samples(time, part, values, limits, alarms, lowers, uppers);
        double[][] v = new double[trackers][];
        double[][] l = new double[trackers][];
        boolean[][] a = new boolean[trackers][];
        double[][] lo = new double[trackers][];
        double[][] hi = new double[trackers][];
        for (int t = 0; t < trackers; t++) {
            v[t] = java.util.Arrays.copyOfRange(values[t], drop, n);
            l[t] = java.util.Arrays.copyOfRange(limits[t], drop, n);
            a[t] = java.util.Arrays.copyOfRange(alarms[t], drop, n);
            lo[t] = java.util.Arrays.copyOfRange(lowers[t], drop, n);
            hi[t] = java.util.Arrays.copyOfRange(uppers[t], drop, n);
        }
        return new Samples(java.util.Arrays.copyOfRange(time, drop, n), java.util.Arrays.copyOfRange(part, drop, n), v, l, a, lo, hi);
    }
}
