package io.sightline.postprocess.trend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Matching the per-class trend ({@link ClassRateTracker}) to the false-alarm rate of the line's own
 * detectors, on seeded synthetic in-control streams.
 *
 * <pre>
 *   a stream: one line's parts, each rejected for class c with probability rate_c (independent parts);
 *             the tracker's baseline (500 parts) estimates each p0 from the stream itself
 *   false alarms per 10,000 in-control parts: alarms after the baseline / parts after it x 10,000;
 *             each alarm is acknowledged at once (the line's statistics restart), as eval-trend does
 *   fixedH(rate): bisection on one fixed h until one class at that rate gives TARGET_PER_10K_PER_CLASS
 *             (the same seeds at every step, so the count falls as h grows): the table's shape
 *   matchTable: that shape moved by one offset until the matched tracker, which picks h from its
 *             baseline's estimate p0^ (interpolated in ln p0), gives the target on average over the grid's rates
 * </pre>
 *
 * Why the offset: the lines that alarm falsely are those whose baseline underestimated p0, and the
 * table gives them a lower h too, so the shape alone alarms about 1.3x the target. Matching each
 * entry on its own does not work: a baseline of 500 parts estimates a rare class's p0 in steps of
 * 1/501, so neighbouring entries trade off against each other and the table zigzags.
 *
 * The target: each of a line's detectors is set to one false alarm per 2,000 in-control parts
 * ({@code eval-trend}); the default model has five defect classes, so each class gets a fifth of
 * that, and a line's class alarms together come as often as each of its own detectors'.
 */
public final class ClassRateCalibration {
    /** A line's own detectors: one false alarm per 2,000 in-control parts. */
    public static final double TARGET_PER_10K_PER_LINE = 5.0;
    /** The default model's defect classes. */
    public static final int DEFAULT_CLASSES = 5;
    public static final double TARGET_PER_10K_PER_CLASS = TARGET_PER_10K_PER_LINE / DEFAULT_CLASSES;
    /** The class rates the matched table is made at. */
    public static final double[] GRID = ClassRateTracker.MATCHED_P0.clone();
    public static final int BASELINE = 500;

    private ClassRateCalibration() {}

    /** Alarms counted over a set of streams. */
    public record Count(long alarms, long parts) {
        public double per10k() {
            return parts == 0 ? Double.NaN : alarms * 10_000.0 / parts;
        }
    }

    /**
     * In-control false alarms of the matched tracker with h table {@code hTable} (null: the one it
     * ships, {@link ClassRateTracker#MATCHED_H}) on {@code streams} seeded lines whose parts are
     * rejected for class c with probability {@code rates[c]}.
     */
    public static Count falseAlarms(double[] rates, double[] hTable, long seed, int streams, int partsAfterBaseline) {
        return count(ClassRateTracker.matched(streams, names(rates), BASELINE, hTable == null ? ClassRateTracker.MATCHED_H : hTable),
                rates, seed, streams, partsAfterBaseline);
    }

    /** As {@link #falseAlarms(double[], double[], long, int, int)} with one fixed h for every class. */
    public static Count falseAlarmsFixed(double[] rates, double h, long seed, int streams, int partsAfterBaseline) {
        return count(new ClassRateTracker(streams, names(rates), BASELINE, ClassRateTracker.DEFAULT_SHIFT, h), rates, seed, streams,
                partsAfterBaseline);
    }

    private static List<String> names(double[] rates) {
        if (rates.length < 2) throw new IllegalArgumentException("class rates: expected at least 2 classes, got " + rates.length);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < rates.length; c++) names.add("class-" + c);
        return names;
    }

    private static Count count(ClassRateTracker t, double[] rates, long seed, int streams, int partsAfterBaseline) {
        long[] alarms = new long[1];
        t.setListener(a -> {
            if (a.raised()) {
                alarms[0]++;
                t.restartLine(a.line());
            }
        });
        for (int line = 0; line < streams; line++) {
            SplittableRandom rng = new SplittableRandom(seed + 7919L * line);
            for (int i = 0; i < BASELINE + partsAfterBaseline; i++) t.update(line, i, i, draw(rng, rates));
        }
        return new Count(alarms[0], (long) streams * partsAfterBaseline);
    }

    /**
     * The fixed h at which one class at {@code rate} (the other class never seen) gives
     * {@code targetPer10k} false alarms per 10,000 in-control parts on these seeds: the table's shape.
     */
    public static double fixedH(double rate, double targetPer10k, long seed, int streams, int partsAfterBaseline) {
        double[] rates = {rate, 0};
        double lo = 0.5;
        double hi = 20;
        for (int step = 0; step < 16; step++) {
            double mid = 0.5 * (lo + hi);
            if (falseAlarmsFixed(rates, mid, seed, streams, partsAfterBaseline).per10k() > targetPer10k) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /** The mean over {@link #GRID} of one class's false alarms per 10,000 in-control parts with the matched tracker and this table. */
    public static double meanOverGrid(double[] table, long seed, int streams, int partsAfterBaseline) {
        double sum = 0;
        for (double rate : GRID) sum += falseAlarms(new double[] {rate, 0}, table, seed, streams, partsAfterBaseline).per10k();
        return sum / GRID.length;
    }

    /**
     * The table of h by the rates of {@link #GRID}: the shape {@code fixed} (each rate's {@link #fixedH})
     * moved by one offset, found by bisection, at which the matched tracker (picking h from its
     * baseline's estimate) gives {@code targetPer10k} false alarms per 10,000 in-control parts per
     * class on average over the grid's rates.
     *
     * @param progress told each bisection step
     */
    public static double[] matchTable(double[] fixed, double targetPer10k, long seed, int streams, int partsAfterBaseline,
                                      java.util.function.IntConsumer progress) {
        double lo = -2;
        double hi = 4;
        double[] table = new double[fixed.length];
        for (int step = 0; step < 12; step++) {
            progress.accept(step);
            double mid = 0.5 * (lo + hi);
            for (int i = 0; i < table.length; i++) table[i] = fixed[i] + mid;
            if (meanOverGrid(table, seed, streams, partsAfterBaseline) > targetPer10k) lo = mid;
            else hi = mid;
        }
        double offset = 0.5 * (lo + hi);
        for (int i = 0; i < table.length; i++) table[i] = Math.round((fixed[i] + offset) * 1000) / 1000.0;
        return table;
    }

    /**
     * Parts from the change to the first alarm naming class {@code c}, on seeded lines whose class c
     * steps to {@code multiple} times its rate right after the baseline: the mean over lines (a line
     * not caught within {@code maxParts} counts as {@code maxParts}), and how many were not caught.
     */
    public static double[] stepDelay(double[] rates, int c, double multiple, long seed, int streams, int maxParts) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < rates.length; k++) names.add("class-" + k);
        ClassRateTracker t = ClassRateTracker.matched(streams, names, BASELINE);
        long[] caughtAt = new long[streams];
        java.util.Arrays.fill(caughtAt, -1);
        t.setListener(a -> {
            if (a.raised() && a.defectClass().equals("class-" + c) && caughtAt[a.line()] < 0) caughtAt[a.line()] = a.partIndex();
        });
        double[] drifted = rates.clone();
        drifted[c] = Math.min(0.9, rates[c] * multiple);
        double sum = 0;
        int missed = 0;
        for (int line = 0; line < streams; line++) {
            SplittableRandom rng = new SplittableRandom(seed + 7919L * line);
            for (int i = 0; i < BASELINE; i++) t.update(line, i, i, draw(rng, rates));
            for (int i = BASELINE; i < BASELINE + maxParts && caughtAt[line] < 0; i++) t.update(line, i, i, draw(rng, drifted));
            if (caughtAt[line] < 0) {
                missed++;
                sum += maxParts;
            } else {
                sum += caughtAt[line] - BASELINE + 1;
            }
        }
        return new double[] {sum / streams, missed};
    }

    private static int draw(SplittableRandom rng, double[] rates) {
        double u = rng.nextDouble();
        double upTo = 0;
        for (int c = 0; c < rates.length; c++) {
            upTo += rates[c];
            if (u < upTo) return c;
        }
        return -1;
    }
}
