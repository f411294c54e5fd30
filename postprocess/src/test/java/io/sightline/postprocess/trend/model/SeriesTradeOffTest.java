package io.sightline.postprocess.trend.model;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SeriesTradeOffTest {
    @BeforeAll
    static void natives() {
        Natives.tensorflow();
    }

    /**
     * Series of 60 images whose scores climb to certain defects from image 40; the last never
     * changes but rejects half its images from image 40 on (as BSData's one series without pitting
     * does).
     */
    static List<BsdataTrend.Series> series() {
        Random r = new Random(11);
        List<BsdataTrend.Series> list = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            boolean changes = k < 5;
            float[] scores = new float[60];
            boolean[] rejected = new boolean[60];
            List<String> files = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                float s = 0.03f + 0.04f * r.nextFloat();
                if (changes && i >= 40) s = Math.min(1f, 0.1f + 0.15f * (i - 40) + 0.05f * r.nextFloat());
                if (!changes && i >= 40 && r.nextFloat() < 0.5f) s = 0.6f + 0.3f * r.nextFloat();
                scores[i] = s;
                rejected[i] = s >= BsdataTrend.REJECT_AT;
                files.add("s" + k + "_" + i + ".jpg");
            }
            list.add(new BsdataTrend.Series("s" + k, files, scores, rejected, changes ? 40 : -1));
        }
        return list;
    }

    @Test
    void everyCurvePassesThroughTheMatchedSettingAndStricterMeansNoMoreFalseAlarmsAtTheEnds() {
        Map<String, Double> matched = Map.of("lstm", 0.85, "ewma", 5.5547, "cusum", 13.4609, "pchart", 3.0313);
        List<BsdataTrend.Series> series = series();
        Map<String, List<Map<String, Object>>> curves;
        Map<String, Object> evaluated;
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(Path.of("..", "models", "trend"))) {
            curves = SeriesTradeOff.sweep(series, matched, runner);
            evaluated = BsdataTrend.evaluate(series, null, matched, runner, 2);
        }
        assertEquals(List.of("lstmWindow1", "lstmWindow2", "ewma", "cusum", "pchart"), List.copyOf(curves.keySet()));
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> rows = (Map<String, Map<String, Object>>) evaluated.get("detectors");
        for (var e : curves.entrySet()) {
            List<Map<String, Object>> curve = e.getValue();
            assertEquals(SeriesTradeOff.FACTORS.length, curve.size());
            Map<String, Object> atMatched = curve.stream().filter(p -> (double) p.get("factor") == 1).findFirst().orElseThrow();
            String detector = e.getKey().startsWith("lstm") ? "lstm" : e.getKey();
            assertEquals(matched.get(detector), (double) atMatched.get("sensitivity"), 1e-4);
            if (!e.getKey().equals("lstmWindow1")) {
                // the evaluation's own row (the LSTM in windows of 2) is the curve's matched point
                for (String field : List.of("detected", "falseAlarmsBeforeChange", "meanDelayImages")) {
                    assertEquals(rows.get(detector).get(field), atMatched.get(field), e.getKey() + " " + field);
                }
            }
            int loosest = ((Number) curve.get(0).get("falseAlarmsBeforeChange")).intValue();
            int strictest = ((Number) curve.get(curve.size() - 1).get("falseAlarmsBeforeChange")).intValue();
            assertTrue(strictest <= loosest, e.getKey() + ": a 3x stricter setting raises no more false alarms than a 0.7x one");
        }
        assertTrue(curves.values().stream().allMatch(c -> ((Number) c.get(0).get("falseAlarmsBeforeChange")).intValue() > 0),
                "the noisy series that never changes draws false alarms from every detector at its loosest");
        assertThrows(IllegalArgumentException.class, () -> SeriesTradeOff.sweep(series, Map.of("lstm", 1.0), null));
    }
}
