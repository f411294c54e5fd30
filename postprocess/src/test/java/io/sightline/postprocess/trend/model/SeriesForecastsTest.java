package io.sightline.postprocess.trend.model;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SeriesForecastsTest {
    @BeforeAll
    static void natives() {
        Natives.tensorflow();
    }

    @Test
    void theLstmForeseesScoresClimbingToRejectsWhereTheRejectRateAloneCannot() {
        List<BsdataTrend.Series> series = SeriesTradeOffTest.series();
        Map<String, Double> matched = Map.of("lstm", 0.85, "ewma", 5.5547, "cusum", 13.4609, "pchart", 3.0313);
        Map<String, Object> out;
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(Path.of("..", "models", "trend"))) {
            out = SeriesForecasts.skills(series, matched, runner, 2);
        }
        assertEquals(SeriesForecasts.HORIZON_IMAGES, out.get("horizonImages"));
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> f = (Map<String, Map<String, Object>>) out.get("forecasters");
        assertEquals(List.of("lstm", "lstmAlone", "ewma"), List.copyOf(f.keySet()));
        for (var e : f.entrySet()) assertEquals(series.size(), e.getValue().get("series"), e.getKey() + ": every series has rejects ahead");
        double lstm = (double) f.get("lstmAlone").get("pooledSkill");
        double ewma = (double) f.get("ewma").get("pooledSkill");
        System.out.printf("series forecasts: pooled skill LSTM alone %.3f, published %s, EWMA %.3f%n", lstm,
                f.get("lstm").get("pooledSkill"), ewma);
        // the scores climb for several images before the first reject: the LSTM reads the climb, the EWMA of rejects cannot
        assertTrue(lstm > 0.2 && lstm > ewma + 0.1, "LSTM skill " + lstm + " against EWMA's " + ewma);
        @SuppressWarnings("unchecked") Map<String, Map<String, Object>> perSeries = (Map<String, Map<String, Object>>) out.get("perSeries");
        assertEquals(series.size(), perSeries.size());
        assertTrue((int) out.get("lstmAtLeastEwma") >= 1 && (int) out.get("seriesJudged") == series.size());
    }
}
