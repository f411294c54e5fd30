package io.sightline.station.cli;

import io.sightline.inference.TrendLstm;
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
final class TrendModels {
    /** Parts per window. */
    static final int WINDOW = 25;
    /** Parts of each line's baseline. */
    static final int BASELINE = 500;
    /** Windows per training sequence (after the baseline): 4,000 parts. */
    static final int STEPS = 160;
    /** The forecast looks this many windows ahead. */
    static final int HORIZON_WINDOWS = 20;
    static final List<TrendScenarios.Kind> KINDS = List.of(TrendScenarios.Kind.values());

    private TrendModels() {}

    /** The loaded LSTM package as the tracker's forecaster. */
    static TrendForecaster forecaster(TrendLstm.Runner runner) {
        return new TrendForecaster() {
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
    record Sequences(float[][][] x, float[][] y) {}

    /**
     * {@code count} scenarios, the kinds in turn, each with its change at a random part between
     * 100 and 2,500 parts after the baseline. The target at window t is the log ratio of the true
     * mean defect rate over the next {@value #HORIZON_WINDOWS} windows to the in-control rate.
     */
    static Sequences trainingSet(long seed, int count) {
        Random r = new Random(seed);
        int length = BASELINE + STEPS * WINDOW;
        float[][][] x = new float[count][STEPS][WindowFeatures.FEATURES];
        float[][] y = new float[count][STEPS];
        for (int i = 0; i < count; i++) {
            TrendScenarios.Kind kind = KINDS.get(i % KINDS.size());
            int changeAfter = BASELINE + 100 + r.nextInt(2401);
            TrendScenarios.Scenario s = TrendScenarios.generate(kind, r.nextLong(), changeAfter, length);
            WindowFeatures features = new WindowFeatures(1, WINDOW, BASELINE);
            float[] row = new float[WindowFeatures.FEATURES];
            int t = 0;
            for (int part = 0; part < length && t < STEPS; part++) {
                if (features.add(0, s.scores()[part], s.rejected()[part], row, 0)) {
                    System.arraycopy(row, 0, x[i][t], 0, row.length);
                    y[i][t] = target(s, part + 1);
                    t++;
                }
            }
        }
        return new Sequences(x, y);
    }

    /** ln(mean true rate over the next horizon / base rate), from part {@code from} on. */
    static float target(TrendScenarios.Scenario s, int from) {
        int to = Math.min(s.length(), from + HORIZON_WINDOWS * WINDOW);
        if (to <= from) return (float) Math.log(s.rate()[s.length() - 1] / s.baseRate());
        double sum = 0;
        for (int p = from; p < to; p++) sum += s.rate()[p];
        return (float) Math.log(sum / (to - from) / s.baseRate());
    }
}
