package io.sightline.station.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.sightline.station.Station;
import io.sightline.station.models.ModelStore;
import io.sightline.station.models.ModelSwitch;
import io.sightline.station.models.ShadowRun;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/models/live}: swaps the running station's model ({@code {"model": "v2"}}, a store
 * version or a package folder on the station's machine) or rolls back ({@code {"rollback": true}}),
 * after the checks of every change ({@link OperateRequests}); and the {@code model} part of
 * {@code GET /api/state}. The swap itself is {@link ModelSwitch}'s: a refused model is a 422 naming
 * why, and the old one keeps running.
 */
final class ModelRequests {
    private static final String EXPECTED = "expected a JSON object like {\"model\":\"v2\"} (a version of the model store, or a model "
            + "package folder on the station) or {\"rollback\":true}";

    private ModelRequests() {
    }

    static void post(HttpExchange ex, Station station, TokenAuth auth, String scheme) throws IOException {
        OperateRequests.Checked request = OperateRequests.read(ex, auth, scheme, "model changes", List.of("model", "rollback"), EXPECTED);
        JsonNode json = request.json();
        JsonNode model = json.get("model");
        JsonNode rollback = json.get("rollback");
        boolean back = rollback != null && rollback.isBoolean() && rollback.booleanValue();
        if (rollback != null && !rollback.isBoolean()) throw new StationServer.HttpError(400, "rollback: expected true, got " + rollback);
        if ((model == null) == !back) throw new StationServer.HttpError(400, "request body: " + EXPECTED + " (one of the two)");
        if (model != null && (!model.isTextual() || model.textValue().isBlank() || model.textValue().length() > 1024)) {
            throw new StationServer.HttpError(400, "model: expected a store version or a package folder, got " + model);
        }
        ModelSwitch models = station.models();
        String result;
        try {
            result = back ? models.rollback(request.by()) : models.swap(models.resolve(model.textValue()), request.by());
        } catch (IllegalArgumentException e) { // refused: the old model keeps running
            throw new StationServer.HttpError(422, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StationServer.HttpError(503, "the station is stopping");
        }
        LoggerFactory.getLogger(StationServer.class).info("model change requested by {}: {}", request.by(), result);
        Map<String, Object> m = state(station);
        m.put("applied", result);
        m.put("requestedBy", request.by());
        StationServer.sendJson(ex, 200, m);
    }

    private static final String SHADOW_EXPECTED = "expected a JSON object like {\"model\":\"v2\"}, optionally with \"threshold\" "
            + "(the candidate's, on every line; default each line's own) and \"sample\" (score every n-th frame, 1 to 1000, default "
            + ShadowRun.DEFAULT_SAMPLE_EVERY + "), or {\"stop\":true}";

    /** {@code POST /api/models/shadow}: starts a shadow run of a candidate (replacing the one running), or stops it. */
    static void postShadow(HttpExchange ex, Station station, TokenAuth auth, String scheme) throws IOException {
        OperateRequests.Checked request = OperateRequests.read(ex, auth, scheme, "model changes", List.of("model", "threshold", "sample", "stop"),
                SHADOW_EXPECTED);
        JsonNode json = request.json();
        JsonNode stop = json.get("stop");
        JsonNode model = json.get("model");
        ModelSwitch models = station.models();
        Map<String, Object> m = new LinkedHashMap<>();
        if (stop != null) {
            if (!stop.isBoolean() || !stop.booleanValue() || model != null) throw new StationServer.HttpError(400, "request body: " + SHADOW_EXPECTED);
            ShadowRun.Figures last = models.stopShadow(request.by());
            m.put("stopped", last == null ? null : last.toMap());
        } else {
            if (model == null || !model.isTextual() || model.textValue().isBlank() || model.textValue().length() > 1024) {
                throw new StationServer.HttpError(400, "model: expected a store version or a package folder, got " + model);
            }
            JsonNode t = json.get("threshold");
            if (t != null && (!t.isNumber() || !(t.doubleValue() > 0 && t.doubleValue() <= 1))) {
                throw new StationServer.HttpError(400, "threshold: expected a number in (0, 1], got " + t);
            }
            JsonNode sample = json.get("sample");
            if (sample != null && (!sample.isIntegralNumber() || sample.asLong() < 1 || sample.asLong() > 1000)) {
                throw new StationServer.HttpError(400, "sample: expected every n-th frame, n from 1 to 1000, got " + sample);
            }
            try {
                models.startShadow(models.resolve(model.textValue()), t == null ? null : (float) t.doubleValue(),
                        sample == null ? ShadowRun.DEFAULT_SAMPLE_EVERY : sample.intValue(), request.by());
            } catch (IllegalArgumentException e) {
                throw new StationServer.HttpError(422, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StationServer.HttpError(503, "the station is stopping");
            }
        }
        m.put("model", state(station));
        m.put("requestedBy", request.by());
        StationServer.sendJson(ex, 200, m);
    }

    /** The live model, the store's live pointer, the swap counts and the shadow run's figures. */
    static Map<String, Object> state(Station station) {
        ModelSwitch models = station.models();
        ModelSwitch.Live live = models.live();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", live.label());
        m.put("name", live.version().name());
        m.put("version", live.version().version());
        m.put("sha256", live.version().contentHash());
        m.put("dir", live.dir().toString());
        ModelStore store = models.store();
        if (store != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("dir", store.dir().toString());
            try {
                s.put("live", store.live());
            } catch (IllegalArgumentException e) {
                s.put("error", e.getMessage());
            }
            m.put("store", s);
        }
        var shadow = models.shadow();
        m.put("shadow", shadow == null ? null : shadow.toMap());
        m.put("swaps", models.swaps());
        m.put("rollbacks", models.rollbacks());
        m.put("refused", models.refused());
        return m;
    }
}
