package io.sightline.station.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.sightline.station.web.AccessToken.Role;
import io.sightline.station.Station;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import javax.net.ssl.SSLContext;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The station's web server: metrics for Prometheus, the dashboard and its JSON, on the JDK's
 * {@link HttpServer}, or its {@link HttpsServer} with a keystore.
 *
 * <pre>
 *   GET  /                               the dashboard (index.html, dashboard.js, dashboard.css)
 *   GET  /webjars/...                    Chart.js from its webjar on the classpath
 *   GET  /metrics                        Prometheus text format ({@link StationMetrics})
 *   GET  /api/state                      counters per line, cameras, sink, ring, trend, thresholds (JSON)
 *   GET  /api/rejects?limit=N&line=L     the journal's latest rejects, newest first (JSON)
 *   GET  /api/cameras/{i}/latest.png     camera i's latest decided frame, ROI and decision drawn (?width=W);
 *                                        its part, decision and score also in X-Sightline-* headers
 *   POST /api/thresholds                 {"threshold":0.6} or {"line":1,"threshold":0.6} ▸ {@link ThresholdRequests}
 *                                        ▸ {@link ThresholdControl}; needs the operate role
 *   POST /api/inspect?line=L[&map=png]   an image scored as line L would ▸ {@link InspectRequests}; the read role
 *                                        is enough (once {@link #serveInspections} was called; else 501)
 *   POST /api/models/live                {"model":"v2"} or {"rollback":true} ▸ {@link ModelRequests} ▸ the station's
 *                                        ModelSwitch (422 when refused); needs the operate role
 *   POST /api/models/shadow              {"model":"v2","threshold":0.5,"sample":4} or {"stop":true}: a shadow run
 *                                        (ModelSwitch.startShadow); needs the operate role
 * </pre>
 *
 * <p>Without a station ({@code sightline serve}) the same server, rules and all, answers the
 * inspection API alone.
 *
 * <p>Security: binds to 127.0.0.1 unless told otherwise. A non-loopback address needs a token and
 * either TLS ({@link Options#tls()}, an {@link HttpsServer}) or {@link Options#insecure()} said in
 * so many words (the constructor refuses to start otherwise). With tokens, every request must carry
 * one ({@code Authorization: Bearer TOKEN} or {@code ?token=TOKEN}; the page passes on the one in
 * its own URL), compared in constant time, or gets 401; a {@link Role#READ read} token on an
 * endpoint that changes the station gets 403 naming the role it needs. Without tokens, requests
 * must name a loopback host (a DNS-rebinding guard) and threshold changes are taken only from
 * loopback. A threshold change must be {@code application/json}, and a browser's cross-origin
 * request is refused (403).
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
     * @param bind the address to bind: 127.0.0.1 (default), a host's address, or 0.0.0.0 for all (then a
     *             token is required, and TLS or {@code insecure})
     * @param port the TCP port; 0 picks a free one ({@link #port()} tells which)
     * @param tokens the bearer tokens a request may carry, each with its role; empty: none (loopback only)
     * @param tls the server's TLS context (HTTPS); null: plain HTTP
     * @param insecure plain HTTP off loopback is allowed: the config said so in so many words
     * @param journal the decision journal's file, for {@code /api/rejects}; null: none
     * @param thresholds where {@code POST /api/thresholds} goes; null: threshold changes are refused (501)
     * @param name the station's name on the page
     */
    public record Options(String bind, int port, List<AccessToken> tokens, SSLContext tls, boolean insecure, Path journal,
                          ThresholdControl thresholds, String name) {
        public Options {
            if (bind == null || bind.isBlank()) throw new IllegalArgumentException("server bind address: expected an address, got none");
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("server port: expected 0 to 65535, got " + port);
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
            if (name == null || name.isBlank()) name = "sightline";
        }

        /** 127.0.0.1:{@code port}, plain HTTP, no token, journal or threshold control. */
        public static Options loopback(int port) {
            return new Options("127.0.0.1", port, List.of(), null, false, null, null, "sightline");
        }

        public Options withBind(String v) {
            return new Options(v, port, tokens, tls, insecure, journal, thresholds, name);
        }

        /** Adds an operate token (the one token of older configs); null adds nothing. */
        public Options withToken(String v) {
            return v == null ? this : withTokens(append(tokens, AccessToken.operate(v)));
        }

        public Options withTokens(List<AccessToken> v) {
            return new Options(bind, port, v, tls, insecure, journal, thresholds, name);
        }

        /** HTTPS with this context (e.g. {@code TlsFiles.serverContext(keystore, password)}); null: plain HTTP. */
        public Options withTls(SSLContext v) {
            return new Options(bind, port, tokens, v, insecure, journal, thresholds, name);
        }

        public Options withInsecure(boolean v) {
            return new Options(bind, port, tokens, tls, v, journal, thresholds, name);
        }

        public Options withJournal(Path v) {
            return new Options(bind, port, tokens, tls, insecure, v, thresholds, name);
        }

        public Options withThresholds(ThresholdControl v) {
            return new Options(bind, port, tokens, tls, insecure, journal, v, name);
        }

        public Options withName(String v) {
            return new Options(bind, port, tokens, tls, insecure, journal, thresholds, v);
        }

        private static List<AccessToken> append(List<AccessToken> list, AccessToken t) {
            List<AccessToken> l = new ArrayList<>(list);
            l.add(t);
            return l;
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

    private final Station station;
    private final StationMetrics metrics;
    private final Options options;
    private final TokenAuth auth;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Map<String, byte[]> pages = new LinkedHashMap<>();
    private final String contentSecurityPolicy;
    private final StationViews views;
    private final CameraImages images;
    private volatile io.sightline.station.inspect.Inspector inspector;

    /**
     * Binds and starts serving.
     *
     * @throws IllegalArgumentException when the address is unknown, or is not loopback and no token is set
     * @throws IOException when the address cannot be bound (port in use)
     */
    public StationServer(Station station, StationMetrics metrics, Options options) throws IOException {
        if ((station == null) != (metrics == null) || options == null) {
            throw new IllegalArgumentException("a station server needs a station, its metrics and options (or, for serve, neither)");
        }
        this.station = station;
        this.metrics = metrics;
        this.options = options;
        InetAddress address = check(options);
        this.auth = new TokenAuth(options.tokens());
        for (String page : List.of("index.html", "dashboard.js", "dashboard.css")) pages.put(page, resource(RESOURCES + page));
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self' 'sha256-" + inlineScriptHash(pages.get("index.html"))
                + "'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none';"
                + " frame-ancestors 'none'";
        this.views = station == null ? null : new StationViews(station, options);
        this.images = station == null ? null : new CameraImages(station.telemetry());
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "sightline-http-" + threadNumber.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy()); // the JDK's server closes a connection it cannot hand over
        executor.allowCoreThreadTimeOut(true);
        if (options.tls() != null) {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(address, options.port()), 32);
            https.setHttpsConfigurator(new HttpsConfigurator(options.tls()));
            this.server = https;
        } else {
            this.server = HttpServer.create(new InetSocketAddress(address, options.port()), 32);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Resolves the bind address and applies the token and TLS rules, without binding: a command line
     * can call this before it starts anything.
     *
     * @return the address to bind
     * @throws IllegalArgumentException when the address is unknown, or is not loopback and no token is
     *     set, or is not loopback and the server would speak plain HTTP without {@code insecure}
     */
    public static InetAddress check(Options options) {
        InetAddress address;
        try {
            address = InetAddress.getByName(options.bind());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("server bind address '" + options.bind() + "': unknown host", e);
        }
        if (!address.isLoopbackAddress() && options.tokens().isEmpty()) {
            throw new IllegalArgumentException("server bind address " + options.bind() + " is not a loopback address: anyone who"
                    + " can reach it could read the station and change its thresholds, so a token is required (server.tokens,"
                    + " or --server-token-file / --server-token-env, at least " + MIN_TOKEN_LENGTH + " characters); or bind to 127.0.0.1");
        }
        if (!address.isLoopbackAddress() && options.tls() == null && !options.insecure()) {
            throw new IllegalArgumentException("server bind address " + options.bind() + " is not a loopback address: its tokens and"
                    + " the station's data would cross the network in clear, so TLS is required (server.tls, or --server-tls-keystore);"
                    + " or say server.insecure: true (--server-insecure) for plain HTTP on a trusted network");
        }
        return address;
    }

    /**
     * Serves {@code POST /api/inspect} with this inspector (the station's, sharing its batches, or
     * serve's own).
     */
    public void serveInspections(io.sightline.station.inspect.Inspector inspector) {
        this.inspector = inspector;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Whether the server speaks HTTPS. */
    public boolean tls() {
        return options.tls() != null;
    }

    /** The dashboard's address, e.g. {@code http://127.0.0.1:8080/} or {@code https://...} (without the token). */
    public String url() {
        InetAddress a = server.getAddress().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return scheme() + "://" + host + ":" + port() + "/";
    }

    private String scheme() {
        return options.tls() != null ? "https" : "http";
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
                Role role = auth.role(ex, query);
                if (role == null) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"sightline\"");
                    throw new HttpError(401, "this station's server requires its token: send 'Authorization: Bearer TOKEN' or add"
                            + " ?token=TOKEN to the URL");
                }
                auth.checkHost(ex, this::url);
                route(ex, ex.getRequestURI().getPath(), query, role);
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

    private void route(HttpExchange ex, String path, Map<String, String> query, Role role) throws IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/api/thresholds")) {
            TokenAuth.require(role, Role.OPERATE, ex);
            if (!method.equals("POST")) throw methodNotAllowed(ex, "POST");
            ThresholdRequests.post(ex, station, options.thresholds(), auth, scheme());
            return;
        }
        if (path.equals("/api/inspect")) {
            if (!method.equals("POST")) throw methodNotAllowed(ex, "POST");
            InspectRequests.post(ex, inspector, query, scheme());
            return;
        }
        if (station == null) throw new HttpError(404, "no such page: " + path + " (this server runs sightline serve: only POST /api/inspect)");
        if (path.equals("/api/models/live")) {
            TokenAuth.require(role, Role.OPERATE, ex);
            if (!method.equals("POST")) throw methodNotAllowed(ex, "POST");
            ModelRequests.post(ex, station, auth, scheme());
            return;
        }
        if (path.equals("/api/models/shadow")) {
            TokenAuth.require(role, Role.OPERATE, ex);
            if (!method.equals("POST")) throw methodNotAllowed(ex, "POST");
            ModelRequests.postShadow(ex, station, auth, scheme());
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
            sendJson(ex, 200, views.state());
        } else if (path.equals("/api/rejects")) {
            sendJson(ex, 200, views.rejects(query));
        } else if (image.matches()) {
            images.serve(ex, image.group(1), query);
        } else {
            throw new HttpError(404, "no such page: " + path);
        }
    }

    private static HttpError methodNotAllowed(HttpExchange ex, String allowed) {
        ex.getResponseHeaders().set("Allow", allowed);
        return new HttpError(405, ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": expected " + allowed);
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
        return Base64.getEncoder().encodeToString(TokenAuth.sha256(s.substring(open + "<script>".length(), close)));
    }

    // ---- helpers

    static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
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

    static void sendJson(HttpExchange ex, int status, Object value) throws IOException {
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
    }

    /**
     * Unread bodies up to this size are dropped before an error answers (the JDK's server drains 64 KB
     * and then resets a client still sending, e.g. an unauthorised upload, instead of its 401); not for a 413.
     */
    static final long DRAIN_BEFORE_ERROR_BYTES = 4L << 20;

    private static void sendError(HttpExchange ex, int status, String message) {
        if (status != 413) drainBody(ex);
        try {
            ex.getResponseHeaders().remove("ETag");
            ex.getResponseHeaders().remove("Content-Security-Policy");
            sendJson(ex, status, Map.of("error", message, "status", status));
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void drainBody(HttpExchange ex) {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        try {
            if (length != null && Long.parseLong(length.trim()) > DRAIN_BEFORE_ERROR_BYTES) return;
            byte[] sink = new byte[8192];
            long left = DRAIN_BEFORE_ERROR_BYTES;
            for (int n; left > 0 && (n = ex.getRequestBody().read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) left -= n;
        } catch (IOException | NumberFormatException e) {
            // nothing more to read, or a length that is not a number: answer as it is
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

    static int intParam(Map<String, String> query, String name, int fallback, int min, int max) {
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
}
