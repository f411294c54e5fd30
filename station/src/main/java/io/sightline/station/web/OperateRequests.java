package io.sightline.station.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.List;

/**
 * The checks every request that changes the running station passes ({@code POST /api/thresholds},
 * {@code POST /api/models/live}) before its own fields are read: without a token only from this
 * machine, same origin, {@code application/json}, at most {@value #MAX_BODY_BYTES} bytes, a JSON
 * object with only the fields the endpoint knows; and who asked, for the journal. The operate role
 * is checked by {@link StationServer} before this runs.
 */
final class OperateRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BODY_BYTES = StationServer.MAX_BODY_BYTES;

    /** The request's JSON object, and who asked ("http 127.0.0.1 (token)", or "alice via ..." with "by"). */
    record Checked(JsonNode json, String by) {}

    private OperateRequests() {
    }

    /**
     * @param what the change, for messages ("threshold changes")
     * @param fields the fields the endpoint reads besides "by"
     * @param expected what a valid body looks like, for messages
     */
    static Checked read(HttpExchange ex, TokenAuth auth, String scheme, String what, List<String> fields, String expected) throws IOException {
        InetAddress remote = ex.getRemoteAddress().getAddress();
        if (!auth.hasToken() && !remote.isLoopbackAddress()) {
            throw new StationServer.HttpError(403, what + " without a token are taken from this machine only, not from " + remote.getHostAddress());
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals(scheme + "://" + host)) {
            throw new StationServer.HttpError(403, "cross-origin " + what.replaceFirst("s$", "") + " from " + origin + " refused");
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
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new StationServer.HttpError(400, "request body is not valid JSON (" + e.getOriginalMessage() + "): " + expected);
        }
        if (json == null || !json.isObject()) throw new StationServer.HttpError(400, "request body: " + expected);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("by") && !fields.contains(field)) {
                throw new StationServer.HttpError(400, "unknown field '" + field + "': " + expected + " (optionally \"by\": the operator's name)");
            }
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
        return new Checked(json, by);
    }
}
