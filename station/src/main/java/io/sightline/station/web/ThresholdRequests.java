package io.sightline.station.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.sightline.station.Station;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/thresholds}: the checks a threshold change passes (those of every change,
 * {@link OperateRequests}; a threshold in (0, 1], a line the station has) before the server hands it to
 * the station's {@link ThresholdControl}, and who asked, for its journal. The operate role is
 * checked by {@link StationServer} before this runs.
 */
final class ThresholdRequests {

    private ThresholdRequests() {
    }

    static void post(HttpExchange ex, Station station, ThresholdControl control, TokenAuth auth, String scheme) throws IOException {
        if (control == null) throw new StationServer.HttpError(501, "this station was started without threshold control");
        String expected = "expected a JSON object like {\"threshold\":0.6} or {\"line\":1,\"threshold\":0.6}";
        OperateRequests.Checked request = OperateRequests.read(ex, auth, scheme, "threshold changes", List.of("threshold", "line"), expected);
        JsonNode json = request.json();
        JsonNode t = json.get("threshold");
        if (t == null || !t.isNumber() || !(t.doubleValue() > 0 && t.doubleValue() <= 1)) {
            throw new StationServer.HttpError(400, "threshold: expected a number in (0, 1], got " + (t == null ? "none" : t.toString()));
        }
        int lines = station.telemetry().lines();
        Integer line = null;
        JsonNode l = json.get("line");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || !l.canConvertToInt() || l.intValue() < 0 || l.intValue() >= lines) {
                throw new StationServer.HttpError(400, "line: expected 0 to " + (lines - 1) + " (this station has " + lines + " line"
                        + (lines == 1 ? "" : "s") + "), got " + l);
            }
            line = l.intValue();
        }
        String by = request.by();
        float threshold = (float) t.doubleValue();
        String result;
        try {
            result = control.apply(line, threshold, by);
        } catch (IllegalArgumentException e) {
            throw new StationServer.HttpError(400, e.getMessage());
        }
        LoggerFactory.getLogger(StationServer.class).info("threshold {} for {} requested by {}: {}", threshold, line == null ? "every line" : "line " + line, by, result);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", result);
        m.put("line", line);
        m.put("threshold", threshold);
        m.put("requestedBy", by);
        StationServer.sendJson(ex, 200, m);
    }

}
