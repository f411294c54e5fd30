package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.inference.ModelException;
import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendForecaster;
import io.sightline.postprocess.trend.TrendScenarios;
import io.sightline.postprocess.trend.WindowFeatures;
import io.sightline.station.outcome.TrendStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trend LSTM on real TensorFlow: batching across lines, independence of lines, training, bad packages. */
class TrendLstmTest {
    @BeforeAll
    static void load() {
        Natives.tensorflow();
    }

    static TrendLstm.Runner randomModel(Path dir, int features, int hidden, long seed) {
        TrendLstm.export(dir, TrendLstm.Weights.initial(features, hidden, seed), Map.of("window", 25));
        return TrendLstm.Runner.load(dir);
    }

    static TrendForecaster forecaster(TrendLstm.Runner r) {
        return new TrendForecaster() {
            public int features() {
                return r.features();
            }

            public int stateSize() {
                return r.hidden();
            }

            public void step(int n, float[] x, float[] h, float[] c, float[] y) {
                r.step(n, x, h, c, y);
            }
        };
    }

    @Test
    void aBatchedStepEqualsOneLineAtATime(@TempDir Path tmp) {
        try (TrendLstm.Runner r = randomModel(tmp.resolve("m"), 4, 8, 3)) {
            Random random = new Random(1);
            int lines = 5;
            float[] x = new float[lines * 4];
            float[] h = new float[lines * 8];
            float[] c = new float[lines * 8];
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
            for (int i = 0; i < h.length; i++) {
                h[i] = (float) random.nextGaussian() * 0.5f;
                c[i] = (float) random.nextGaussian() * 0.5f;
            }
            float[] hAlone = h.clone();
            float[] cAlone = c.clone();
            float[] y = new float[lines];
            r.step(lines, x, h, c, y);
            for (int line = 0; line < lines; line++) {
                float[] x1 = java.util.Arrays.copyOfRange(x, line * 4, line * 4 + 4);
                float[] h1 = java.util.Arrays.copyOfRange(hAlone, line * 8, line * 8 + 8);
                float[] c1 = java.util.Arrays.copyOfRange(cAlone, line * 8, line * 8 + 8);
                float[] y1 = new float[1];
                r.step(1, x1, h1, c1, y1);
                assertEquals(y1[0], y[line], 1e-6f, "forecast of line " + line);
                assertArrayEquals(h1, java.util.Arrays.copyOfRange(h, line * 8, line * 8 + 8), 1e-6f);
                assertArrayEquals(c1, java.util.Arrays.copyOfRange(c, line * 8, line * 8 + 8), 1e-6f);
            }
        }
    }

    @Test
    void linesDoNotLeakAndAllLinesAdvanceInOneStep(@TempDir Path tmp) {
        try (TrendLstm.Runner r = randomModel(tmp.resolve("m"), WindowFeatures.FEATURES, 8, 5)) {
            LstmTrendTracker three = new LstmTrendTracker(forecaster(r), 3, 10, 50, 0.5);
            LstmTrendTracker alone = new LstmTrendTracker(forecaster(r), 1, 10, 50, 0.5);
            var a = TrendScenarios.generate(TrendScenarios.Kind.LINEAR, 1, 100, 600);
            var b = TrendScenarios.generate(TrendScenarios.Kind.BURST, 2, 80, 600);
            var c = TrendScenarios.generate(TrendScenarios.Kind.STEP, 3, 120, 600);
            for (int t = 0; t < 600; t++) {
                three.update(0, t, t, b.scores()[t], b.rejected()[t]);
                three.update(1, t, t, a.scores()[t], a.rejected()[t]);
                three.update(2, t, t, c.scores()[t], c.rejected()[t]);
                alone.update(0, t, t, a.scores()[t], a.rejected()[t]);
                assertEquals(alone.statistic(0), three.statistic(1), 1e-6, "part " + t);
            }
            assertEquals(55, three.steps(), "(600 - 50) / 10 windows, every one a single batched step for all three lines");
            three.update(0, 600, 600, Float.NaN, false);
            three.update(0, 601, 601, 2f, true);
            assertEquals(2, three.invalidScores(0));
        }
    }

    @Test
    void aModelWithOtherFeaturesIsRefused(@TempDir Path tmp) throws Exception {
        try (TrendLstm.Runner r = randomModel(tmp.resolve("m"), 3, 4, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new LstmTrendTracker(forecaster(r), 2, 10, 50, 1));
            assertTrue(e.getMessage().contains("reads 3 features") && e.getMessage().contains("makes " + WindowFeatures.FEATURES)
                    && e.getMessage().contains("train-trend"), e.getMessage());
        }
        Path notModel = tmp.resolve("not");
        Files.createDirectories(notModel);
        var e = assertThrows(ModelException.class, () -> TrendLstm.Runner.load(notModel));
        assertTrue(e.getMessage().contains("is not a trend model package"), e.getMessage());
    }

    @Test
    void aModelTrainedForOtherWindowsIsRefusedByTheStation(@TempDir Path tmp) {
        Path dir = tmp.resolve("m");
        TrendLstm.export(dir, TrendLstm.Weights.initial(WindowFeatures.FEATURES, 4, 1), Map.of("window", 10, "baselineParts", 500));
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("demo", "--trend", "lstm", "--trend-model", dir.toString(), "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("trained for windows of 10 parts") && r.err().contains("the station uses 25"), r.err());
    }

    @Test
    void aModelForAnotherFeatureSetIsRefusedByTheStationNamingIt(@TempDir Path tmp) {
        Path dir = tmp.resolve("old");
        TrendLstm.export(dir, TrendLstm.Weights.initial(WindowFeatures.FEATURES - 1, 4, 1), Map.of("window", 25, "baselineParts", 500));
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("demo", "--trend", "lstm", "--trend-model", dir.toString(), "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(dir.toString()) && r.err().contains("reads " + (WindowFeatures.FEATURES - 1) + " features")
                && r.err().contains("train-trend"), r.err());
    }

    @Test
    void trainingLearnsARunningMean() {
        // target: the mean of the inputs so far; an LSTM learns it, the initial weights do not have it
        Random random = new Random(4);
        int n = 48;
        int steps = 12;
        float[][][] x = new float[n][steps][1];
        float[][] y = new float[n][steps];
        for (int s = 0; s < n; s++) {
            double sum = 0;
            double level = random.nextGaussian();
            for (int t = 0; t < steps; t++) {
                x[s][t][0] = (float) (level + 0.3 * random.nextGaussian());
                sum += x[s][t][0];
                y[s][t] = (float) (sum / (t + 1));
            }
        }
        double[] first = new double[1];
        TrendLstm.Trained trained = TrendLstm.train(x, y, 8, new TrendLstm.TrainOptions(40, 8, 0.02f, 1, 0.25f),
                (epoch, total, train, val, best) -> {
                    if (epoch == 1) first[0] = val;
                });
        assertTrue(trained.valLoss() < 0.3 * first[0], "validation loss " + first[0] + " -> " + trained.valLoss());
    }

    @Test
    void evalTrendReportsEveryDetectorAtTheSameRate(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("trend");
        TrainEvalCliTest.Run train = TrainEvalCliTest.run("train-trend", "--out", model.toString(), "--sequences", "24", "--epochs", "2");
        assertEquals(0, train.code(), train.err());
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("eval-trend", "--model", model.toString(), "--scenarios", "10", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode d = r.json().get("detectors");
        for (String name : new String[] {"lstm", "ewma", "cusum", "pchart"}) {
            JsonNode row = d.get(name);
            assertNotNull(row, name);
            for (String kind : new String[] {"step", "linear", "exponential", "periodic", "burst"}) {
                assertTrue(row.get("delayParts").has(kind), name + " " + kind);
            }
            assertTrue(row.get("falseAlarmsPer10k").asDouble() < 15, name + " is matched near 5 per 10,000: " + row);
            assertTrue(row.has("missed"));
        }
    }

    @Test
    void trainsOnRecordedHistoryAndNamesABadRow(@TempDir Path tmp) throws Exception {
        var s = TrendScenarios.generate(TrendScenarios.Kind.LINEAR, 11, 3000, 5200);
        StringBuilder csv = new StringBuilder("timestamp,line,score,outcome\n");
        for (int i = 0; i < s.length(); i++) {
            csv.append(1_700_000_000L + i).append(",press-3,").append(s.scores()[i]).append(',')
                    .append(s.rejected()[i] ? "defect" : "pass").append('\n');
        }
        csv.append("1800000000,press-3,NaN,pass\n");
        Path history = tmp.resolve("history.csv");
        Files.writeString(history, csv);
        Path model = tmp.resolve("m");
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("train-trend", "--out", model.toString(), "--sequences", "12", "--epochs", "1",
                "--history", history.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(model.resolve("model.json"));
        assertTrue(json.contains(history.toString()), "model.json names the history it was trained on");

        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "timestamp,line,score,outcome\n1,a,0.1,pass\nyesterday,a,0.2,pass\n");
        TrainEvalCliTest.Run b = TrainEvalCliTest.run("train-trend", "--out", tmp.resolve("m2").toString(), "--sequences", "12",
                "--epochs", "1", "--history", bad.toString());
        assertEquals(1, b.code());
        assertTrue(b.err().contains(bad + " row 3") && b.err().contains("yesterday"), b.err());
    }

    @Test
    void eachLineFeedsOnlyTheDetectorsChosenForIt() {
        var both = new io.sightline.postprocess.trend.CusumChart(2, 10, 0.5, 5);
        var onlyLine0 = new io.sightline.postprocess.trend.EwmaChart(2, 10, 0.1, 3);
        TrendStage stage = new TrendStage(java.util.List.of(both, onlyLine0), new boolean[][] {{true, true}, {true, false}},
                new StationTest.CountingSink(), 2);
        for (int i = 0; i < 20; i++) {
            stage.onOutcome(0, i, i, io.sightline.postprocess.Outcome.PASS, 0.1f + (i % 3) * 0.05f);
            stage.onOutcome(1, i, i, io.sightline.postprocess.Outcome.REJECT_DEFECT, 0.9f - (i % 3) * 0.05f);
        }
        assertFalse(Double.isNaN(both.statistic(1)));
        assertFalse(Double.isNaN(onlyLine0.statistic(0)));
        assertTrue(Double.isNaN(onlyLine0.statistic(1)), "line 1 never reached the EWMA chart");
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("demo", "--trend-line", "5=ewma", "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--trend-line") && r.err().contains("5=ewma"), r.err());
    }
}
