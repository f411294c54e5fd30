package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.trend.TrendAlarm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StationReportTest {
    @Test
    void raisedAlarmsCarryTheirForecastIntoTheSummary() {
        TrendAlarm.Forecast f = new TrendAlarm.Forecast(0.052, 0.038, 0.0707, 0.9, 500, 0.03);
        List<TrendAlarm> all = List.of(
                new TrendAlarm(1, "rate-cusum", 3_000_000_000L, 1033, 6.8, 6.1, true, "class rate above 3x", f, "crack"),
                new TrendAlarm(1, "rate-cusum", 4_000_000_000L, 1200, 2.0, 6.1, false, "back below", f, "crack"),
                new TrendAlarm(0, "cusum", 5_000_000_000L, 1500, 14.0, 13.5, true, "above the limit", null, null));
        List<Map<String, Object>> raised = StationReport.trendAlarms(all, 1_000_000_000L);
        assertEquals(2, raised.size(), "cleared alarms are not listed");
        assertEquals("crack", raised.get(0).get("class"));
        assertEquals(2.0, raised.get(0).get("time"));
        @SuppressWarnings("unchecked")
        Map<String, Object> forecast = (Map<String, Object>) raised.get(0).get("forecast");
        assertEquals(0.052, forecast.get("rate"));
        assertEquals(500, forecast.get("horizonParts"));
        assertFalse(raised.get(1).containsKey("forecast"), "a chart's alarm has no forecast");
    }
}
