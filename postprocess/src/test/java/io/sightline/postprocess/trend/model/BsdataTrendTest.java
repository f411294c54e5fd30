package io.sightline.postprocess.trend.model;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.inference.TrendLstm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every detector (the shipped LSTM on real TensorFlow, the charts) over made-up series shaped like
 * BSData's: 69 images in capture-time order, pitting from image 44; the JSON contract and the
 * counting of series listed twice.
 */
class BsdataTrendTest {
    /** Series a and its twin b (the same images), c that never pits; scores low and noisy, high after pitting. */
    static List<BsdataTrend.Image> index() {
        List<BsdataTrend.Image> images = new ArrayList<>();
        for (int i = 0; i < 69; i++) {
            // capture time yymmddhhmmss, given out of order to check the sorting
            String t = String.format("2009%02d%06d", 1 + (68 - i) / 30, 100000 + (68 - i) * 10);
            images.add(new BsdataTrend.Image("01_" + t + "_a.jpg", 68 - i >= 44, List.of("a", "b")));
            images.add(new BsdataTrend.Image("01_" + t + "_c.jpg", false, List.of("c")));
        }
        return images;
    }

    @Test
    void everyDetectorOnEverySeriesWithItsOwnBaseline() {
        List<BsdataTrend.Image> images = index();
        Map<String, Float> scores = new java.util.HashMap<>();
        java.util.Random r = new java.util.Random(3);
        for (BsdataTrend.Image b : images) {
            scores.put(b.file(), b.pitting() ? 0.8f + 0.2f * r.nextFloat() : 0.05f + 0.1f * r.nextFloat());
        }
        List<BsdataTrend.Series> series = BsdataTrend.series(images, scores);
        assertEquals(List.of("a", "b", "c"), series.stream().map(BsdataTrend.Series::name).toList());
        assertEquals(44, series.get(0).changeAt(), "the first pitted image in capture-time order");
        assertEquals(-1, series.get(2).changeAt());
        assertEquals(22, series.get(0).baseline());
        Map<String, Double> sensitivities = Map.of("lstm", 0.8522, "ewma", 5.5547, "cusum", 13.4609, "pchart", 3.0313);
        Map<String, Object> result;
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(Path.of("..", "models", "trend"))) {
            result = BsdataTrend.evaluate(series, Map.of("a", 0, "b", 0, "c", 1), sensitivities, runner);
        }
        assertEquals(3, result.get("series"));
        assertEquals(2L, result.get("pitting"));
        assertEquals(2, result.get("distinctSeries"), "b has a's images");
        assertEquals(1L, result.get("distinctPitting"));
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> detectors = (Map<String, Map<String, Object>>) result.get("detectors");
        assertEquals(BsdataTrend.DETECTORS, List.copyOf(detectors.keySet()));
        for (var e : detectors.entrySet()) {
            Map<String, Object> row = e.getValue();
            assertEquals(2, row.get("detected"), e.getKey() + " catches a jump from 0.1 to 0.9: " + row);
            for (String field : List.of("falseAlarmsBeforeChangePerSeries", "meanDelayImages", "medianDelayImages")) {
                assertTrue(row.containsKey(field), e.getKey() + " has " + field);
            }
        }
        @SuppressWarnings("unchecked") List<Map<String, Object>> perSeries = (List<Map<String, Object>>) result.get("perSeries");
        assertEquals("b", perSeries.get(0).get("sameImagesAs"));
        assertEquals(1, perSeries.get(0).get("fold"));
        assertEquals(22, perSeries.get(0).get("baselineImages"));
        assertEquals(34, perSeries.get(2).get("baselineImages"));
        for (Map<String, Object> row : perSeries) {
            double logSd = (double) row.get("lstmIntervalLogSd");
            assertTrue(logSd > 0.5, "no reject in the baseline: the LSTM's interval is wide, " + row.get("name") + " " + logSd);
        }
        assertNotNull(perSeries.get(0).get("sdFactor90"));
        @SuppressWarnings("unchecked") List<Float> replay = (List<Float>) perSeries.get(0).get("scores");
        assertEquals(series.get(0).scores().length, replay.size(), "every image's score, to replay the series");
        assertEquals(series.get(0).scores()[44], replay.get(44), 1e-4f);
    }

    @Test
    void refusesAMissingSensitivity() {
        List<BsdataTrend.Series> series = BsdataTrend.series(index(), Map.of());
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(Path.of("..", "models", "trend"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> BsdataTrend.evaluate(series, null, Map.of("lstm", 1.0), runner));
            assertTrue(e.getMessage().contains("ewma"), e.getMessage());
        }
    }
}
