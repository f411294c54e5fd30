package io.sightline.bench;

import io.sightline.bench.inspect.InspectLoad;
import io.sightline.capture.FrameSource;
import io.sightline.station.Station;
import io.sightline.station.web.StationMetrics;
import io.sightline.station.web.StationServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inspection API traffic beside a running station: its own loopback server serving
 * {@code /api/inspect} over the station's lines, and a paced client sending a rendered part of
 * the first line's frame size to line 0 ({@link InspectLoad.Paced}).
 */
final class ApiLoad implements AutoCloseable {
    private final StationMetrics metrics;
    private final StationServer server;
    private final InspectLoad.Paced client;
    private Map<String, Object> figures;

    private ApiLoad(StationMetrics metrics, StationServer server, InspectLoad.Paced client) {
        this.metrics = metrics;
        this.server = server;
        this.client = client;
    }

    /** Serves the station's inspection API and sends {@code rate} requests a second to line 0 until stopped. */
    static ApiLoad start(Station station, FrameSource line0, double rate) {
        StationMetrics metrics = new StationMetrics(station);
        StationServer server = null;
        try {
            server = new StationServer(station, metrics, StationServer.Options.loopback(0));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < station.config().lines(); i++) names.add("line-" + i);
            server.serveInspections(station.inspector(names, 16L << 20));
            InspectLoad.Paced client = new InspectLoad.Paced(server.url() + "api/inspect?line=line-0",
                    InspectLoad.partPng(line0.maxWidth(), line0.maxHeight()), rate).start();
            return new ApiLoad(metrics, server, client);
        } catch (java.io.IOException | RuntimeException e) {
            if (server != null) server.close();
            metrics.close();
            throw new IllegalStateException("inspection API load: the server could not start: " + e.getMessage(), e);
        }
    }

    /** Stops the client (waiting for its answers) and returns what it saw; the server keeps running until {@link #close}. */
    Map<String, Object> stop() throws InterruptedException {
        if (figures == null) figures = client.stop();
        return figures;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        server.close();
        metrics.close();
    }
}
