package io.sightline.station.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.sightline.station.Station;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/thresholds}: the checks a threshold change passes (loopback without a token,
 * same origin, JSON, a threshold in (0, 1], a line the station has) before the server hands it to
 * the station's {@link ThresholdControl}, and who asked, for its journal. The operate role is
 * checked by {@link StationServer} before this runs.
 */
final class ThresholdRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BODY_BYTES = StationServer.MAX_BODY_BYTES;

    private ThresholdRequests() {
    }

    static void post(HttpExchange ex, Station station, ThresholdControl control, TokenAuth auth, String scheme) throws IOException {
        if (control == null) throw new StationServer.HttpError(501, "this station was started without threshold control");
        InetAddress remote = ex.getRemoteAddress().getAddress();
        if (!auth.hasToken() && !remote.isLoopbackAddress()) {
            throw new StationServer.HttpError(403, "threshold changes without a token are taken from this machine only, not from " + remote.getHostAddress());
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals(scheme + "://" + host)) {
            throw new StationServer.HttpError(403, "cross-origin threshold change from " + origin + " refused");
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new StationServer.HttpError(415, "Content-Type: expected application/json, got " + (type == null ? "none" : "'" + type + "'"));
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) throw new StationServer.HttpError(413, "request body: expected at most " + MAX_BODY_BYTES + " bytes");
        String expected = "expected a JSON object like {\"threshold\":0.6} or {\"line\":1,\"threshold\":0.6}";
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new StationServer.HttpError(400, "request body is not valid JSON (" + e.getOriginalMessage() + "): " + expected);
        }
        if (json == null || !json.isObject()) throw new StationServer.HttpError(400, "request body: " + expected);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!List.of("threshold", "line", "by").contains(field)) {
                throw new StationServer.HttpError(400, "unknown field '" + field + "': " + expected + " (optionally \"by\": the operator's name)");
            }
        }
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
        String by = "http " + remote.getHostAddress() + (auth.hasToken() ? " (token)" : "");
        JsonNode operator = json.get("by");
        if (operator != null && !operator.isNull()) {
            if (!operator.isTextual() || operator.textValue().isBlank() || operator.textValue().length() > 64
                    || !operator.textValue().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f)) {
                throw new StationServer.HttpError(400, "by: expected the operator's name, 1 to 64 printable characters, got " + operator);
            }
            by = operator.textValue().strip() + " via " + by;
        }
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
