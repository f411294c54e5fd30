package io.sightline.station.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.LineCounters;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.SinkHealth;
import io.sightline.station.SourceStats;
import io.sightline.station.Station;
import io.sightline.station.StationStats;
import io.sightline.station.StationTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The station's web server: metrics for Prometheus, the dashboard and its JSON, on the JDK's
 * {@link HttpServer}.
 *
 * <pre>
 *   GET  /                               the dashboard (index.html, dashboard.js, dashboard.css)
 *   GET  /webjars/...                    Chart.js from its webjar on the classpath
 *   GET  /metrics                        Prometheus text format ({@link StationMetrics})
 *   GET  /api/state                      counters per line, cameras, sink, ring, trend, thresholds (JSON)
 *   GET  /api/rejects?limit=N&line=L     the journal's latest rejects, newest first (JSON)
 *   GET  /api/cameras/{i}/latest.png     camera i's latest decided frame, ROI and decision drawn (?width=W);
 *                                        its part, decision and score also in X-Sightline-* headers
 *   POST /api/thresholds                 {"threshold":0.6} or {"line":1,"threshold":0.6} ▸ {@link ThresholdControl}
 * </pre>
 *
 * <p>Security: binds to 127.0.0.1 unless told otherwise. A non-loopback address needs a token (the
 * constructor refuses to start without one). With a token, every request must carry it
 * ({@code Authorization: Bearer TOKEN} or {@code ?token=TOKEN}; the page passes on the one in its
 * own URL), compared in constant time, or gets 401. Without one, requests must name a loopback host
 * (a DNS-rebinding guard) and threshold changes are taken only from loopback. A threshold change
 * must be {@code application/json}, and a browser's cross-origin request is refused (403).
 *
 * <p>The server never holds up the station: it reads the station's counters and telemetry, which
 * its threads write without waiting for readers, and it runs on its own small bounded pool
 * ({@value #THREADS} threads, {@value #QUEUE} queued exchanges; beyond that a connection is closed),
 * so a slow client holds one server thread and nothing else, and that for at most
 * {@value #MAX_REQUEST_SECONDS} s to send its request and {@value #MAX_RESPONSE_SECONDS} s to take its
 * response.
 */
public final class StationServer implements AutoCloseable {
    static final int THREADS = 4;
    static final int QUEUE = 64;
    static final int MIN_TOKEN_LENGTH = 16;
    static final int MAX_REJECTS = 500;
    static final int MAX_BODY_BYTES = 4096;
    static final int DEFAULT_IMAGE_WIDTH = 640;
    private static final String RESOURCES = "/io/sightline/station/web/";
    private static final String WEBJARS = "/META-INF/resources/webjars/";
    private static final Pattern CAMERA_IMAGE = Pattern.compile("/api/cameras/([^/]*)/latest\\.png");
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Logger LOG = LoggerFactory.getLogger(StationServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds a client may take to send its request, and to take its response, before the JDK's server cuts it off. */
    static final int MAX_REQUEST_SECONDS = 10;
    static final int MAX_RESPONSE_SECONDS = 60;

    static {
        // The JDK's server reads each request in a pool thread and by default waits forever: without
        // these a few clients that stop mid-request would hold every server thread. Read once, when
        // the JVM's first HttpServer starts; a value set on the command line wins.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
    }

    /**
     * Where and how the server listens, and what it may use.
     *
     * @param bind the address to bind: 127.0.0.1 (default), a host's address, or 0.0.0.0 for all (then a token is required)
     * @param port the TCP port; 0 picks a free one ({@link #port()} tells which)
     * @param token the bearer token every request must carry; null: none (loopback only). At least
     *              {@value #MIN_TOKEN_LENGTH} printable characters, no spaces
     * @param journal the decision journal's file, for {@code /api/rejects}; null: none
     * @param thresholds where {@code POST /api/thresholds} goes; null: threshold changes are refused (501)
     * @param name the station's name on the page
     */
    public record Options(String bind, int port, String token, Path journal, ThresholdControl thresholds, String name) {
        public Options {
            if (bind == null || bind.isBlank()) throw new IllegalArgumentException("server bind address: expected an address, got none");
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("server port: expected 0 to 65535, got " + port);
            if (token != null && (token.length() < MIN_TOKEN_LENGTH || !token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f))) {
                throw new IllegalArgumentException("server token: expected at least " + MIN_TOKEN_LENGTH
                        + " printable ASCII characters without spaces (e.g. from `openssl rand -hex 16`), got "
                        + token.length() + " characters");
            }
            if (name == null || name.isBlank()) name = "sightline";
        }

        /** 127.0.0.1:{@code port}, no token, journal or threshold control. */
        public static Options loopback(int port) {
            return new Options("127.0.0.1", port, null, null, null, "sightline");
        }

        public Options withBind(String v) {
            return new Options(v, port, token, journal, thresholds, name);
        }

        public Options withToken(String v) {
            return new Options(bind, port, v, journal, thresholds, name);
        }

        public Options withJournal(Path v) {
            return new Options(bind, port, token, v, thresholds, name);
        }

        public Options withThresholds(ThresholdControl v) {
            return new Options(bind, port, token, journal, v, name);
        }

        public Options withName(String v) {
            return new Options(bind, port, token, journal, thresholds, v);
        }
    }

    /** A request the server refuses, with the status and a message naming the input. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** A camera's last rendered frame and what it shows. */
    private record CachedImage(long version, int width, byte[] png, long partId, Outcome outcome, float score) {}

    private final Station station;
    private final StationMetrics metrics;
    private final Options options;
    private final byte[] tokenDigest;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Map<String, byte[]> pages = new LinkedHashMap<>();
    private final String contentSecurityPolicy;
    private final AtomicReferenceArray<CachedImage> images;

    /**
     * Binds and starts serving.
     *
     * @throws IllegalArgumentException when the address is unknown, or is not loopback and no token is set
     * @throws IOException when the address cannot be bound (port in use)
     */
    public StationServer(Station station, StationMetrics metrics, Options options) throws IOException {
        if (station == null || metrics == null || options == null) {
            throw new IllegalArgumentException("a station server needs a station, its metrics and options");
        }
        this.station = station;
        this.metrics = metrics;
        this.options = options;
        InetAddress address = check(options);
        this.tokenDigest = options.token() == null ? null : sha256(options.token());
        for (String page : List.of("index.html", "dashboard.js", "dashboard.css")) pages.put(page, resource(RESOURCES + page));
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self' 'sha256-" + inlineScriptHash(pages.get("index.html"))
                + "'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'none'";
        this.images = new AtomicReferenceArray<>(station.telemetry().cameras());
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "sightline-http-" + threadNumber.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy()); // the JDK's server closes a connection it cannot hand over
        executor.allowCoreThreadTimeOut(true);
        this.server = HttpServer.create(new InetSocketAddress(address, options.port()), 32);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Resolves the bind address and applies the token rule, without binding: a command line can call
     * this before it starts anything.
     *
     * @return the address to bind
     * @throws IllegalArgumentException when the address is unknown, or is not loopback and no token is set
     */
    public static InetAddress check(Options options) {
        InetAddress address;
        try {
            address = InetAddress.getByName(options.bind());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("server bind address '" + options.bind() + "': unknown host", e);
        }
        if (!address.isLoopbackAddress() && options.token() == null) {
            throw new IllegalArgumentException("server bind address " + options.bind() + " is not a loopback address: anyone who"
                    + " can reach it could read the station and change its thresholds, so a token is required (--server-token,"
                    + " at least " + MIN_TOKEN_LENGTH + " characters); or bind to 127.0.0.1");
        }
        return address;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The dashboard's address, e.g. {@code http://127.0.0.1:8080/} (without the token). */
    public String url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- requests

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                Map<String, String> query = query(ex.getRequestURI().getRawQuery());
                if (!authorized(ex, query)) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sightline\"");
                    throw new HttpError(401, "this station's server requires its token: send 'Authorization: Bearer TOKEN' or add"
                            + " ?token=TOKEN to the URL");
                }
                checkHost(ex);
                route(ex, ex.getRequestURI().getPath(), query);
            } catch (HttpError e) {
                sendError(ex, e.status, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
                sendError(ex, 500, "the server failed: " + e.getMessage());
            }
        } catch (IOException e) {
            // the client went away; nothing to tell it
        }
    }

    private void route(HttpExchange ex, String path, Map<String, String> query) throws IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/api/thresholds")) {
            if (!method.equals("POST")) throw methodNotAllowed(ex, "POST");
            postThreshold(ex);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) throw methodNotAllowed(ex, "GET, HEAD");
        Matcher image = CAMERA_IMAGE.matcher(path);
        if (path.equals("/") || path.equals("/index.html")) {
            ex.getResponseHeaders().set("Content-Security-Policy", contentSecurityPolicy);
            send(ex, 200, "text/html; charset=utf-8", pages.get("index.html"));
        } else if (path.equals("/dashboard.js")) {
            send(ex, 200, "text/javascript; charset=utf-8", pages.get("dashboard.js"));
        } else if (path.equals("/dashboard.css")) {
            send(ex, 200, "text/css; charset=utf-8", pages.get("dashboard.css"));
        } else if (path.startsWith("/webjars/")) {
            webjar(ex, path.substring("/webjars/".length()));
        } else if (path.equals("/metrics")) {
            send(ex, 200, StationMetrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/api/state")) {
            sendJson(ex, 200, state());
        } else if (path.equals("/api/rejects")) {
            sendJson(ex, 200, rejects(query));
        } else if (image.matches()) {
            cameraImage(ex, image.group(1), query);
        } else {
            throw new HttpError(404, "no such page: " + path);
        }
    }

    private static HttpError methodNotAllowed(HttpExchange ex, String allowed) {
        ex.getResponseHeaders().set("Allow", allowed);
        return new HttpError(405, ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": expected " + allowed);
    }

    private boolean authorized(HttpExchange ex, Map<String, String> query) {
        if (tokenDigest == null) return true;
        String given = null;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) given = header.substring(7).trim();
        else if (query.containsKey("token")) given = query.get("token");
        // digests have one length whatever was sent, and isEqual compares every byte
        return given != null && MessageDigest.isEqual(sha256(given), tokenDigest);
    }

    /** Without a token the server is loopback only: a page that got here through another host name is refused. */
    private void checkHost(HttpExchange ex) {
        if (tokenDigest != null) return;
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) return;
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        name = name.toLowerCase(java.util.Locale.ROOT);
        if (!(name.equals("localhost") || name.equals("[::1]") || LOOPBACK_V4.matcher(name).matches())) {
            throw new HttpError(403, "Host '" + host + "' is not a loopback name, and this server has no token: open " + url());
        }
    }

    // ---- POST /api/thresholds

    private void postThreshold(HttpExchange ex) throws IOException {
        ThresholdControl control = options.thresholds();
        if (control == null) throw new HttpError(501, "this station was started without threshold control");
        InetAddress remote = ex.getRemoteAddress().getAddress();
        if (tokenDigest == null && !remote.isLoopbackAddress()) {
            throw new HttpError(403, "threshold changes without a token are taken from this machine only, not from " + remote.getHostAddress());
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals("http://" + host)) {
            throw new HttpError(403, "cross-origin threshold change from " + origin + " refused");
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(415, "Content-Type: expected application/json, got " + (type == null ? "none" : "'" + type + "'"));
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) throw new HttpError(413, "request body: expected at most " + MAX_BODY_BYTES + " bytes");
        String expected = "expected a JSON object like {\"threshold\":0.6} or {\"line\":1,\"threshold\":0.6}";
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "request body is not valid JSON (" + e.getOriginalMessage() + "): " + expected);
        }
        if (json == null || !json.isObject()) throw new HttpError(400, "request body: " + expected);
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!List.of("threshold", "line", "by").contains(field)) {
                throw new HttpError(400, "unknown field '" + field + "': " + expected + " (optionally \"by\": the operator's name)");
            }
        }
        JsonNode t = json.get("threshold");
        if (t == null || !t.isNumber() || !(t.doubleValue() > 0 && t.doubleValue() <= 1)) {
            throw new HttpError(400, "threshold: expected a number in (0, 1], got " + (t == null ? "none" : t.toString()));
        }
        int lines = station.telemetry().lines();
        Integer line = null;
        JsonNode l = json.get("line");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || !l.canConvertToInt() || l.intValue() < 0 || l.intValue() >= lines) {
                throw new HttpError(400, "line: expected 0 to " + (lines - 1) + " (this station has " + lines + " line"
                        + (lines == 1 ? "" : "s") + "), got " + l);
            }
            line = l.intValue();
        }
        String by = "http " + remote.getHostAddress() + (tokenDigest != null ? " (token)" : "");
        JsonNode operator = json.get("by");
        if (operator != null && !operator.isNull()) {
            if (!operator.isTextual() || operator.textValue().isBlank() || operator.textValue().length() > 64
                    || !operator.textValue().chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f)) {
                throw new HttpError(400, "by: expected the operator's name, 1 to 64 printable characters, got " + operator);
            }
            by = operator.textValue().strip() + " via " + by;
        }
        float threshold = (float) t.doubleValue();
        String result;
        try {
            result = control.apply(line, threshold, by);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
        LOG.info("threshold {} for {} requested by {}: {}", threshold, line == null ? "every line" : "line " + line, by, result);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", result);
        m.put("line", line);
        m.put("threshold", threshold);
        m.put("requestedBy", by);
        sendJson(ex, 200, m);
    }

    // ---- GET /api/state

    private Map<String, Object> state() {
        StationStats s = station.snapshot();
        LineCounters c = station.lineCounters();
        StationTelemetry t = station.telemetry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("station", options.name());
        m.put("time", Instant.now().toString());
        m.put("uptimeSeconds", round(s.elapsedSeconds(), 3));
        m.put("lineStopped", station.lineStopReason());
        // Each line's outcomes are read before its captured count: a part is counted captured before its
        // outcome, so in flight (the difference) is never negative unless a part had two outcomes.
        long[] sum = new long[5]; // captured, passed, rejected, failsafe, in flight
        boolean balanced = true;
        List<Object> lines = new ArrayList<>();
        for (int line = 0; line < t.lines(); line++) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("line", line);
            long passed = c.count(line, Outcome.PASS);
            long rejected = c.count(line, Outcome.REJECT_DEFECT);
            long failsafe = 0;
            Map<String, Long> byReason = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                if (!o.isFailSafe()) continue;
                long n = c.count(line, o);
                byReason.put(o.reason(), n);
                failsafe += n;
            }
            long captured = c.capturedCount(line);
            long inFlight = captured - passed - rejected - failsafe;
            balanced &= inFlight >= 0;
            sum[0] += captured;
            sum[1] += passed;
            sum[2] += rejected;
            sum[3] += failsafe;
            sum[4] += inFlight;
            l.put("captured", captured);
            l.put("passed", passed);
            l.put("rejected", rejected);
            l.put("failsafe", failsafe);
            l.put("failsafeByReason", byReason);
            l.put("inFlight", inFlight);
            l.put("threshold", threshold(line));
            lines.add(l);
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("captured", sum[0]);
        totals.put("passed", sum[1]);
        totals.put("rejected", sum[2]);
        totals.put("failsafe", sum[3]);
        totals.put("inFlight", sum[4]);
        totals.put("balanced", balanced);
        totals.put("throughputFps", round(s.throughputFps(), 2));
        totals.put("latencyMs", Map.of("p50", round(s.latencyP50Ms(), 3), "p99", round(s.latencyP99Ms(), 3), "max", round(s.latencyMaxMs(), 3)));
        totals.put("meanBatch", round(s.meanBatch(), 2));
        m.put("totals", totals);
        m.put("lines", lines);
        List<Object> cameras = new ArrayList<>();
        List<SourceStats> sources = station.sourceStats();
        for (int i = 0; i < sources.size(); i++) {
            SourceStats ss = sources.get(i);
            Map<String, Object> cam = new LinkedHashMap<>();
            cam.put("index", i);
            cam.put("line", ss.line());
            cam.put("view", ss.view());
            cam.put("name", ss.name());
            cam.put("live", ss.live());
            cam.put("frames", ss.frames());
            cam.put("unreadable", ss.unreadable());
            cam.put("missed", ss.missed());
            cam.put("repeated", ss.repeated());
            cam.put("skipped", ss.skipped());
            cam.put("reconnects", ss.reconnects());
            cam.put("connected", ss.connected());
            cam.put("lastError", ss.lastError());
            StationTelemetry.Frame f = i < t.cameras() ? t.latestFrame(i, false) : null;
            if (f == null) {
                cam.put("latest", null);
            } else {
                Map<String, Object> latest = new LinkedHashMap<>();
                latest.put("partId", f.partId());
                latest.put("decision", f.outcome().decision());
                latest.put("reason", f.outcome().reason());
                latest.put("label", FrameImages.label(f.outcome()));
                latest.put("score", number(f.score()));
                latest.put("ageSeconds", round(f.ageSeconds(), 3));
                latest.put("version", f.version());
                latest.put("width", f.width());
                latest.put("height", f.height());
                latest.put("defectBox", FrameImages.boxJson(f.defectBox()));
                cam.put("latest", latest);
            }
            cameras.add(cam);
        }
        m.put("cameras", cameras);
        SinkHealth h = t.sinkHealth();
        Map<String, Object> sink = new LinkedHashMap<>();
        sink.put("up", h.up());
        sink.put("buffered", h.buffered());
        sink.put("dropped", h.dropped());
        sink.put("lastError", h.lastError());
        sink.put("failures", s.sinkFailures());
        m.put("sink", sink);
        m.put("ring", Map.of("size", t.ringSize(), "occupancy", t.ringOccupancy()));
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("configured", (double) t.configuredThreshold());
        thresholds.put("adjustable", options.thresholds() != null);
        m.put("thresholds", thresholds);
        m.put("trend", trend(t));
        m.put("journal", options.journal() != null);
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("handlerErrors", station.handlerErrors());
        errors.put("watchdogExpired", station.expiredByWatchdog());
        errors.put("rejectImagesSaved", station.rejectImagesSaved());
        errors.put("rejectImagesSkipped", station.rejectImagesSkipped());
        m.put("errors", errors);
        return m;
    }

    private double threshold(int line) {
        ThresholdControl control = options.thresholds();
        float now = Float.NaN;
        if (control != null) {
            try {
                now = control.current(line);
            } catch (RuntimeException e) {
                LOG.warn("threshold control could not tell line {}'s threshold: {}", line, e.toString());
            }
        }
        return round(Float.isNaN(now) ? station.telemetry().configuredThreshold() : now, 4);
    }

    private static Map<String, Object> trend(StationTelemetry t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("detectors", t.trendDetectors());
        List<Object> lines = new ArrayList<>();
        for (int line = 0; line < t.lines(); line++) {
            List<Object> detectors = new ArrayList<>();
            for (StationTelemetry.TrendSeries s : t.trend(line)) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("name", s.detector());
                d.put("watched", s.watched());
                d.put("statistic", number(s.statistic()));
                d.put("limit", number(s.limit()));
                d.put("alarmed", s.alarmed());
                d.put("alarmsRaised", s.alarmsRaised());
                int n = s.secondsAgo().length;
                List<Object> ago = new ArrayList<>(n);
                List<Object> values = new ArrayList<>(n);
                List<Object> limits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ago.add(round(s.secondsAgo()[i], 2));
                    values.add(number((float) s.values()[i]));
                    limits.add(number((float) s.limits()[i]));
                }
                d.put("samples", Map.of("secondsAgo", ago, "value", values, "limit", limits));
                List<Object> alarms = new ArrayList<>();
                for (StationTelemetry.AlarmMarker a : s.alarms()) {
                    Map<String, Object> am = new LinkedHashMap<>();
                    am.put("secondsAgo", round(a.secondsAgo(), 2));
                    am.put("part", a.partIndex());
                    am.put("value", number((float) a.value()));
                    am.put("limit", number((float) a.limit()));
                    am.put("raised", a.raised());
                    am.put("rule", a.rule());
                    alarms.add(am);
                }
                d.put("alarms", alarms);
                detectors.add(d);
            }
            lines.add(Map.of("line", line, "detectors", detectors));
        }
        out.put("lines", lines);
        return out;
    }

    // ---- GET /api/rejects

    private Map<String, Object> rejects(Map<String, String> query) {
        int limit = intParam(query, "limit", 20, 1, MAX_REJECTS);
        int lines = station.telemetry().lines();
        Integer line = query.containsKey("line") ? intParam(query, "line", 0, 0, lines - 1) : null;
        Path journal = options.journal();
        if (journal == null) throw new HttpError(404, "no decision journal is configured for this station");
        List<DecisionJournal.Entry> found = latestRejects(journal, line, limit);
        List<Object> rows = new ArrayList<>();
        for (DecisionJournal.Entry e : found) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", e.id());
            r.put("line", e.line());
            r.put("part", e.part());
            r.put("camera", e.camera());
            r.put("captured", micros(e.captureMicros()));
            r.put("decided", micros(e.decidedMicros()));
            r.put("score", number(e.score()));
            r.put("decision", e.decision());
            r.put("reason", e.reason());
            DecisionJournal.Box b = e.defectBox();
            r.put("defectBox", b == null ? null : FrameImages.boxJson(new int[] {b.x(), b.y(), b.width(), b.height()}));
            rows.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("journal", journal.toString());
        m.put("rejects", rows);
        return m;
    }

    /**
     * The journal's newest rejects (defect and fail-safe), newest first. The journal reads oldest
     * first, so this looks back over widening windows until it has {@code limit} of them.
     */
    static List<DecisionJournal.Entry> latestRejects(Path journal, Integer line, int limit) {
        long[] windowsSeconds = {10, 60, 600, 3600, 86_400, -1};
        int cap = 20_000;
        List<DecisionJournal.Entry> found = new ArrayList<>();
        for (long w : windowsSeconds) {
            Instant since = w < 0 ? null : Instant.now().minusSeconds(w);
            found.clear();
            boolean truncated = false;
            try {
                for (String decision : List.of("reject", "failsafe")) {
                    List<DecisionJournal.Entry> part = DecisionJournal.query(journal, line, since, decision, cap);
                    truncated |= part.size() == cap;
                    found.addAll(part);
                }
            } catch (DecisionJournal.JournalException e) {
                throw new HttpError(503, e.getMessage());
            }
            if (found.size() >= limit || w < 0 || truncated) break;
        }
        found.sort(Comparator.comparingLong(DecisionJournal.Entry::id).reversed());
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }

    // ---- GET /api/cameras/{i}/latest.png

    private void cameraImage(HttpExchange ex, String index, Map<String, String> query) throws IOException {
        StationTelemetry t = station.telemetry();
        int cameras = t.cameras();
        int camera;
        try {
            camera = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            camera = -1;
        }
        if (camera < 0 || camera >= cameras) {
            throw new HttpError(400, "camera index '" + index + "': expected 0 to " + (cameras - 1) + " (this station has "
                    + cameras + " camera" + (cameras == 1 ? "" : "s") + ")");
        }
        StationTelemetry.Frame meta = t.latestFrame(camera, false);
        if (meta == null) throw new HttpError(404, "camera " + camera + " has no decided frame yet");
        int width = intParam(query, "width", Math.min(DEFAULT_IMAGE_WIDTH, meta.width()), 16, meta.width());
        CachedImage cached = images.get(camera);
        if (cached == null || cached.version() != meta.version() || cached.width() != width) {
            StationTelemetry.Frame f = t.latestFrame(camera, true);
            if (f == null) throw new HttpError(503, "camera " + camera + "'s frame is being replaced too often to be read; try again");
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
            send(ex, 304, null, null);
            return;
        }
        send(ex, 200, "image/png", cached.png());
    }

    // ---- static files

    private void webjar(HttpExchange ex, String rest) throws IOException {
        if (!SAFE_PATH.matcher(rest).matches() || rest.contains("..")) throw new HttpError(400, "webjar path '" + rest + "' is not a plain path");
        byte[] bytes;
        try (InputStream in = StationServer.class.getResourceAsStream(WEBJARS + rest)) {
            if (in == null) throw new HttpError(404, "no such webjar file: " + rest);
            bytes = in.readAllBytes();
        }
        String type = rest.endsWith(".js") ? "text/javascript; charset=utf-8" : rest.endsWith(".css") ? "text/css; charset=utf-8"
                : rest.endsWith(".map") || rest.endsWith(".json") ? "application/json" : "application/octet-stream";
        send(ex, 200, type, bytes);
    }

    private static byte[] resource(String path) {
        try (InputStream in = StationServer.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("the dashboard's " + path + " is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the dashboard's " + path + ": " + e.getMessage(), e);
        }
    }

    /** The base64 SHA-256 of the page's one inline script, for its Content-Security-Policy. */
    static String inlineScriptHash(byte[] html) {
        String s = new String(html, StandardCharsets.UTF_8);
        int open = s.indexOf("<script>");
        int close = s.indexOf("</script>", open);
        if (open < 0 || close < 0) throw new IllegalStateException("the dashboard's index.html has no inline <script>");
        return Base64.getEncoder().encodeToString(sha256(s.substring(open + "<script>".length(), close)));
    }

    // ---- helpers

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        if (type != null) h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer"); // the token may be in the URL
        if (!h.containsKey("Cache-Control")) h.set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (body == null || status == 304 || status == 204) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object value) throws IOException {
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
    }

    private static void sendError(HttpExchange ex, int status, String message) {
        try {
            ex.getResponseHeaders().remove("ETag");
            ex.getResponseHeaders().remove("Content-Security-Policy");
            sendJson(ex, status, Map.of("error", message, "status", status));
        } catch (IOException e) {
            // the client went away
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return m;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "query parameter '" + pair + "' is not URL-encoded properly");
            }
        }
        return m;
    }

    private static int intParam(Map<String, String> query, String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HttpError(400, name + ": expected an integer from " + min + " to " + max + ", got '" + v + "'");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A float as JSON: its shortest decimal form, null for NaN. */
    private static Object number(float v) {
        return Float.isFinite(v) ? (Object) Double.valueOf(Float.toString(v)) : null;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? (Object) v : null;
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    private static String micros(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000).toString();
    }
}
