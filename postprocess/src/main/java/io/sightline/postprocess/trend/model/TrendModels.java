package io.sightline.postprocess.trend.model;

import io.sightline.inference.TrendLstm;
import io.sightline.postprocess.trend.ForecastInterval;
import io.sightline.postprocess.trend.PartStreams;
import io.sightline.postprocess.trend.TrendForecaster;
import io.sightline.postprocess.trend.TrendScenarios;
import io.sightline.postprocess.trend.WindowFeatures;
import java.util.List;
import java.util.Random;

/**
 * Where the trend LSTM (inference) meets the trend trackers (postprocess): the training set made
 * from seeded scenarios through the same {@link WindowFeatures} the tracker uses, and the loaded
 * package seen as a {@link TrendForecaster}.
 */
public final class TrendModels {
    /** Parts per window. */
    public static final int WINDOW = 25;
    /** Parts of each line's baseline. */
    public static final int BASELINE = 500;
    /** Windows per training sequence (after the baseline): 4,000 parts. */
    public static final int STEPS = 160;
    /** The forecast looks this many windows ahead. */
    public static final int HORIZON_WINDOWS = 20;
    public static final List<TrendScenarios.Kind> KINDS = List.of(TrendScenarios.Kind.values());

    private TrendModels() {}

    /** Seed of the in-control lines the forecast interval is calibrated on (the tests use others). */
    public static final long INTERVAL_SEED = 77_000;
    public static final int INTERVAL_LINES = 1000;
    public static final int INTERVAL_WINDOWS = 100;

    /**
     * The loaded LSTM package as the tracker's forecaster, with the interval its model.json
     * states ({@code "interval"}); a package written before intervals existed is calibrated now
     * ({@link #calibrateInterval}, a second or two).
     */
    public static TrendForecaster forecaster(TrendLstm.Runner runner) {
        TrendForecaster raw = uncalibrated(runner);
        Object stated = runner.description().get("interval");
        ForecastInterval interval = stated != null
                ? ForecastInterval.fromDescription(stated, runner.dir().resolve(TrendLstm.FILE_NAME).toString())
                : calibrateInterval(raw, modelLogSd(runner.description()));
        return forecaster(runner, interval);
    }

    /** The package as a forecaster with only the default interval, to calibrate one for it. */
    public static TrendForecaster uncalibrated(TrendLstm.Runner runner) {
        return forecaster(runner, null);
    }

    /** The forecast's log-scale error on the held-out training histories: the root of the validation loss (0.27 if unknown). */
    public static double modelLogSd(java.util.Map<String, Object> description) {
        if (description.get("training") instanceof java.util.Map<?, ?> t && t.get("validationLoss") instanceof Number v
                && v.doubleValue() >= 0) {
            return Math.sqrt(v.doubleValue());
        }
        return 0.27;
    }

    /** The interval for this model at {@link ForecastInterval#DEFAULT_LEVEL}, calibrated on seeded in-control lines. */
    public static ForecastInterval calibrateInterval(TrendForecaster model, double modelLogSd) {
        return ForecastInterval.calibrate(model, WINDOW, BASELINE, HORIZON_WINDOWS * WINDOW, ForecastInterval.DEFAULT_LEVEL,
                modelLogSd, INTERVAL_SEED, INTERVAL_LINES, INTERVAL_WINDOWS);
    }

    private static TrendForecaster forecaster(TrendLstm.Runner runner, ForecastInterval interval) {
        return new TrendForecaster() {
            @Override
            public ForecastInterval interval() {
                return interval != null ? interval : TrendForecaster.super.interval();
            }

            @Override
            public int features() {
                return runner.features();
            }

            @Override
            public int stateSize() {
                return runner.hidden();
            }

            @Override
            public void step(int n, float[] x, float[] h, float[] c, float[] forecast) {
                runner.step(n, x, h, c, forecast);
            }
        };
    }

    /** Training sequences: features {@code x[s][t][f]} and targets {@code y[s][t]}. */
    public record Sequences(float[][][] x, float[][] y) {}

    /** Windows the training histories are watched in: half at {@value #WINDOW} parts, the rest spread over these smaller ones. */
    public static final int[] SMALL_WINDOWS = {1, 2, 5};

    /**
     * {@code count} scenarios, the kinds in turn, each with its change at a random window between
     * 4 and 100 windows after the baseline (100 to 2,500 parts at {@value #WINDOW} a window). Half
     * of the histories are watched in windows of {@value #WINDOW} parts; the others in smaller
     * windows ({@link #SMALL_WINDOWS}: a slow line, a series of a few dozen images watched image by
     * image), with every drift's length and the baseline shrunk in proportion (the baseline to no
     * fewer than 40 parts, so its rate is poorly known, as a short history's is). The target at window t is the log
     * ratio of the true mean defect rate over the next {@value #HORIZON_WINDOWS} windows to the
     * in-control rate.
     */
    public static Sequences trainingSet(long seed, int count) {
        Random r = new Random(seed);
        float[][][] x = new float[count][STEPS][WindowFeatures.FEATURES];
        float[][] y = new float[count][STEPS];
        for (int i = 0; i < count; i++) {
            TrendScenarios.Kind kind = KINDS.get(i % KINDS.size());
            int window = r.nextBoolean() ? WINDOW : SMALL_WINDOWS[r.nextInt(SMALL_WINDOWS.length)];
            double scale = (double) window / WINDOW;
            int baseline = Math.max(40, (int) Math.round(BASELINE * scale));
            int length = baseline + (STEPS + HORIZON_WINDOWS) * window;
            int changeAfter = baseline + window * (4 + r.nextInt(97));
            TrendScenarios.Scenario s = TrendScenarios.generate(kind, r.nextLong(), changeAfter, length, scale);
            WindowFeatures features = new WindowFeatures(1, window, baseline);
            float[] row = new float[WindowFeatures.FEATURES];
            int t = 0;
            for (int part = 0; part < length && t < STEPS; part++) {
                if (features.add(0, s.scores()[part], s.rejected()[part], row, 0)) {
                    System.arraycopy(row, 0, x[i][t], 0, row.length);
                    y[i][t] = target(s, part + 1, window);
                    t++;
                }
            }
        }
        return new Sequences(x, y);
    }

    /**
     * Training sequences from recorded history: the CSV as {@link PartStreams} reads it (time order,
     * scores in [0, 1] or empty; a refused row names the file, row and field), each line's parts
     * through the same {@link WindowFeatures}, whole sequences of {@value #STEPS} windows.
     *
     * @throws IllegalArgumentException naming the file and row of a malformed row, or when no line is long enough
     */
    public static Sequences historySet(java.nio.file.Path csv, java.io.PrintStream err) throws java.io.IOException {
        Sequences set = historySet(PartStreams.read(csv), STEPS, STEPS, err);
        if (set == null) throw new IllegalArgumentException(csv + ": no line has the " + partsNeeded(STEPS) + " parts one training sequence needs");
        return set;
    }

    /** Parts one sequence of {@code steps} windows needs: the baseline, the windows and the last one's horizon. */
    public static int partsNeeded(int steps) {
        return BASELINE + (steps + HORIZON_WINDOWS) * WINDOW;
    }

    /**
     * Training sequences from recorded streams: each stream's parts (its scores, or in a
     * pass/fail-only stream the reject indicator; a part with no score in a scored stream is
     * skipped, as the tracker skips it) go through {@link WindowFeatures}; the target at each window
     * is what really followed: ln of the reject rate over the next {@value #HORIZON_WINDOWS} windows
     * against the line's baseline rate. Sequences of {@code steps} windows start every
     * {@code stride} windows. Returns null when no stream is long enough.
     */
    public static Sequences historySet(List<PartStreams.Stream> streams, int steps, int stride, java.io.PrintStream err) {
        List<float[][]> xs = new java.util.ArrayList<>();
        List<float[]> ys = new java.util.ArrayList<>();
        for (PartStreams.Stream stream : streams) {
            float[] fed = stream.fed();
            WindowFeatures features = new WindowFeatures(1, WINDOW, BASELINE);
            List<float[]> windows = new java.util.ArrayList<>();
            List<Float> rejectRates = new java.util.ArrayList<>();
            float[] row = new float[WindowFeatures.FEATURES];
            int rejects = 0;
            int inWindow = 0;
            for (int i = 0; i < fed.length; i++) {
                if (!(fed[i] >= 0f && fed[i] <= 1f)) continue;
                boolean ready = features.ready(0);
                if (features.add(0, fed[i], stream.rejected()[i], row, 0)) windows.add(row.clone());
                if (ready) {
                    if (stream.rejected()[i]) rejects++;
                    if (++inWindow == WINDOW) {
                        rejectRates.add((float) rejects / WINDOW);
                        rejects = 0;
                        inWindow = 0;
                    }
                }
            }
            int before = xs.size();
            double p0 = features.baseRate(0);
            double half = 0.5 / (HORIZON_WINDOWS * WINDOW);
            for (int start = 0; start + steps + HORIZON_WINDOWS <= windows.size(); start += stride) {
                float[][] x = new float[steps][];
                float[] y = new float[steps];
                for (int t = 0; t < steps; t++) {
                    x[t] = windows.get(start + t);
                    double future = 0;
                    for (int k = 1; k <= HORIZON_WINDOWS; k++) future += rejectRates.get(start + t + k);
                    y[t] = (float) Math.log((future / HORIZON_WINDOWS + half) / (p0 + half));
                }
                xs.add(x);
                ys.add(y);
            }
            if (xs.size() == before) {
                err.printf("train-trend: %s line %s: %d parts, fewer than the %d one sequence needs; not used%n", stream.file(),
                        stream.line(), stream.parts(), partsNeeded(steps));
            }
        }
        if (xs.isEmpty()) return null;
        return new Sequences(xs.toArray(new float[0][][]), ys.toArray(new float[0][]));
    }

    /** Both sets in one. */
    public static Sequences concat(Sequences a, Sequences b) {
        float[][][] x = java.util.Arrays.copyOf(a.x(), a.x().length + b.x().length);
        System.arraycopy(b.x(), 0, x, a.x().length, b.x().length);
        float[][] y = java.util.Arrays.copyOf(a.y(), a.y().length + b.y().length);
        System.arraycopy(b.y(), 0, y, a.y().length, b.y().length);
        return new Sequences(x, y);
    }

    /** ln(mean true rate over the next horizon / base rate), from part {@code from} on. */
    public static float target(TrendScenarios.Scenario s, int from) {
        return target(s, from, WINDOW);
    }

    /** As {@link #target(TrendScenarios.Scenario, int)} for a line watched in windows of {@code window} parts. */
    public static float target(TrendScenarios.Scenario s, int from, int window) {
        int to = Math.min(s.length(), from + HORIZON_WINDOWS * window);
        if (to <= from) return (float) Math.log(s.rate()[s.length() - 1] / s.baseRate());
        double sum = 0;
        for (int p = from; p < to; p++) sum += s.rate()[p];
        return (float) Math.log(sum / (to - from) / s.baseRate());
    }
}
