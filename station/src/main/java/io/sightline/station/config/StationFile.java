package io.sightline.station.config;

import io.sightline.postprocess.opcua.OpcUaSecurity;
import io.sightline.station.StationConfig;
import io.sightline.station.web.AccessToken;
import io.sightline.station.TriggerSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One station YAML file, read and checked by {@link StationFileReader}: every value validated,
 * every default applied, every relative path resolved against the file's folder (paths here are
 * absolute). Immutable.
 *
 * <pre>
 *   YAML                      here
 *   station.name              {@link #name()}
 *   model                     {@link #model()}
 *   calibration               {@link #calibration()} (null: none)
 *   camera.fps, .overrun      {@link #camera()}
 *   lines[i]                  {@link #lines()}: name, views (name, source URI), threshold override, trend override
 *   preprocess.roi            {@link #roi()} (null: the camera's default)
 *   decision.threshold        {@link #threshold()}
 *   pipeline.*                {@link #pipeline()} (workers, inference-threads: null = auto)
 *   trend.*                   {@link #trend()}
 *   reject.*                  {@link #reject()} (log null: none; sinks null: off)
 *   journal.*                 {@link #journal()} (path null: none)
 *   reject-images.*           {@link #rejectImages()} (dir null: none)
 *   server.*                  {@link #server()} (tokens resolved from env/file, with their roles; tls; insecure)
 *   review.*                  {@link #review()} (no section: none)
 * </pre>
 *
 * <p>What the run command needs: {@link #toStationConfig()} for the station itself,
 * {@link #thresholds()} for each line's threshold, {@link #trendDetectors(int)} for each line's
 * detectors; on a reload (SIGHUP), {@link #readThresholds(Path)} or a fresh
 * {@link StationFileReader#read(Path)} and {@link #changedKeysBesidesThresholds(StationFile)} to say
 * what else changed and needs a restart.
 *
 * @param source the config file this was read from
 * @param name {@code station.name}: names the metrics and the outputs' client ids
 * @param model the model package folder (it holds model.json)
 * @param calibration the calibration file, or null
 * @param threshold {@code decision.threshold}: the lines' threshold unless a line overrides it
 * @param modelSigners {@code model-signers}: public keys one of which must have signed the model; empty: none required
 * @param modelStore {@code model-store}: the folder of model versions whose live pointer the station follows; null: none
 */
public record StationFile(Path source, String name, Path model, Path calibration, Camera camera, List<Line> lines, Roi roi,
                          float threshold, Pipeline pipeline, Trend trend, Reject reject, Journal journal,
                          RejectImages rejectImages, Server server, List<Path> modelSigners, Review review, Path modelStore) {

    /** A station without a model store ({@code model-store}). */
    public StationFile(Path source, String name, Path model, Path calibration, Camera camera, List<Line> lines, Roi roi,
                       float threshold, Pipeline pipeline, Trend trend, Reject reject, Journal journal,
                       RejectImages rejectImages, Server server, List<Path> modelSigners, Review review) {
        this(source, name, model, calibration, camera, lines, roi, threshold, pipeline, trend, reject, journal, rejectImages, server,
                modelSigners, review, null);
    }

    /** A station with no review queue. */
    public StationFile(Path source, String name, Path model, Path calibration, Camera camera, List<Line> lines, Roi roi,
                       float threshold, Pipeline pipeline, Trend trend, Reject reject, Journal journal,
                       RejectImages rejectImages, Server server, List<Path> modelSigners) {
        this(source, name, model, calibration, camera, lines, roi, threshold, pipeline, trend, reject, journal, rejectImages, server,
                modelSigners, Review.NONE, null);
    }

    /** A station that loads any intact model (no {@code model-signers}). */
    public StationFile(Path source, String name, Path model, Path calibration, Camera camera, List<Line> lines, Roi roi,
                       float threshold, Pipeline pipeline, Trend trend, Reject reject, Journal journal,
                       RejectImages rejectImages, Server server) {
        this(source, name, model, calibration, camera, lines, roi, threshold, pipeline, trend, reject, journal, rejectImages, server, List.of());
    }

    /** The trend detectors a line may run. */
    public static final List<String> DETECTORS = List.of("lstm", "ewma", "cusum", "pchart");

    public StationFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(model, "model");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) throw new IllegalArgumentException("a station needs at least one line");
    }

    /** {@code camera}: the trigger rate of every line and what a late camera loop does. */
    public record Camera(double fps, TriggerSchedule.Overrun overrun) {
    }

    /**
     * One production line.
     *
     * @param views its cameras, 1 to 16, in order (one view: a plain one-camera line)
     * @param threshold this line's decision threshold, or null for {@code decision.threshold}
     * @param trend this line's trend detectors (empty: none), or null for {@code trend.detectors}
     * @param trendModel this line's own trend LSTM package ({@code trend-model}, e.g. fine-tuned
     *                   on its journal by {@code train-trend --journal}), or null for {@code trend.model}
     */
    public record Line(String name, List<View> views, Float threshold, List<String> trend, Path trendModel) {
        public Line {
            views = List.copyOf(views);
            trend = trend == null ? null : List.copyOf(trend);
        }

        public Line(String name, List<View> views, Float threshold, List<String> trend) {
            this(name, views, threshold, trend, null);
        }
    }

    /**
     * One camera of a line.
     *
     * @param source a {@link io.sightline.capture.FrameSources} URI, checked but not opened; a
     *               relative {@code file:}, {@code folder:}, {@code watch:} or {@code usb:seq:} path is
     *               already resolved against the config file's folder
     */
    public record View(String name, String source) {
    }

    /** {@code preprocess.roi}: the region of interest in frame pixels. */
    public record Roi(int x, int y, int width, int height) {
        /** {x, y, w, h}, as {@link StationConfig#roi()} takes it. */
        public int[] toArray() {
            return new int[] {x, y, width, height};
        }
    }

    /**
     * {@code pipeline}.
     *
     * @param workers inspection workers, or null for auto ({@link StationConfig#defaults})
     * @param inferenceThreads TensorFlow threads per worker (0: TensorFlow's default), or null for auto
     * @param device where preprocessing and inference run: {@code auto} (CUDA device 0 when one is usable,
     *               else the CPU, with one log line saying why), {@code cpu}, {@code cuda} or {@code cuda:N}
     * @param precision the CPU inference arithmetic, {@code fp32} or {@code bf16} (see {@code InferencePrecision})
     */
    public record Pipeline(int ringSize, Integer workers, Integer inferenceThreads, int maxBatch, String device, String precision) {
        /** fp32, the default. */
        public Pipeline(int ringSize, Integer workers, Integer inferenceThreads, int maxBatch, String device) {
            this(ringSize, workers, inferenceThreads, maxBatch, device, "fp32");
        }
    }

    /**
     * {@code trend}.
     *
     * @param detectors every line's detectors unless a line overrides them (empty: none)
     * @param model the trend LSTM package (checked only when some line runs lstm)
     */
    public record Trend(List<String> detectors, Path model, io.sightline.postprocess.trend.TrendLimit limit) {
        public Trend {
            detectors = List.copyOf(detectors);
        }

        /** With the station's default LSTM limit. */
        public Trend(List<String> detectors, Path model) {
            this(detectors, model, null);
        }
    }

    /**
     * {@code reject}.
     *
     * @param delayMillis camera-to-ejector travel time; a part undecided by then is rejected
     * @param log the reject signal log file, or null for none
     */
    public record Reject(long delayMillis, Path log, Sinks sinks) {
    }

    /**
     * {@code reject.sinks}: each output is null when it is not configured.
     *
     * @param buffer messages each networked sink holds while its destination is down
     */
    public record Sinks(int buffer, Mqtt mqtt, Modbus modbus, Kafka kafka, OpcUa opcua, OpcUaServer opcuaServer) {
        /** The configured outputs' names, as in the file. */
        public List<String> names() {
            List<String> n = new ArrayList<>();
            if (mqtt != null) n.add("mqtt");
            if (modbus != null) n.add("modbus");
            if (kafka != null) n.add("kafka");
            if (opcua != null) n.add("opcua");
            if (opcuaServer != null) n.add("opcua-server");
            return n;
        }
    }

    /**
     * An MQTT broker; messages go to {@code TOPIC/line/L/reject}, {@code .../result}, {@code .../trend}.
     *
     * @param topic the topic prefix; {@code sightline/<station.name>} unless the file sets it
     */
    public record Mqtt(String uri, String topic, SinkAuth auth) {
        /** Plain and anonymous (a broker on loopback or an isolated network). */
        public Mqtt(String uri, String topic) {
            this(uri, topic, SinkAuth.NONE);
        }
    }

    /**
     * How the station authenticates at a broker (MQTT or Kafka).
     *
     * @param tlsCa the certificates (PEM, or a PKCS12 trust store) that the broker's must chain to;
     *     null: the JVM's trust store (an {@code ssl://} broker with a public CA)
     * @param username null: anonymous
     * @param passwordFile the password's file (first line), or null
     * @param passwordEnv the password's environment variable, or null (one of the two with a user name)
     * @param insecure the file says {@code insecure: true}: credentials may cross a plain {@code tcp://} link
     */
    public record SinkAuth(Path tlsCa, String username, Path passwordFile, String passwordEnv, boolean insecure) {
        public static final SinkAuth NONE = new SinkAuth(null, null, null, null, false);
    }

    /** A PLC over Modbus TCP. */
    public record Modbus(String host, int port, int unit) {
    }

    /**
     * Kafka; topics {@code PREFIX.rejects}, {@code .results}, {@code .trend}.
     *
     * @param tls SSL (or SASL_SSL with credentials) instead of PLAINTEXT
     * @param saslMechanism SCRAM-SHA-256 (the default), SCRAM-SHA-512 or PLAIN; used with credentials
     */
    public record Kafka(String bootstrap, String topicPrefix, boolean tls, String saslMechanism, SinkAuth auth) {
        /** PLAINTEXT and anonymous. */
        public Kafka(String bootstrap, String topicPrefix) {
            this(bootstrap, topicPrefix, false, "SCRAM-SHA-256", SinkAuth.NONE);
        }
    }

    /**
     * A PLC's OPC UA server, written to as a client.
     *
     * @param security the message security asked for; {@link OpcUaSecurity#DEFAULT} unless the file says
     * @param pki the station's OPC UA certificate store (own/, trusted/, rejected/); null only with None/None
     * @param username null: anonymous
     * @param passwordFile the user's password file (first line, readable by the station's user only), or null
     * @param passwordEnv the user's password variable, or null (one of the two with a user name)
     */
    public record OpcUa(String url, OpcUaSecurity security, Path pki, String username, Path passwordFile, String passwordEnv) {
        /** Policy None, anonymous: the demo's {@code --opcua}, or a PLC on an isolated cell network. */
        public OpcUa(String url) {
            this(url, OpcUaSecurity.NONE, null, null, null, null);
        }
    }

    /**
     * The station's own OPC UA server.
     *
     * @param security the endpoints it offers; {@code None} only when the file lists it
     * @param pki its certificate store (own/, trusted/, rejected/); null only when every endpoint is None
     * @param usersFile lines {@code name:password}, readable by the station's user only; null: anonymous sessions
     */
    public record OpcUaServer(int port, List<OpcUaSecurity> security, Path pki, Path usersFile) {
        public OpcUaServer {
            security = List.copyOf(security);
        }

        /**
         * The users of {@link #usersFile()}, read now (name to password), or empty for anonymous sessions.
         *
         * @throws IllegalArgumentException naming the file when it cannot be used
         */
        public java.util.Map<String, char[]> readUsers() {
            if (usersFile == null) return java.util.Map.of();
            try {
                return OpcUaSections.read(usersFile);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("reject.sinks.opcua-server.users-file: expected a file of lines name:password readable"
                        + " by the station's user only, got " + e.getMessage(), e);
            }
        }

        /** Policy None, anonymous: the demo's {@code --opcua-server}. */
        public OpcUaServer(int port) {
            this(port, List.of(OpcUaSecurity.NONE), null, null);
        }
    }

    /** {@code journal}: the decision journal, or {@code path} null for none. */
    public record Journal(Path path, boolean fsync) {
    }

    /**
     * {@code review}: parts scored within {@code band} of their line's threshold saved for relabelling
     * into {@code dir/LINE/unlabelled/}, at most {@code perHour} per line and {@code maxMb} in all; {@code dir} null: none.
     */
    public record Review(Path dir, float band, int perHour, long maxMb) {
        public static final Review NONE = new Review(null, 0.1f, 60, 1000);
    }

    /** {@code reject-images}: rejected parts' images, or {@code dir} null for none. */
    public record RejectImages(Path dir, long maxMb, double maxDays) {
    }

    /**
     * {@code server}: the metrics/dashboard HTTP server.
     *
     * @param tokens the access tokens with their roles, resolved from their files or variables ({@code
     *               server.tokens}, and {@code server.token} as an operate token); never printed by
     *               {@link #toString()}
     * @param tls HTTPS with this keystore, or null for plain HTTP
     * @param insecure {@code server.insecure: true}: plain HTTP off loopback was asked for in so many words
     * @param inspectMaxBytes {@code server.inspect-max-mb}: the most bytes in a {@code POST /api/inspect} body
     */
    public record Server(boolean enabled, String bind, int port, List<AccessToken> tokens, ServerTls tls, boolean insecure,
                         long inspectMaxBytes) {
        /** {@code server.inspect-max-mb}'s default. */
        public static final int DEFAULT_INSPECT_MAX_MB = 16;

        public Server {
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
        }

        /** With the default inspection body limit. */
        public Server(boolean enabled, String bind, int port, List<AccessToken> tokens, ServerTls tls, boolean insecure) {
            this(enabled, bind, port, tokens, tls, insecure, (long) DEFAULT_INSPECT_MAX_MB << 20);
        }

        /** Plain HTTP with at most one (operate) token, as before roles. */
        public Server(boolean enabled, String bind, int port, String token) {
            this(enabled, bind, port, token == null ? List.of() : List.of(AccessToken.operate(token)), null, false);
        }

        /** The first operate token's value (what the single {@code server.token} was), or null. */
        public String token() {
            for (AccessToken t : tokens) if (t.role() == AccessToken.Role.OPERATE) return t.value();
            return null;
        }

        @Override
        public String toString() {
            return "Server[enabled=" + enabled + ", bind=" + bind + ", port=" + port + ", tokens=" + tokens + ", tls=" + tls
                    + ", insecure=" + insecure + ", inspectMaxBytes=" + inspectMaxBytes + "]";
        }
    }

    /**
     * {@code server.tls}: the PKCS12 keystore the server presents and where its password is kept
     * (checked at read: the keystore opens with it).
     */
    public record ServerTls(Path keystore, Path passwordFile, String passwordEnv) {
    }

    /**
     * The station's config, for {@link io.sightline.station.Station}: as many lines as the file has,
     * {@code camera.fps} and {@code .overrun}, the model, {@code decision.threshold}, the ROI, the
     * pipeline ({@code auto} workers and inference threads are {@link StationConfig#defaults}' for this
     * machine), {@code reject.delay-ms}, and no frame limit. Per-line thresholds are
     * {@link #thresholds()}.
     */
    public StationConfig toStationConfig() {
        StationConfig d = StationConfig.defaults(model);
        return new StationConfig(lines.size(), camera.fps(), model, threshold, roi == null ? null : roi.toArray(),
                pipeline.ringSize(), pipeline.workers() != null ? pipeline.workers() : d.workers(),
                pipeline.inferenceThreads() != null ? pipeline.inferenceThreads() : d.inferenceThreads(), pipeline.maxBatch(),
                reject.delayMillis(), -1, camera.overrun());
    }

    /** Each line's decision threshold: its own override, else {@code decision.threshold}. */
    public float[] thresholds() {
        float[] t = new float[lines.size()];
        for (int i = 0; i < t.length; i++) {
            Float own = lines.get(i).threshold();
            t[i] = own != null ? own : threshold;
        }
        return t;
    }

    /** Line {@code line}'s trend detectors: its own list, else {@code trend.detectors} (empty: none). */
    public List<String> trendDetectors(int line) {
        List<String> own = lines.get(line).trend();
        return own != null ? own : trend.detectors();
    }

    /** Line {@code line}'s trend LSTM package: its own {@code trend-model}, else {@code trend.model}. */
    public Path trendModel(int line) {
        Path own = lines.get(line).trendModel();
        return own != null ? own : trend.model();
    }

    /** Whether some line runs the LSTM detector (and so needs {@code trend.model}). */
    public boolean usesLstm() {
        for (int i = 0; i < lines.size(); i++) if (trendDetectors(i).contains("lstm")) return true;
        return false;
    }

    /** Every camera of every line. */
    public int cameraCount() {
        int n = 0;
        for (Line l : lines) n += l.views().size();
        return n;
    }

    /**
     * Re-reads {@code file}, checked exactly as {@link StationFileReader#read(Path)} does, and returns
     * its per-line thresholds: what a running station applies on a reload. Compare the line count with
     * the running station's (a changed count shows up in {@link #changedKeysBesidesThresholds}).
     *
     * @throws ConfigException with every problem when the file is not valid any more
     */
    public static float[] readThresholds(Path file) {
        return StationFileReader.read(file).thresholds();
    }

    /**
     * The keys (as paths in the file, e.g. {@code camera.fps}, {@code lines[1].views[0].source})
     * whose values differ between this file and {@code other}, leaving out {@code decision.threshold}
     * and the lines' {@code threshold}s, which a running station can take on a reload; the others need
     * a restart. Empty when nothing else changed. A changed line count is {@code lines}.
     */
    public List<String> changedKeysBesidesThresholds(StationFile other) {
        Set<String> c = new LinkedHashSet<>();
        diff(c, "station.name", name, other.name);
        diff(c, "model", model, other.model);
        diff(c, "model-signers", modelSigners, other.modelSigners);
        diff(c, "model-store", modelStore, other.modelStore);
        diff(c, "calibration", calibration, other.calibration);
        diff(c, "camera.fps", camera.fps(), other.camera.fps());
        diff(c, "camera.overrun", camera.overrun(), other.camera.overrun());
        if (lines.size() != other.lines.size()) {
            c.add("lines");
        } else {
            for (int i = 0; i < lines.size(); i++) {
                Line a = lines.get(i);
                Line b = other.lines.get(i);
                String p = "lines[" + i + "]";
                diff(c, p + ".name", a.name(), b.name());
                if (a.views().size() != b.views().size()) {
                    c.add(p + ".views");
                } else {
                    for (int v = 0; v < a.views().size(); v++) {
                        diff(c, p + ".views[" + v + "].name", a.views().get(v).name(), b.views().get(v).name());
                        diff(c, p + ".views[" + v + "].source", a.views().get(v).source(), b.views().get(v).source());
                    }
                }
                diff(c, p + ".trend", a.trend(), b.trend());
                diff(c, p + ".trend-model", a.trendModel(), b.trendModel());
            }
        }
        diff(c, "preprocess.roi", roi, other.roi);
        diff(c, "pipeline.ring-size", pipeline.ringSize(), other.pipeline.ringSize());
        diff(c, "pipeline.workers", pipeline.workers(), other.pipeline.workers());
        diff(c, "pipeline.inference-threads", pipeline.inferenceThreads(), other.pipeline.inferenceThreads());
        diff(c, "pipeline.max-batch", pipeline.maxBatch(), other.pipeline.maxBatch());
        diff(c, "pipeline.device", pipeline.device(), other.pipeline.device());
        diff(c, "pipeline.precision", pipeline.precision(), other.pipeline.precision());
        diff(c, "trend.detectors", trend.detectors(), other.trend.detectors());
        diff(c, "trend.model", trend.model(), other.trend.model());
        diff(c, "trend.limit", trend.limit(), other.trend.limit());
        diff(c, "reject.delay-ms", reject.delayMillis(), other.reject.delayMillis());
        diff(c, "reject.log", reject.log(), other.reject.log());
        Sinks s = reject.sinks();
        Sinks o = other.reject.sinks();
        diff(c, "reject.sinks.buffer", s.buffer(), o.buffer());
        diff(c, "reject.sinks.mqtt", s.mqtt(), o.mqtt());
        diff(c, "reject.sinks.modbus", s.modbus(), o.modbus());
        diff(c, "reject.sinks.kafka", s.kafka(), o.kafka());
        diff(c, "reject.sinks.opcua", s.opcua(), o.opcua());
        diff(c, "reject.sinks.opcua-server", s.opcuaServer(), o.opcuaServer());
        diff(c, "journal.path", journal.path(), other.journal.path());
        diff(c, "journal.fsync", journal.fsync(), other.journal.fsync());
        diff(c, "reject-images.dir", rejectImages.dir(), other.rejectImages.dir());
        diff(c, "reject-images.max-mb", rejectImages.maxMb(), other.rejectImages.maxMb());
        diff(c, "reject-images.max-days", rejectImages.maxDays(), other.rejectImages.maxDays());
        diff(c, "review", review, other.review);
        diff(c, "server.enabled", server.enabled(), other.server.enabled());
        diff(c, "server.bind", server.bind(), other.server.bind());
        diff(c, "server.port", server.port(), other.server.port());
        diff(c, "server.tokens", server.tokens(), other.server.tokens());
        diff(c, "server.tls", server.tls(), other.server.tls());
        diff(c, "server.insecure", server.insecure(), other.server.insecure());
        diff(c, "server.inspect-max-mb", server.inspectMaxBytes(), other.server.inspectMaxBytes());
        return List.copyOf(c);
    }

    private static void diff(Set<String> changed, String key, Object a, Object b) {
        if (!Objects.equals(a, b)) changed.add(key);
    }
}
