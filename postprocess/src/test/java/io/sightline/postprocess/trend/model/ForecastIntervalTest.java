package io.sightline.postprocess.trend.model;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.inference.TrendLstm;
import io.sightline.postprocess.trend.ForecastInterval;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendForecaster;
import io.sightline.postprocess.trend.TrendLimit;
import io.sightline.postprocess.trend.TrendScenarios;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped trend LSTM (models/trend) on real TensorFlow as a calibrated forecaster. */
class ForecastIntervalTest {
    static final Path MODEL = Path.of("..", "models", "trend");
    static TrendLstm.Runner runner;
    static TrendForecaster model;

    @BeforeAll
    static void load() {
        runner = TrendLstm.Runner.load(MODEL);
        model = TrendModels.forecaster(runner);
    }

    @AfterAll
    static void close() {
        runner.close();
    }

    /**
     * On in-control lines of other seeds than the calibration's, one forecast per line (at a random
     * window, so the lines are independent samples) holds the line's true rate at the stated level,
     * within three standard errors of a binomial proportion.
     */
    @Test
    void theIntervalHoldsTheTrueRateAtItsLevelOnLinesInControl() {
        ForecastInterval interval = model.interval();
        assertEquals(0.9, interval.level(), 1e-9);
        int lines = 600;
        int windows = 60;
        List<TrendScenarios.Scenario> suite = TrendScenarios.suite(TrendScenarios.Kind.IN_CONTROL, 5_000_000, lines, 0,
                TrendModels.BASELINE + windows * TrendModels.WINDOW);
        LstmTrendTracker tracker = new LstmTrendTracker(model, lines, TrendModels.WINDOW, TrendModels.BASELINE, TrendLimit.multiple(1e6));
        Random random = new Random(9);
        int[] pick = new int[lines];
        for (int i = 0; i < lines; i++) pick[i] = 1 + random.nextInt(windows);
        int inside = 0;
        int insidePublished = 0;
        long steps = 0;
        for (int t = 0; t < suite.get(0).length(); t++) {
            for (int line = 0; line < lines; line++) {
                tracker.update(line, t, t, suite.get(line).scores()[t], suite.get(line).rejected()[t]);
            }
            if (tracker.steps() == steps) continue;
            steps = tracker.steps();
            for (int line = 0; line < lines; line++) {
                if (pick[line] != steps) continue;
                double truth = suite.get(line).baseRate();
                assertTrue(tracker.forecastLower(line) <= tracker.forecastRate(line) && tracker.forecastRate(line) <= tracker.forecastUpper(line));
                // the LSTM's own interval, as calibrated: its rate e^(+-z sd)
                double half = interval.z() * tracker.forecastLogSd(line);
                double lower = tracker.lstmRate(line) * Math.exp(-half);
                double upper = Math.min(1, tracker.lstmRate(line) * Math.exp(half));
                if (lower <= truth && truth <= upper) inside++;
                // the published one is only ever wider (widened to hold the blended rate)
                assertTrue(tracker.forecastLower(line) <= lower + 1e-12 && tracker.forecastUpper(line) >= upper - 1e-12);
                if (tracker.forecastLower(line) <= truth && truth <= tracker.forecastUpper(line)) insidePublished++;
            }
        }
        double coverage = (double) inside / lines;
        double se = Math.sqrt(0.9 * 0.1 / lines);
        System.out.printf("forecast interval: %s, coverage %.3f on %d in-control lines (3 SE %.3f), published %.3f%n", interval, coverage,
                lines, 3 * se, (double) insidePublished / lines);
        assertEquals(0.9, coverage, 3 * se, "coverage of the 90 % interval on in-control lines");
        assertTrue(insidePublished >= inside, "the published interval holds the truth at least as often");
    }

    /** Fewer baseline rejects (a shorter baseline, or a rarer defect) widen the interval. */
    @Test
    void aShortBaselineWidensTheInterval() {
        ForecastInterval interval = model.interval();
        assertTrue(interval.halfWidth(0.03, 3) > interval.halfWidth(0.03, 15));
        assertTrue(interval.halfWidth(0.03, 15) > interval.halfWidth(0.03, 150));
        // the same in-control line learnt from 100 parts instead of 500: wider, and no alarm storm at 2x
        TrendScenarios.Scenario s = TrendScenarios.generate(TrendScenarios.Kind.IN_CONTROL, 31, 0, 5000);
        double[] width = new double[2];
        int[] raised = new int[2];
        int[] baselines = {100, 500};
        for (int k = 0; k < 2; k++) {
            LstmTrendTracker t = new LstmTrendTracker(model, 1, TrendModels.WINDOW, baselines[k], TrendLimit.multiple(2));
            int kk = k;
            t.setListener(a -> {
                if (a.raised()) raised[kk]++;
            });
            double sum = 0;
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                t.update(0, i, i, s.scores()[i], s.rejected()[i]);
                if (i % TrendModels.WINDOW == 0 && !Double.isNaN(t.forecastRate(0))) {
                    sum += Math.log(t.forecastUpper(0) / t.forecastLower(0));
                    n++;
                }
            }
            width[k] = sum / n;
        }
        assertTrue(width[0] > width[1], "mean log width with a 100-part baseline " + width[0] + ", with 500 " + width[1]);
        assertTrue(raised[0] <= 1, "alarms on an in-control line with a 100-part baseline: " + raised[0]);
    }

    @Test
    void theLimitIsARateOrAMultiple() {
        assertEquals(0.05, TrendLimit.parse("trend.limit", "0.05").rate(0.01), 1e-12);
        assertEquals(0.03, TrendLimit.parse("trend.limit", "3x").rate(0.01), 1e-12);
        for (String bad : new String[] {"", "abc", "1.5", "-2x", "0", "x"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> TrendLimit.parse("trend.limit", bad));
            assertTrue(e.getMessage().startsWith("trend.limit: expected a reject rate in (0, 1)"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void calibrationIsSeededAndFound() {
        ForecastInterval a = TrendModels.calibrateInterval(model, 0.27);
        ForecastInterval b = TrendModels.calibrateInterval(model, 0.27);
        assertEquals(a.scale(), b.scale(), 1e-3 * a.scale());
        assertTrue(a.scale() > 0.2 && a.scale() < 5, "scale " + a.scale());
    }
}
