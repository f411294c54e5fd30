package io.sightline.station.web;

import com.sun.net.httpserver.HttpExchange;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.station.eval.DefectOverlay;
import io.sightline.station.inspect.InspectException;
import io.sightline.station.inspect.Inspector;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * {@code POST /api/inspect?line=NAME[&map=png]}: HTTP around {@link Inspector}. The body limit is
 * checked from {@code Content-Length} before a byte is read, and again while reading; a browser's
 * cross-origin request is refused. The answer is JSON, or with {@code map=png} the defect map drawn
 * over the image the model saw (PNG, the verdict in {@code X-Sightline-*} headers). The read role
 * is enough: it changes nothing. {@link StationServer} checked the token before this runs.
 */
final class InspectRequests {
    /** The overlay PNG is drawn at least this wide (the model's input scaled up by a whole factor). */
    static final int OVERLAY_MIN_WIDTH = 512;

    private InspectRequests() {
    }

    static void post(HttpExchange ex, Inspector inspector, Map<String, String> query, String scheme) throws IOException {
        if (inspector == null) throw new StationServer.HttpError(501, "this server was started without the inspection API");
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals(scheme + "://" + host)) {
            throw new StationServer.HttpError(403, "cross-origin inspection request from " + origin + " refused");
        }
        for (String k : query.keySet()) {
            if (!k.equals("line") && !k.equals("map") && !k.equals("token")) {
                throw new StationServer.HttpError(400, "unknown query parameter '" + k + "': expected line=NAME and optionally map=png");
            }
        }
        String map = query.get("map");
        if (map != null && !map.equals("png") && !map.equals("none")) {
            throw new StationServer.HttpError(400, "map: expected png (the defect map drawn over the image) or none, got '" + map + "'");
        }
        boolean png = "png".equals(map);
        if (png && inspector.mapWidth() == 0) {
            throw new StationServer.HttpError(400, "map=png: model " + inspector.modelInfo().name() + " has no defect map");
        }
        byte[] body = body(ex, inspector.maxBodyBytes());
        Inspector.Result r;
        try {
            r = inspector.inspect(query.get("line"), ex.getRequestHeaders().getFirst("Content-Type"), body);
        } catch (InspectException e) {
            throw new StationServer.HttpError(e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StationServer.HttpError(503, "the server is stopping");
        }
        ex.getResponseHeaders().set("X-Sightline-Score", Float.toString(r.score()));
        ex.getResponseHeaders().set("X-Sightline-Decision", r.decision());
        if (png) {
            StationServer.send(ex, 200, "image/png", overlay(r, inspector.modelInfo(), inspector.mapWidth(), inspector.mapHeight()));
        } else {
            StationServer.sendJson(ex, 200, json(r, inspector));
        }
    }

    private static byte[] body(HttpExchange ex, long max) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        String tooLarge = "request body: expected at most " + max + " bytes (the inspection API's body limit, server.inspect-max-mb)";
        try (InputStream in = ex.getRequestBody()) {
            if (length != null) {
                long declared;
                try {
                    declared = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    throw new StationServer.HttpError(400, "Content-Length: expected a number of bytes, got '" + length + "'");
                }
                if (declared > max) {
                    discard(in);
                    throw new StationServer.HttpError(413, tooLarge + ", got " + declared);
                }
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                discard(in);
                throw new StationServer.HttpError(413, tooLarge);
            }
            if (body.length == 0) throw new StationServer.HttpError(400, "request body: expected an image, got none");
            return body;
        }
    }

    /**
     * Reads and drops what is left of a refused body, at most {@value #DISCARD_MAX_BYTES} bytes, so that
     * the client, still sending, reads the 413 rather than a reset connection; beyond that the connection is cut.
     */
    private static void discard(InputStream in) throws IOException {
        byte[] chunk = new byte[64 << 10];
        long dropped = 0;
        int n;
        while (dropped < DISCARD_MAX_BYTES && (n = in.read(chunk)) > 0) dropped += n;
    }

    /** The most bytes of a refused body read and dropped before answering 413. */
    static final long DISCARD_MAX_BYTES = 64L << 20;

    static Map<String, Object> json(Inspector.Result r, Inspector inspector) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", r.line());
        m.put("score", r.score());
        m.put("decision", r.decision());
        m.put("threshold", r.threshold());
        m.put("classes", r.classes());
        if (r.box() == null) {
            m.put("defectBox", null);
        } else {
            Map<String, Integer> box = new LinkedHashMap<>();
            box.put("x", r.box()[0]);
            box.put("y", r.box()[1]);
            box.put("width", r.box()[2]);
            box.put("height", r.box()[3]);
            m.put("defectBox", box);
        }
        m.put("model", r.model());
        m.put("image", Map.of("width", r.width(), "height", r.height()));
        m.put("queueMs", r.queueMillis());
        m.put("batchRows", r.batchRows());
        return m;
    }

    /** The model's input, scaled up to at least {@value #OVERLAY_MIN_WIDTH} px wide, under its defect map and box. */
    static byte[] overlay(Inspector.Result r, ModelInfo info, int mapWidth, int mapHeight) {
        int scale = Math.max(1, (OVERLAY_MIN_WIDTH + info.inputWidth() - 1) / info.inputWidth());
        try (Mat view = DefectOverlay.modelView(r.tensor(), info); Mat big = new Mat();
             Size size = new Size(info.inputWidth() * scale, info.inputHeight() * scale); BytePointer out = new BytePointer()) {
            opencv_imgproc.resize(view, big, size, 0, 0, opencv_imgproc.INTER_NEAREST);
            DefectOverlay.draw(big, r.map(), new ModelScoring.Maps(mapWidth, mapHeight, info.inputWidth(), info.inputHeight(), null));
            if (!opencv_imgcodecs.imencode(".png", big, out)) throw new IllegalStateException("the overlay could not be encoded as PNG");
            byte[] png = new byte[(int) out.limit()];
            out.get(png);
            return png;
        }
    }
}
