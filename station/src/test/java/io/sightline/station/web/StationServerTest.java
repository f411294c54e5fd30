package io.sightline.station.web;

import static io.sightline.station.web.PrometheusText.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.LineCounters;
import io.sightline.postprocess.Outcome;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationStats;
import io.sightline.station.telemetry.StationTelemetry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server and the metrics against a real station that ran a known number of parts and stopped
 * (so every figure is final and can be compared exactly): /metrics, /api/state, /api/rejects, the
 * camera image, the threshold endpoint's checks and the token rules.
 */
class StationServerTest {
    static final int LINES = 2;
    static final int FRAMES = 120;
    static final String TOKEN = "server-test-token-abcdef0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    /** A threshold control that records each call and refuses 0.99, as a station might. */
    record Call(Integer line, float threshold, String requestedBy) {}

    static final List<Call> calls = new CopyOnWriteArrayList<>();
    static final ThresholdControl CONTROL = new ThresholdControl() {
        @Override
        public String apply(Integer line, float threshold, String requestedBy) {
            if (threshold == 0.99f) throw new IllegalArgumentException("threshold 0.99 refused: above the calibrated maximum 0.9");
            calls.add(new Call(line, threshold, requestedBy));
            return (line == null ? "every line" : "line " + line) + ": threshold " + threshold;
        }

        @Override
        public float current(int line) {
            return line == 1 ? 0.7f : Float.NaN;
        }
    };

    @TempDir
    static Path tmp;
    static TestStation test;
    static StationStats stats;
    static StationMetrics metrics;
    static StationServer server;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void runStationAndServe() throws Exception {
        test = new TestStation(tmp, LINES, 640, 512, 100, FRAMES, 0.3);
        test.station.start();
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!test.station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
        stats = test.station.stop(Duration.ofSeconds(30));
        assertEquals(LINES * FRAMES, stats.captured());
        metrics = new StationMetrics(test.station);
        server = new StationServer(test.station, metrics, StationServer.Options.loopback(0).withJournal(test.journalFile)
                .withThresholds(CONTROL).withName("server-test"));
    }

    @AfterAll
    static void close() throws Exception {
        if (server != null) server.close();
        if (metrics != null) metrics.close();
        if (test != null) test.close();
    }

    // ---- helpers

    static HttpResponse<byte[]> get(StationServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url()).resolve(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(StationServer s, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url()).resolve(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> postJson(String body) throws Exception {
        return post(server, "/api/thresholds", body, "Content-Type", "application/json");
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** An error response: its status and its message, which must name {@code mentions}. */
    static void assertError(int status, HttpResponse<byte[]> r, String mentions) throws Exception {
        assertEquals(status, r.statusCode(), text(r));
        String message = json(r).path("error").asText();
        assertTrue(message.contains(mentions), "the message names '" + mentions + "': " + message);
    }

    // ---- /metrics

    @Test
    void metricsGiveTheStationsCountersWithTheirLabels() throws Exception {
        HttpResponse<byte[]> r = get(server, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        String body = text(r);
        assertTrue(body.contains("# HELP sightline_outcomes_total "), "metrics carry their help text");
        assertTrue(body.contains("# TYPE sightline_stage_latency_seconds histogram"), "stage latencies are Prometheus histograms");
        List<Sample> s = parse(body);
        LineCounters c = test.station.lineCounters();
        long rejectedAll = 0;
        long failSafeAll = 0;
        for (int line = 0; line < LINES; line++) {
            String l = Integer.toString(line);
            assertEquals(FRAMES, value(s, "sightline_parts_captured_total", "line", l));
            double outcomes = 0;
            for (Outcome o : Outcome.values()) {
                double v = value(s, "sightline_outcomes_total", "line", l, "decision", o.decision(), "reason", o.reason());
                assertEquals(c.count(line, o), v, "line " + l + " " + o);
                outcomes += v;
                if (o == Outcome.REJECT_DEFECT) rejectedAll += (long) v;
                if (o.isFailSafe()) failSafeAll += (long) v;
            }
            assertEquals(FRAMES, outcomes, "line " + l + "'s outcomes balance its captured parts");
            assertEquals(0, value(s, "sightline_parts_in_flight", "line", l));
        }
        assertEquals(stats.rejected(), rejectedAll, "rejects as in Station.snapshot()");
        assertEquals(stats.failSafe(), failSafeAll, "fail-safe rejects as in Station.snapshot()");
        assertTrue(rejectedAll > 0, "a defect rate of 0.3 makes rejects");

        List<SourceStats> sources = test.station.sourceStats();
        for (int i = 0; i < LINES; i++) {
            assertEquals(sources.get(i).frames(), value(s, "sightline_camera_frames_total", "line", Integer.toString(i), "camera", "web-" + i));
            assertEquals(1, value(s, "sightline_camera_connected", "camera", "web-" + i));
        }

        long scored = stats.passed() + stats.rejected();
        assertEquals(scored, value(s, "sightline_stage_latency_seconds_count", "stage", "preprocess"), "one preprocessing per scored part");
        assertEquals(scored, bucket(s, "preprocess", Double.POSITIVE_INFINITY));
        assertEquals(stats.captured(), value(s, "sightline_stage_latency_seconds_count", "stage", "capture_to_decision"));
        double batches = value(s, "sightline_inference_batch_size_count");
        assertEquals(batches, value(s, "sightline_stage_latency_seconds_count", "stage", "inference"), "one inference time per batch");
        assertEquals(scored, value(s, "sightline_inference_batch_size_sum"), 1e-6, "the batches add up to the parts scored");
        assertEquals(stats.meanBatch(), scored / batches, 1e-9);
        double previous = 0;
        for (double le : StationMetrics.LATENCY_BUCKETS_SECONDS) {
            double cumulative = bucket(s, "capture_to_decision", le);
            assertTrue(cumulative >= previous, "buckets are cumulative at le=" + le);
            previous = cumulative;
        }
        double p99Seconds = stats.latencyP99Ms() / 1000;
        double underP99 = 0;
        for (double le : StationMetrics.LATENCY_BUCKETS_SECONDS) {
            if (le >= p99Seconds * 1.01) {
                underP99 = bucket(s, "capture_to_decision", le);
                break;
            }
        }
        assertTrue(underP99 >= 0.99 * stats.captured(), "the first bucket above the p99 holds at least 99% of the parts: " + underP99);

        assertEquals(0, value(s, "sightline_ring_occupancy"), "a drained ring");
        assertEquals(test.station.config().ringSize(), value(s, "sightline_ring_size"));
        assertEquals(1, value(s, "sightline_sink_up"));
        assertEquals(0, value(s, "sightline_sink_dropped_total"));
        for (String detector : List.of("cusum", "ewma")) {
            for (int line = 0; line < LINES; line++) {
                StationTelemetry.TrendSeries t = test.station.telemetry().trend(line).stream()
                        .filter(x -> x.detector().equals(detector)).findFirst().orElseThrow();
                String l = Integer.toString(line);
                assertEquals(t.statistic(), value(s, "sightline_trend_statistic", "line", l, "detector", detector), 1e-9);
                assertEquals(t.limit(), value(s, "sightline_trend_limit", "line", l, "detector", detector), 1e-9);
                assertEquals(t.alarmed() ? 1 : 0, value(s, "sightline_trend_alarm", "line", l, "detector", detector));
                assertEquals(t.alarmsRaised(), value(s, "sightline_trend_alarms_total", "line", l, "detector", detector));
            }
        }
        for (int line = 0; line < LINES; line++) {
            for (StationTelemetry.ClassSeries k : test.station.telemetry().classTrend(line)) {
                String l = Integer.toString(line);
                assertEquals(k.alarmsRaised(), value(s, "sightline_trend_class_alarms_total", "line", l, "detector", "rate-cusum",
                        "class", k.defectClass()));
                assertEquals(k.alarmed() ? 1 : 0, value(s, "sightline_trend_class_alarm", "line", l, "detector", "rate-cusum",
                        "class", k.defectClass()));
                if (!Double.isNaN(k.expectedRate())) {
                    assertEquals(k.expectedRate(), value(s, "sightline_trend_class_forecast", "line", l, "detector", "rate-cusum",
                            "class", k.defectClass()), 1e-6);
                }
            }
        }
        assertTrue(body.contains("sightline_trend_class_statistic{class=\"crack\""), "the default model's classes each have a gauge");
        assertTrue(body.contains("sightline_trend_class_forecast{class=\"crack\""), "and a forecast gauge");
        assertTrue(value(s, "sightline_process_resident_memory_bytes") > 100e6, "a station with TensorFlow loaded holds >100 MB");
        assertTrue(value(s, "sightline_javacpp_physical_bytes") > 0);
        assertTrue(value(s, "sightline_javacpp_total_bytes") >= 0);
        assertTrue(s.stream().anyMatch(x -> x.name().equals("jvm_memory_used_bytes") && "heap".equals(x.labels().get("area"))
                && x.value() > 0), "Micrometer's JVM memory metrics");
        assertTrue(body.contains("jvm_gc_") && body.contains("jvm_threads_live_threads") && body.contains("process_uptime_seconds")
                && body.contains("system_cpu_count"), "GC, thread, processor and uptime metrics");
    }

    // ---- /api/state, /api/rejects, the camera image

    @Test
    void stateHasEveryLineCameraAndDetector() throws Exception {
        HttpResponse<byte[]> r = get(server, "/api/state");
        assertEquals(200, r.statusCode());
        JsonNode state = json(r);
        assertEquals("server-test", state.path("station").asText());
        assertEquals(stats.captured(), state.path("totals").path("captured").asLong());
        assertTrue(state.path("totals").path("balanced").asBoolean());
        for (int line = 0; line < LINES; line++) {
            JsonNode l = state.path("lines").get(line);
            assertEquals(FRAMES, l.path("captured").asLong());
            assertEquals(test.station.lineCounters().count(line, Outcome.REJECT_DEFECT), l.path("rejected").asLong());
            assertEquals(0, l.path("failsafeByReason").path("late").asLong());
            JsonNode cam = state.path("cameras").get(line);
            assertEquals("web-" + line, cam.path("name").asText());
            assertTrue(cam.path("latest").path("version").asLong() >= 1, "camera " + line + " has a latest frame: " + cam);
        }
        assertEquals(0.5, state.path("lines").get(0).path("threshold").asDouble(), 1e-6, "the configured threshold where the control cannot tell");
        assertEquals(0.7, state.path("lines").get(1).path("threshold").asDouble(), 1e-6, "the control's own where it can");
        assertTrue(state.path("thresholds").path("adjustable").asBoolean());
        assertEquals("[\"cusum\",\"ewma\"]", state.path("trend").path("detectors").toString());
        JsonNode cusum = state.path("trend").path("lines").get(1).path("detectors").get(0);
        assertTrue(cusum.path("samples").path("value").size() > 1, "the trend's recent statistics: " + cusum);
        assertEquals(cusum.path("samples").path("value").size(), cusum.path("samples").path("secondsAgo").size());
        assertEquals("[\"scratch\",\"pit\",\"crack\",\"missing_feature\",\"misplaced_feature\"]",
                state.path("trend").path("classes").toString(), "the default model's defect classes are tracked per line");
        JsonNode crack = state.path("trend").path("lines").get(1).path("classes").get(2);
        assertEquals("crack", crack.path("class").asText(), crack.toString());
        assertEquals("rate-cusum", crack.path("detector").asText());
        assertFalse(crack.path("alarmed").asBoolean(), "still learning its baseline: " + crack);
        assertTrue(crack.path("samples").path("value").size() > 1, "the class's recent statistics: " + crack);
        assertTrue(crack.path("forecast").path("rate").isNull(), "no forecast while the baseline is learnt: " + crack);
        assertEquals(500, crack.path("forecast").path("horizonParts").asInt(), crack.toString());
        assertTrue(state.path("sink").path("up").asBoolean());
        assertEquals(0, state.path("ring").path("occupancy").asLong());
        assertTrue(state.path("journal").asBoolean());
    }

    @Test
    void rejectsAreTheJournalsNewestFirst() throws Exception {
        JsonNode body = json(get(server, "/api/rejects?limit=5"));
        List<DecisionJournal.Entry> all = new ArrayList<>();
        for (String d : List.of("reject", "failsafe")) all.addAll(DecisionJournal.query(test.journalFile, null, null, d, 100_000));
        all.sort((a, b) -> Long.compare(b.id(), a.id()));
        assertEquals(stats.rejected() + stats.failSafe(), all.size(), "the journal holds every reject");
        JsonNode rows = body.path("rejects");
        assertEquals(5, rows.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(all.get(i).id(), rows.get(i).path("id").asLong(), "row " + i + " is the journal's " + (i + 1) + "th newest reject");
            assertNotEquals("pass", rows.get(i).path("decision").asText());
        }
        JsonNode line1 = json(get(server, "/api/rejects?limit=500&line=1")).path("rejects");
        assertEquals(all.stream().filter(e -> e.line() == 1).count(), line1.size());
        for (JsonNode row : line1) assertEquals(1, row.path("line").asInt());
        assertError(400, get(server, "/api/rejects?limit=0"), "limit: expected an integer from 1 to 500, got '0'");
        assertError(400, get(server, "/api/rejects?limit=ten"), "got 'ten'");
        assertError(400, get(server, "/api/rejects?line=2"), "line: expected an integer from 0 to 1, got '2'");
    }

    @Test
    void theCameraImageIsTheLatestFrameWithItsDecisionDrawn() throws Exception {
        for (int camera = 0; camera < LINES; camera++) {
            StationTelemetry.Frame f = test.station.telemetry().latestFrame(camera, false);
            HttpResponse<byte[]> r = get(server, "/api/cameras/" + camera + "/latest.png");
            assertEquals(200, r.statusCode(), text(r));
            assertEquals("image/png", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals(Long.toString(f.partId()), r.headers().firstValue("X-Sightline-Part").orElse(""));
            assertEquals(f.outcome().decision(), r.headers().firstValue("X-Sightline-Decision").orElse(""));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
            assertEquals(640, img.getWidth());
            assertEquals(512, img.getHeight());
            int[] roi = f.roi();
            int edge = img.getRGB(roi[0], roi[1] + roi[3] / 2) & 0xffffff;
            int expected = FrameImages.colour(f.outcome()).getRGB() & 0xffffff;
            assertEquals(expected, edge, String.format("the ROI's left edge is drawn in the %s colour: %06x", f.outcome(), edge));
            int inside = img.getRGB(roi[0] + roi[2] / 2, roi[1] + roi[3] / 2);
            assertEquals((inside >> 16) & 0xff, inside & 0xff, "the frame itself stays gray");

            String etag = r.headers().firstValue("ETag").orElseThrow();
            assertEquals(304, get(server, "/api/cameras/" + camera + "/latest.png", "If-None-Match", etag).statusCode(),
                    "an unchanged frame is not sent again");
            BufferedImage small = ImageIO.read(new ByteArrayInputStream(get(server, "/api/cameras/" + camera + "/latest.png?width=320").body()));
            assertEquals(320, small.getWidth());
            assertEquals(256, small.getHeight());
        }
        assertError(400, get(server, "/api/cameras/2/latest.png"), "camera index '2': expected 0 to 1 (this station has 2 cameras)");
        assertError(400, get(server, "/api/cameras/first/latest.png"), "camera index 'first'");
        assertError(400, get(server, "/api/cameras/0/latest.png?width=5000"), "width: expected an integer from 16 to 640");
    }

    // ---- POST /api/thresholds

    @Test
    void thresholdChangesReachTheControlAndBadOnesAreRefusedByName() throws Exception {
        calls.clear();
        HttpResponse<byte[]> ok = postJson("{\"threshold\":0.6}");
        assertEquals(200, ok.statusCode(), text(ok));
        assertEquals("every line: threshold 0.6", json(ok).path("applied").asText());
        HttpResponse<byte[]> one = postJson("{\"line\":1,\"threshold\":0.75,\"by\":\"alice\"}");
        assertEquals(200, one.statusCode(), text(one));
        assertEquals(List.of(new Call(null, 0.6f, "http 127.0.0.1"), new Call(1, 0.75f, "alice via http 127.0.0.1")), calls);

        assertError(400, postJson("{\"threshold\":"), "not valid JSON");
        assertError(400, postJson(""), "expected a JSON object");
        assertError(400, postJson("[0.6]"), "expected a JSON object");
        assertError(400, postJson("{}"), "threshold: expected a number in (0, 1], got none");
        assertError(400, postJson("{\"threshold\":0}"), "threshold: expected a number in (0, 1], got 0");
        assertError(400, postJson("{\"threshold\":1.5}"), "got 1.5");
        assertError(400, postJson("{\"threshold\":-0.2}"), "got -0.2");
        assertError(400, postJson("{\"threshold\":\"0.6\"}"), "got \"0.6\"");
        assertError(400, postJson("{\"threshold\":0.6,\"line\":2}"), "line: expected 0 to 1 (this station has 2 lines), got 2");
        assertError(400, postJson("{\"threshold\":0.6,\"line\":-1}"), "got -1");
        assertError(400, postJson("{\"threshold\":0.6,\"line\":0.5}"), "got 0.5");
        assertError(400, postJson("{\"threshold\":0.6,\"lines\":1}"), "unknown field 'lines'");
        assertError(400, postJson("{\"threshold\":0.6,\"by\":\"\"}"), "by: expected the operator's name");
        assertError(400, postJson("{\"threshold\":0.99}"), "threshold 0.99 refused: above the calibrated maximum 0.9");
        assertError(415, post(server, "/api/thresholds", "{\"threshold\":0.6}", "Content-Type", "text/plain"), "Content-Type: expected application/json");
        assertError(403, post(server, "/api/thresholds", "{\"threshold\":0.6}", "Content-Type", "application/json",
                "Origin", "http://evil.example"), "cross-origin");
        assertError(413, postJson("{\"threshold\":0.6,\"by\":\"" + "x".repeat(5000) + "\"}"), "at most 4096 bytes");
        assertError(405, get(server, "/api/thresholds"), "expected POST");
        assertEquals(2, calls.size(), "no refused request reached the station");
    }

    @Test
    void withoutAThresholdControlChangesAreRefused() throws Exception {
        try (StationServer plain = new StationServer(test.station, metrics, StationServer.Options.loopback(0))) {
            assertError(501, post(plain, "/api/thresholds", "{\"threshold\":0.6}", "Content-Type", "application/json"),
                    "without threshold control");
            assertError(404, get(plain, "/api/rejects"), "no decision journal");
        }
    }

    // ---- token, loopback, static files

    @Test
    void withATokenEveryRequestNeedsIt() throws Exception {
        calls.clear();
        try (StationServer guarded = new StationServer(test.station, metrics,
                StationServer.Options.loopback(0).withToken(TOKEN).withThresholds(CONTROL))) {
            for (String path : List.of("/", "/metrics", "/api/state", "/dashboard.js", "/webjars/chart.js/4.4.1/dist/chart.umd.js",
                    "/api/cameras/0/latest.png", "/no-such-page")) {
                HttpResponse<byte[]> none = get(guarded, path);
                assertEquals(401, none.statusCode(), path + " without the token");
                assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), path);
                assertEquals(401, get(guarded, path, "Authorization", "Bearer " + TOKEN + "x").statusCode(), path + " with a wrong token");
                assertEquals(401, get(guarded, path + "?token=" + TOKEN.substring(1)).statusCode(), path + " with a wrong ?token");
            }
            assertEquals(200, get(guarded, "/metrics", "Authorization", "Bearer " + TOKEN).statusCode());
            assertEquals(200, get(guarded, "/api/state?token=" + TOKEN).statusCode());
            assertEquals(200, get(guarded, "/?token=" + TOKEN).statusCode());
            assertEquals(404, get(guarded, "/no-such-page", "Authorization", "Bearer " + TOKEN).statusCode());

            assertEquals(401, post(guarded, "/api/thresholds", "{\"threshold\":0.6}", "Content-Type", "application/json").statusCode());
            assertEquals(List.of(), calls, "a threshold change without the token never reaches the station");
            HttpResponse<byte[]> ok = post(guarded, "/api/thresholds", "{\"line\":0,\"threshold\":0.6}", "Content-Type", "application/json",
                    "Authorization", "Bearer " + TOKEN);
            assertEquals(200, ok.statusCode(), text(ok));
            assertEquals(List.of(new Call(0, 0.6f, "http 127.0.0.1 (token)")), calls);
        }
    }

    @Test
    void aNetworkAddressWithoutATokenIsRefusedAndWithOneServes() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StationServer(test.station, metrics, StationServer.Options.loopback(0).withBind("0.0.0.0")));
        assertTrue(e.getMessage().contains("0.0.0.0 is not a loopback address") && e.getMessage().contains("token is required"),
                e.getMessage());
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class,
                () -> StationServer.Options.loopback(0).withBind("0.0.0.0").withToken("secret"));
        assertTrue(weak.getMessage().contains("at least 16"), weak.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StationServer.Options.loopback(70_000));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new StationServer(test.station, metrics, StationServer.Options.loopback(0).withBind("no-such-host.invalid")));
        assertTrue(unknown.getMessage().contains("no-such-host.invalid"), unknown.getMessage());
        IllegalArgumentException clear = assertThrows(IllegalArgumentException.class,
                () -> StationServer.check(StationServer.Options.loopback(0).withBind("0.0.0.0").withToken(TOKEN)));
        assertTrue(clear.getMessage().contains("TLS is required") && clear.getMessage().contains("server.insecure: true"), clear.getMessage());
        try (StationServer network = new StationServer(test.station, metrics,
                StationServer.Options.loopback(0).withBind("0.0.0.0").withToken(TOKEN).withInsecure(true))) {
            assertEquals(401, get(network, "/metrics").statusCode());
            assertEquals(200, get(network, "/metrics", "Authorization", "Bearer " + TOKEN).statusCode());
        }
    }

    @Test
    void withoutATokenOnlyLoopbackHostNamesAreServed() throws Exception {
        assertEquals(200, rawStatus(server, "127.0.0.1:" + server.port()));
        assertEquals(200, rawStatus(server, "localhost:" + server.port()));
        assertEquals(403, rawStatus(server, "station.attacker.example:" + server.port()), "a rebound DNS name is refused");
        assertEquals(403, rawStatus(server, "127.attacker.example"));
    }

    /** The status of GET /api/state sent with this Host header, over a plain socket (HttpClient sets Host itself). */
    static int rawStatus(StationServer s, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/state HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void aStalledClientHoldsOnlyItsOwnRequest() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < StationServer.THREADS - 1; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.getOutputStream().write("GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush(); // and never finishes its request
                stalled.add(s);
            }
            for (int i = 0; i < 5; i++) assertEquals(200, get(server, "/api/state").statusCode(), "served beside the stalled clients");
        } finally {
            for (Socket s : stalled) s.close();
        }
    }

    @Test
    void clientsThatStopMidRequestAreCutOffAndFreeTheServer() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < StationServer.THREADS; i++) { // every server thread
                Socket s = new Socket("127.0.0.1", server.port());
                s.setSoTimeout((StationServer.MAX_REQUEST_SECONDS + 50) * 1000);
                s.getOutputStream().write("GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            // the server closes each after its request time; then it serves again
            assertEquals(200, get(server, "/api/state").statusCode());
            for (Socket s : stalled) assertEquals(-1, s.getInputStream().read(), "the stalled client's connection was closed");
        } finally {
            for (Socket s : stalled) s.close();
        }
    }

    @Test
    void theDashboardAndChartJsAreServedAndOtherPathsAreNot() throws Exception {
        HttpResponse<byte[]> page = get(server, "/");
        assertEquals(200, page.statusCode());
        assertTrue(text(page).contains("id=\"lines\""));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self' 'sha256-" + StationServer.inlineScriptHash(page.body()) + "'"), csp);
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(""), "the token in a URL goes nowhere else");
        HttpResponse<byte[]> chart = get(server, "/webjars/chart.js/4.4.1/dist/chart.umd.js");
        assertEquals(200, chart.statusCode());
        assertTrue(text(chart).contains("Chart"), "Chart.js from its webjar");
        assertTrue(chart.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(200, get(server, "/dashboard.css").statusCode());
        assertError(404, get(server, "/webjars/chart.js/9.9.9/dist/chart.umd.js"), "no such webjar file");
        assertEquals(400, get(server, "/webjars/chart.js/%2e%2e/%2e%2e/%2e%2e/logback.xml").statusCode(), "no way out of the webjars");
        assertError(404, get(server, "/etc/passwd"), "no such page");
        HttpResponse<byte[]> delete = http.send(HttpRequest.newBuilder(URI.create(server.url()).resolve("/metrics"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(405, delete, "expected GET, HEAD");
    }
}
