package io.sightline.station.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.sightline.postprocess.Outcome;
import io.sightline.station.telemetry.StationTelemetry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code GET /api/cameras/{i}/latest.png}: each camera's latest decided frame as a PNG, rendered
 * once per frame and width and cached, with an ETag and headers saying which part and decision
 * the picture shows.
 */
final class CameraImages {
    /** A camera's last rendered frame and what it shows. */
    private record CachedImage(long version, int width, byte[] png, long partId, Outcome outcome, float score) {}

    private final StationTelemetry telemetry;
    private final AtomicReferenceArray<CachedImage> images;

    CameraImages(StationTelemetry telemetry) {
        this.telemetry = telemetry;
        this.images = new AtomicReferenceArray<>(telemetry.cameras());
    }

    /** Sends camera {@code index}'s latest decided frame as a PNG, or 304 when the client has this version. */
    void serve(HttpExchange ex, String index, Map<String, String> query) throws IOException {
        StationTelemetry t = telemetry;
        int cameras = t.cameras();
        int camera;
        try {
            camera = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            camera = -1;
        }
        if (camera < 0 || camera >= cameras) {
            throw new StationServer.HttpError(400, "camera index '" + index + "': expected 0 to " + (cameras - 1) + " (this station has "
                    + cameras + " camera" + (cameras == 1 ? "" : "s") + ")");
        }
        StationTelemetry.Frame meta = t.latestFrame(camera, false);
        if (meta == null) throw new StationServer.HttpError(404, "camera " + camera + " has no decided frame yet");
        int width = StationServer.intParam(query, "width", Math.min(StationServer.DEFAULT_IMAGE_WIDTH, meta.width()), 16, meta.width());
        CachedImage cached = images.get(camera);
        if (cached == null || cached.version() != meta.version() || cached.width() != width) {
            StationTelemetry.Frame f = t.latestFrame(camera, true);
            if (f == null) throw new StationServer.HttpError(503, "camera " + camera + "'s frame is being replaced too often to be read; try again");
            cached = new CachedImage(f.version(), width, FrameImages.png(f, width), f.partId(), f.outcome(), f.score());
            images.set(camera, cached);
        }
        String etag = "\"c" + camera + "-v" + cached.version() + "-w" + width + "\"";
        Headers h = ex.getResponseHeaders();
        h.set("ETag", etag);
        h.set("Cache-Control", "private, no-cache");
        // what the picture shows, so that a page can caption it with this frame's decision and no other
        h.set("X-Sightline-Part", Long.toString(cached.partId()));
        h.set("X-Sightline-Decision", cached.outcome().decision());
        h.set("X-Sightline-Label", FrameImages.label(cached.outcome()));
        h.set("X-Sightline-Score", Float.isNaN(cached.score()) ? "" : String.format(java.util.Locale.ROOT, "%.3f", cached.score()));
        if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
            StationServer.send(ex, 304, null, null);
            return;
        }
        StationServer.send(ex, 200, "image/png", cached.png());
    }
}
