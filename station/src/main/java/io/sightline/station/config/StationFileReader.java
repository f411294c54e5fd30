package io.sightline.station.config;

import static io.sightline.station.config.YamlSection.got;
import static io.sightline.station.config.YamlSection.isNull;
import static io.sightline.station.config.YamlSection.line;

import io.sightline.capture.FrameSources;
import io.sightline.inference.ModelInfo;
import io.sightline.postprocess.KafkaSink;
import io.sightline.station.StationConfig;
import io.sightline.station.TriggerSchedule;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a station YAML file into a {@link StationFile}, or throws a {@link ConfigException} that
 * lists every problem in the file, each as {@code FILE:LINE: key.path: expected WHAT, got VALUE}.
 *
 * <p>It walks SnakeYAML's node tree ({@code compose}, not {@code load}), so each value keeps its
 * line; nothing is built from the YAML but plain scalars, and tags such as {@code !!java} are never
 * acted on. Unknown keys are errors that list the keys known at that level (and suggest the nearest
 * one), as are duplicate keys, wrong types and values out of range. Paths are resolved against the
 * file's folder and checked to exist where the station needs them at start (the model package and
 * its model.json, the calibration file, the trend model when a line runs lstm, {@code file:} and
 * {@code folder:} sources), but no camera, stream or output is opened or contacted and no native
 * library is loaded: {@code sightline config check} runs on any machine.
 *
 * <p>The defaults are the demo's ({@link StationConfig}, {@code DemoCommand}); the default model and
 * trend model are {@code models/default} and {@code models/trend} in the project folder (the
 * launcher's {@code sightline.home}, else the working directory).
 */
public final class StationFileReader {
    static final Pattern STATION_NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    static final int MAX_LINES = 64;
    static final int MAX_VIEWS = io.sightline.station.Station.MAX_VIEWS;

    static final List<String> ROOT_KEYS = List.of("station", "model", "calibration", "camera", "lines", "preprocess", "decision",
            "pipeline", "trend", "reject", "journal", "reject-images", "server", "model-signers", "review", "model-store");

    private StationFileReader() {
    }

    /** Reads and checks {@code file}; tokens given as {@code env:NAME} read the process's environment. */
    public static StationFile read(Path file) {
        return read(file, System::getenv);
    }

    /** As {@link #read(Path)}, with {@code env} standing for the environment ({@code env:NAME} tokens). */
    public static StationFile read(Path file, Function<String, String> env) {
        if (Files.isDirectory(file)) throw fileProblem(file, "expected a station config file, got a folder");
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw fileProblem(file, "expected a station config file, got no such file");
        } catch (CharacterCodingException e) {
            throw fileProblem(file, "expected UTF-8 text, got bytes that are not");
        } catch (IOException e) {
            throw fileProblem(file, "expected a readable station config file, got " + e);
        }
        return parse(text, file, env);
    }

    /** Checks {@code text} as if it were the content of {@code nominalFile} (relative paths resolve against its folder). */
    public static StationFile parse(String text, Path nominalFile) {
        return parse(text, nominalFile, System::getenv);
    }

    /** As {@link #parse(String, Path)}, with {@code env} standing for the environment. */
    public static StationFile parse(String text, Path nominalFile, Function<String, String> env) {
        return new Walk(nominalFile, env).file(text);
    }

    private static ConfigException fileProblem(Path file, String message) {
        return new ConfigException(file, List.of(new ConfigProblem(file, 0, "", message)));
    }

    /** One reading of one file: the problems found so far, and what relative paths resolve against. */
    private static final class Walk {
        private final Path file;
        private final Path folder;
        private final List<ConfigProblem> problems = new ArrayList<>();
        private final YamlProblems sink;
        private final StationFileChecks checks;
        private final Function<String, String> env;
        /** The model's input, once read (the calibration is checked against its size). */
        private ModelInfo modelInfo;

        Walk(Path file, Function<String, String> env) {
            this.env = env;
            this.file = file;
            Path parent = file.toAbsolutePath().normalize().getParent();
            this.folder = parent != null ? parent : Path.of("").toAbsolutePath();
            this.sink = new YamlProblems(file, problems);
            this.checks = new StationFileChecks(sink, folder, env);
        }

        StationFile file(String text) {
            Node root;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setAllowDuplicateKeys(false);
                root = new Yaml(options).compose(new StringReader(text));
            } catch (MarkedYAMLException e) {
                Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
                String context = e.getContext() != null ? " (" + e.getContext() + (e.getContextMark() != null && e.getContextMark() != m
                        ? " on line " + (e.getContextMark().getLine() + 1) : "") + ")" : "";
                problems.add(new ConfigProblem(file, m != null ? m.getLine() + 1 : 0, "",
                        "expected valid YAML, got " + what + (m != null ? " at column " + (m.getColumn() + 1) : "") + context));
                throw new ConfigException(file, problems);
            } catch (YAMLException e) {
                problems.add(new ConfigProblem(file, 0, "", "expected valid YAML, got " + e.getMessage()));
                throw new ConfigException(file, problems);
            }
            if (root == null) {
                problems.add(new ConfigProblem(file, 1, "", "expected a station config (a map with at least 'lines'), got an empty file"));
                throw new ConfigException(file, problems);
            }
            if (!(root instanceof MappingNode)) { // nothing else in it can be read as a station
                problems.add(new ConfigProblem(file, line(root), "", "expected a station config (a map with at least 'lines'), got " + got(root)));
                throw new ConfigException(file, problems);
            }
            StationFile result = station(root);
            if (!problems.isEmpty()) {
                List<ConfigProblem> sorted = new ArrayList<>(problems);
                sorted.sort(Comparator.comparingInt(ConfigProblem::line)); // stable: in the file's order
                throw new ConfigException(file, sorted);
            }
            return result;
        }

        private StationFile station(Node rootNode) {
            YamlSection root = section("", rootNode, 1, ROOT_KEYS);

            YamlSection st = section("station", root.get("station"), root.line, List.of("name"));
            String name = st.string("name", "sightline", s -> STATION_NAME.matcher(s).matches(),
                    "a name of 1 to 64 characters a-z, 0-9, '.', '_' or '-'");

            Path model = existingPath(root, "model", home().resolve("models").resolve("default"));
            modelInfo = root.problemAt("model") ? null : checks.checkModel(root, model);
            List<Path> signers = ModelSigners.read(root, sink, folder);
            Path modelStore = root.has("model-store") ? root.path("model-store", null, false) : null;
            if (modelStore != null && !root.problemAt("model-store") && !Files.isDirectory(modelStore)) {
                root.problem("model-store", "expected a folder of model versions ('sightline models add' makes one), got " + modelStore
                        + (Files.exists(modelStore) ? ", a file" : ", which does not exist"));
            }
            Path calibration = root.has("calibration") ? root.path("calibration", null, false) : null;
            if (calibration != null && !root.problemAt("calibration")) checks.checkCalibration(root, calibration, modelInfo);

            YamlSection cam = section("camera", root.get("camera"), root.line, List.of("fps", "overrun"));
            double fps = cam.number("fps", StationConfig.DEFAULT_FPS, v -> v > 0 && v <= 10_000,
                    "a trigger rate above 0 and at most 10000 frames/s per line");
            TriggerSchedule.Overrun overrun = cam.overrun("overrun");

            List<StationFile.Line> lines = lines(root);

            YamlSection pre = section("preprocess", root.get("preprocess"), root.line, List.of("roi"));
            StationFile.Roi roi = pre.roi("roi");

            YamlSection dec = section("decision", root.get("decision"), root.line, List.of("threshold"));
            float threshold = (float) dec.number("threshold", StationConfig.DEFAULT_THRESHOLD, v -> v > 0 && v <= 1, "a score in (0, 1]");

            StationFile.Pipeline pipeline = pipeline(root);

            YamlSection tr = section("trend", root.get("trend"), root.line, List.of("detectors", "model", "limit"));
            List<String> detectors = tr.detectors("detectors", List.of("lstm", "cusum"));
            io.sightline.postprocess.trend.TrendLimit limit = null;
            String limitText = tr.isNull("limit") ? null : tr.string("limit", null, v -> true, "a reject rate in (0, 1) such as 0.05, or a multiple such as 3x");
            if (limitText != null) {
                try {
                    limit = io.sightline.postprocess.trend.TrendLimit.parse("trend.limit", limitText);
                } catch (IllegalArgumentException e) {
                    tr.problem("limit", e.getMessage().substring("trend.limit: ".length()));
                }
            }
            Path trendModelDefault = home().resolve("models").resolve("trend");
            Path trendModel = tr.has("model") ? tr.path("model", trendModelDefault, false) : trendModelDefault;

            StationFile.Reject reject = reject(root, name);

            YamlSection jn = section("journal", root.get("journal"), root.line, List.of("path", "fsync"));
            Path journalPath = jn.path("path", folder.resolve("sightline-out/journal.db"), true);
            if (journalPath != null && Files.isDirectory(journalPath)) {
                jn.problem("path", "expected a journal file (or none), got " + journalPath + ", a folder");
            }
            boolean fsync = jn.bool("fsync", false);

            YamlSection ri = section("reject-images", root.get("reject-images"), root.line, List.of("dir", "max-mb", "max-days"));
            Path riDir = ri.path("dir", folder.resolve("sightline-out/reject-images"), true);
            if (riDir != null && Files.exists(riDir) && !Files.isDirectory(riDir)) {
                ri.problem("dir", "expected a folder for the images (or none), got " + riDir + ", a file");
            }
            long maxMb = ri.integer("max-mb", 500, v -> v >= 1 && v <= 10_000_000, "a size limit from 1 to 10000000 MB");
            double maxDays = ri.number("max-days", 30, v -> v > 0 && v <= 36_500, "a number of days above 0 and at most 36500");

            StationFile.Server server = new ServerSection(sink, folder, env, checks).read(root);
            StationFile.Review review = ReviewSection.read(root.has("review") ? section("review", root.get("review"), root.line,
                    ReviewSection.KEYS) : null, folder);

            boolean lstm = detectors.contains("lstm");
            for (StationFile.Line l : lines) lstm |= l.trend() != null ? l.trend().contains("lstm") : detectors.contains("lstm");
            if (lstm && !tr.problemAt("model")) checks.checkTrendModel(tr, trendModel);
            for (int i = 0; i < lines.size(); i++) {
                StationFile.Line l = lines.get(i);
                boolean runs = l.trend() != null ? l.trend().contains("lstm") : detectors.contains("lstm");
                if (l.trendModel() != null && !runs) {
                    add(root.line, "lines[" + i + "].trend-model", "expected no trend model on a line that does not run lstm, got "
                            + l.trendModel());
                }
            }
            if (!problems.isEmpty()) return null;
            return new StationFile(file, name, model, calibration, new StationFile.Camera(fps, overrun), lines, roi, threshold,
                    pipeline, new StationFile.Trend(detectors, trendModel, limit), reject, new StationFile.Journal(journalPath, fsync),
                    new StationFile.RejectImages(riDir, maxMb, maxDays), server, signers, review, modelStore);
        }

        private List<StationFile.Line> lines(YamlSection root) {
            Node node = root.get("lines");
            List<StationFile.Line> lines = new ArrayList<>();
            String expected = "a list of 1 to " + MAX_LINES + " lines, each with its views (cameras)";
            if (node == null) {
                add(root.line, "lines", "expected " + expected + ", got nothing (the key is missing)");
                return lines;
            }
            if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty() || seq.getValue().size() > MAX_LINES) {
                problem(node, "lines", "expected " + expected + ", got " + got(node));
                return lines;
            }
            Map<String, String> names = new HashMap<>();
            Map<String, String> cameras = new HashMap<>(); // usb:/gige: cameras, which one process can open once
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node ln = seq.getValue().get(i);
                String path = "lines[" + i + "]";
                if (isNull(ln)) {
                    problem(ln, path, "expected a line: a map with keys name, views, threshold, trend, trend-model, got null");
                    continue;
                }
                YamlSection l = section(path, ln, line(ln), List.of("name", "views", "threshold", "trend", "trend-model"));
                if (!(ln instanceof MappingNode)) continue; // reported by section
                String name = l.string("name", "line-" + i, s -> VIEW_NAME.matcher(s).matches(),
                        "a line name of 1 to 32 letters, digits, '_', '.' or '-'");
                String first = names.putIfAbsent(name, path);
                if (first != null) l.problem("name", "expected a name no other line has, got '" + name + "' (also " + first + ")");
                List<StationFile.View> views = views(l, cameras);
                Float threshold = l.has("threshold") && !l.isNull("threshold")
                        ? (float) l.number("threshold", StationConfig.DEFAULT_THRESHOLD, v -> v > 0 && v <= 1, "a score in (0, 1]") : null;
                List<String> trend = l.has("trend") ? l.detectors("trend", null) : null;
                Path trendModel = l.has("trend-model") && !l.isNull("trend-model") ? l.path("trend-model", null, false) : null;
                if (trendModel != null && !l.problemAt("trend-model")) checks.checkTrendModel(l, trendModel, "trend-model");
                lines.add(new StationFile.Line(name, views, threshold, trend, trendModel));
            }
            return lines;
        }

        private List<StationFile.View> views(YamlSection line, Map<String, String> cameras) {
            Node node = line.get("views");
            List<StationFile.View> views = new ArrayList<>();
            String path = line.path + ".views";
            String expected = "a list of 1 to " + MAX_VIEWS + " cameras, each {name: NAME, source: URI}";
            if (node == null) {
                add(line.line, path, "expected " + expected + ", got nothing (the key is missing)");
                return views;
            }
            if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty() || seq.getValue().size() > MAX_VIEWS) {
                problem(node, path, "expected " + expected + ", got " + got(node));
                return views;
            }
            String[] defaults = defaultViewNames(seq.getValue().size());
            Map<String, String> names = new HashMap<>();
            int firstChannels = 0;
            for (int v = 0; v < seq.getValue().size(); v++) {
                Node vn = seq.getValue().get(v);
                String vp = path + "[" + v + "]";
                if (isNull(vn)) {
                    problem(vn, vp, "expected a view: a map with keys name, source, got null");
                    continue;
                }
                YamlSection view = section(vp, vn, line(vn), List.of("name", "source"));
                if (!(vn instanceof MappingNode)) continue;
                String name = view.string("name", defaults[v], s -> VIEW_NAME.matcher(s).matches(),
                        "a view name of 1 to 32 letters, digits, '_', '.' or '-'");
                String first = names.putIfAbsent(name, vp);
                if (first != null) view.problem("name", "expected a name no other view of this line has, got '" + name + "' (also " + first + ")");
                String source = source(view, cameras);
                views.add(new StationFile.View(name, source));
                int channels = channelsOf(source);
                if (v == 0) firstChannels = channels;
                else if (channels != 0 && firstChannels != 0 && channels != firstChannels) {
                    view.problem("source", "expected a source delivering " + channelWord(firstChannels) + " frames, as this line's first view"
                            + " does (a line's views share its preprocessing), got " + source + ", which delivers " + channelWord(channels));
                }
            }
            return views;
        }

        /** The channels a source URI delivers (1 gray, 3 colour); 0 when it is missing or bad (reported already). */
        private static int channelsOf(String uri) {
            if (uri == null) return 0;
            try {
                return FrameSources.channels(uri);
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }

        private static String channelWord(int channels) {
            return channels == 3 ? "colour (BGR)" : "gray";
        }

        /** The view's source URI, checked by {@link FrameSources#check} and with a relative path resolved. */
        private String source(YamlSection view, Map<String, String> cameras) {
            Node node = view.get("source");
            String path = view.path + ".source";
            String expected = "a frame source URI: " + FrameSources.FORMS;
            if (node == null) {
                add(view.line, path, "expected " + expected + ", got nothing (the key is missing)");
                return null;
            }
            if (!(node instanceof ScalarNode s) || isNull(node)) {
                problem(node, path, "expected " + expected + ", got " + got(node));
                return null;
            }
            String uri = s.getValue().trim();
            try {
                FrameSources.check(uri);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage();
                problem(node, path, "expected " + expected + ", got " + got(node) + (why.contains("expected " + FrameSources.FORMS) ? "" : " (" + why + ")"));
                return uri;
            }
            String resolved = resolveSource(uri);
            for (String scheme : new String[] {"file:", "folder:"}) {
                if (!resolved.startsWith(scheme)) continue;
                String target = resolved.substring(scheme.length());
                Path p = Path.of(target.contains("?") ? target.substring(0, target.indexOf('?')) : target); // ?colour=true
                boolean file = scheme.equals("file:");
                if (file ? !Files.isRegularFile(p) : !Files.isDirectory(p)) {
                    problem(node, path, "expected " + (file ? "an existing video file" : "an existing folder of images") + ", got " + uri
                            + (Files.exists(p) ? " (" + p + " is a " + (file ? "folder" : "file") + ")" : " (no such " + (file ? "file" : "folder")
                            + ": " + p + ")"));
                }
            }
            if (resolved.startsWith("usb:") && !resolved.startsWith("usb:seq:") || resolved.startsWith("gige:")) {
                String camera = resolved.contains("?") ? resolved.substring(0, resolved.indexOf('?')) : resolved;
                String first = cameras.putIfAbsent(camera, path);
                if (first != null) problem(node, path, "expected a camera no other view uses, got " + uri + " (also " + first + ")");
            }
            return resolved;
        }

        /** {@code file:}, {@code folder:}, {@code watch:} and {@code usb:seq:} paths resolved against the config's folder. */
        private String resolveSource(String uri) {
            for (String scheme : new String[] {"file:", "folder:", "watch:", "usb:seq:"}) {
                if (!uri.startsWith(scheme)) continue;
                String rest = uri.substring(scheme.length());
                String options = "";
                int q = rest.indexOf('?');
                if (q >= 0) { // every scheme's options, file: and folder: ?colour=true included
                    options = rest.substring(q);
                    rest = rest.substring(0, q);
                }
                return scheme + folder.resolve(rest).normalize() + options;
            }
            return uri;
        }

        private StationFile.Pipeline pipeline(YamlSection root) {
            YamlSection p = section("pipeline", root.get("pipeline"), root.line, List.of("ring-size", "workers", "inference-threads", "max-batch",
                    "device", "precision"));
            int ring = (int) p.integer("ring-size", StationConfig.DEFAULT_RING_SIZE, v -> v >= 4 && v <= 65_536 && Long.bitCount(v) == 1,
                    "a power of two from 4 to 65536");
            Integer workers = p.auto("workers", 1, 64, "auto or an integer from 1 to 64");
            Integer threads = p.auto("inference-threads", 0, 256, "auto, 0 (TensorFlow's default: every core) or a thread count up to 256");
            int maxBatch;
            if (p.has("max-batch")) {
                maxBatch = (int) p.integer("max-batch", StationConfig.DEFAULT_MAX_BATCH, v -> v >= 1 && v <= 1024, "an integer from 1 to 1024");
                if (maxBatch > ring && !p.problemAt("ring-size")) p.problem("max-batch", "expected at most pipeline.ring-size (" + ring + "), got " + maxBatch);
            } else {
                maxBatch = Math.min(StationConfig.DEFAULT_MAX_BATCH, ring);
            }
            String device = p.string("device", "auto", v -> {
                try {
                    io.sightline.natives.cuda.DeviceRequest.parse(v);
                    return true;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }, "auto, cpu, cuda or cuda:N");
            String precision = p.string("precision", "fp32", v -> v.equals("fp32") || v.equals("bf16"), "fp32 or bf16");
            return new StationFile.Pipeline(ring, workers, threads, maxBatch, device, precision);
        }

        private StationFile.Reject reject(YamlSection root, String stationName) {
            YamlSection r = section("reject", root.get("reject"), root.line, List.of("delay-ms", "log", "sinks"));
            long delay = r.integer("delay-ms", StationConfig.DEFAULT_REJECT_DELAY_MILLIS, v -> v >= 0 && v <= 600_000, "0 to 600000 milliseconds");
            Path log = r.path("log", folder.resolve("sightline-out/rejects.log"), true);
            if (log != null && Files.isDirectory(log)) r.problem("log", "expected a log file (or none), got " + log + ", a folder");
            YamlSection s = section("reject.sinks", r.get("sinks"), r.line, List.of("buffer", "mqtt", "modbus", "kafka", "opcua", "opcua-server"));
            int buffer = (int) s.integer("buffer", 100_000, v -> v >= 1 && v <= 10_000_000, "1 to 10000000 messages");
            StationFile.Mqtt mqtt = null;
            if (s.present("mqtt")) {
                YamlSection m = section("reject.sinks.mqtt", s.get("mqtt"), s.line,
                        List.of("uri", "topic", "tls-ca", "username", "password-file", "password-env", "insecure"));
                String uri = m.required("uri", u -> u.matches("(tcp|ssl|ws|wss)://[^/?#\\s]+(:\\d{1,5})?(/.*)?"),
                        "a broker URI such as tcp://127.0.0.1:1883 (tcp, ssl, ws or wss)");
                String topic = m.string("topic", "sightline/" + stationName, t -> !t.isEmpty() && !t.contains("#") && !t.contains("+") && !t.startsWith("/"),
                        "a topic prefix without wildcards, e.g. sightline/press-7");
                boolean tls = uri != null && (uri.startsWith("ssl://") || uri.startsWith("wss://"));
                mqtt = new StationFile.Mqtt(uri, topic, SinkSecurity.auth(m, tls, "the uri " + uri + " is not a TLS one (ssl:// or wss://)"));
            }
            StationFile.Modbus modbus = null;
            if (s.present("modbus")) {
                YamlSection m = section("reject.sinks.modbus", s.get("modbus"), s.line, List.of("host", "port", "unit"));
                String host = m.required("host", HostNames::isHost, "a PLC's host name or IP address");
                int port = (int) m.integer("port", 502, v -> v >= 1 && v <= 65_535, "a TCP port from 1 to 65535");
                int unit = (int) m.integer("unit", 1, v -> v >= 0 && v <= 255, "a Modbus unit id from 0 to 255");
                modbus = new StationFile.Modbus(host, port, unit);
            }
            StationFile.Kafka kafka = null;
            if (s.present("kafka")) {
                YamlSection k = section("reject.sinks.kafka", s.get("kafka"), s.line, List.of("bootstrap", "topic-prefix", "tls",
                        "sasl-mechanism", "tls-ca", "username", "password-file", "password-env", "insecure"));
                String bootstrap = k.required("bootstrap", HostNames::isBootstrap,
                        "HOST:PORT of one or more brokers, comma-separated, e.g. 127.0.0.1:9092");
                String prefix = k.string("topic-prefix", "sightline", t -> t.matches("[A-Za-z0-9._-]{1,200}"),
                        "a topic prefix of letters, digits, '.', '_' or '-'");
                boolean tls = k.bool("tls", false);
                String mechanism = k.string("sasl-mechanism", "SCRAM-SHA-256", KafkaSink.Security.MECHANISMS::contains,
                        "one of " + KafkaSink.Security.MECHANISMS);
                kafka = new StationFile.Kafka(bootstrap, prefix, tls, mechanism, SinkSecurity.auth(k, tls, "tls is not true"));
            }
            StationFile.OpcUa opcua = s.present("opcua") ? OpcUaSections.client(s, sink, folder) : null;
            StationFile.OpcUaServer opcuaServer = s.present("opcua-server") ? OpcUaSections.server(s, sink, folder) : null;
            if (opcua != null && opcuaServer != null && opcua.pki() != null && opcua.pki().equals(opcuaServer.pki())) {
                add(line(s.get("opcua-server")), "reject.sinks.opcua-server.pki", "expected a pki folder of its own (the station's client"
                        + " and server are two OPC UA applications, each with its certificate), got " + opcua.pki() + ", reject.sinks.opcua.pki too");
            }
            return new StationFile.Reject(delay, log, new StationFile.Sinks(buffer, mqtt, modbus, kafka, opcua, opcuaServer));
        }

        private Path existingPath(YamlSection root, String key, Path dflt) {
            return root.has(key) ? root.path(key, dflt, false) : dflt;
        }

        // ---- sections and problems ----

        private YamlSection section(String path, Node node, int fallbackLine, List<String> known) {
            return YamlSection.of(sink, folder, path, node, fallbackLine, known);
        }

        private void problem(Node node, String path, String message) {
            sink.problem(node, path, message);
        }

        private void add(int line, String path, String message) {
            sink.add(line, path, message);
        }
    }

    // ---- shared helpers ----

    /** The project folder, as the launcher sets it ({@code sightline.home}), for the default model packages. */
    static Path home() {
        String home = System.getProperty("sightline.home");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    /** The demo's view names: top, then side (two views) or side-1, side-2, ... */
    static String[] defaultViewNames(int views) {
        String[] names = new String[views];
        names[0] = "top";
        for (int v = 1; v < views; v++) names[v] = views == 2 ? "side" : "side-" + v;
        return names;
    }
}
