package io.sightline.station.cli;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.postprocess.trend.model.TrendModels;
import io.sightline.station.Station;
import io.sightline.station.StationConfig;
import io.sightline.station.TriggerSchedule;
import io.sightline.postprocess.security.Secrets;
import io.sightline.station.config.StationFile;
import io.sightline.station.web.AccessToken;
import io.sightline.station.telemetry.StationStats;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline demo}: the whole station on synthetic part cameras, with a live status line. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the station on synthetic part cameras and report what it decided.",
                "Every part ends in one outcome: pass, reject (defect) or fail-safe reject; the counters balance."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--lines", paramLabel = "N", description = "production lines, one camera each (default: ${DEFAULT-VALUE})")
    int lines = StationConfig.DEFAULT_LINES;

    @Option(names = "--views", paramLabel = "N",
            description = "cameras per line (top, side, ...): a part's outcome waits for all its views up to its deadline; any view"
                    + " rejecting rejects it, a missing view is a fail-safe reject; each synthetic view shows its own defects"
                    + " at --defect-rate (default: ${DEFAULT-VALUE})")
    int views = 1;

    @Option(names = "--fps", paramLabel = "F", description = "parts per second per line (default: ${DEFAULT-VALUE})")
    double fps = StationConfig.DEFAULT_FPS;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "how long the cameras run (default: ${DEFAULT-VALUE})")
    double durationSeconds = 20;

    @Option(names = "--defect-rate", paramLabel = "R", description = "fraction of parts with a defect (default: ${DEFAULT-VALUE})")
    double defectRate = 0.1;

    @Option(names = "--width", paramLabel = "PX", description = "camera width (default: ${DEFAULT-VALUE})")
    int width = 1280;

    @Option(names = "--height", paramLabel = "PX", description = "camera height (default: ${DEFAULT-VALUE})")
    int height = 1024;

    @Option(names = "--seed", description = "synthetic camera seed (default: ${DEFAULT-VALUE})")
    long seed = 7;

    @Option(names = "--model", paramLabel = "DIR", description = "model package (default: models/default in the project)")
    Path model;

    @Option(names = "--threshold", paramLabel = "SCORE", description = "reject when defect score >= this (default: ${DEFAULT-VALUE})")
    float threshold = StationConfig.DEFAULT_THRESHOLD;

    @Option(names = "--max-batch", paramLabel = "N", description = "largest inference batch (default: ${DEFAULT-VALUE})")
    int maxBatch = StationConfig.DEFAULT_MAX_BATCH;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "where preprocessing and inference run: auto (CUDA device 0 when usable, else the CPU with one log line"
                    + " saying why), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}; ./sightline devices shows this machine's)")
    String device = "auto";

    @Option(names = "--precision", paramLabel = "fp32|bf16", description = "CPU inference arithmetic: fp32 or bf16 (oneDNN bfloat16 on a CPU"
            + " with AVX512_BF16 or AMX; check the decisions first with eval --precision bf16) (default: ${DEFAULT-VALUE})")
    String precision = "fp32";

    @Option(names = "--ring-size", paramLabel = "N", description = "ring slots, a power of two (default: ${DEFAULT-VALUE})")
    int ringSize = StationConfig.DEFAULT_RING_SIZE;

    @Option(names = "--workers", paramLabel = "N",
            description = "inspection workers, each preprocessing and inferring its share of the frames (default: cores, at most 8)")
    Integer workers;

    @Option(names = "--inference-threads", paramLabel = "N",
            description = "TensorFlow intra-op threads per worker; 0 = TensorFlow's default (default: max(1, cores / workers))")
    Integer inferenceThreads;

    @Option(names = "--reject-delay-ms", paramLabel = "MS", description = "camera-to-ejector travel time; undecided parts are rejected then (default: ${DEFAULT-VALUE})")
    long rejectDelayMillis = StationConfig.DEFAULT_REJECT_DELAY_MILLIS;

    @Option(names = "--reject-log", paramLabel = "FILE", description = "where reject signals are logged (default: sightline-out/demo-rejects.log)")
    Path rejectLog = Path.of("sightline-out", "demo-rejects.log");

    @Option(names = "--json", description = "print one JSON object with the figures as the last line")
    boolean json;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "decision journal (SQLite): every outcome is appended before its signal is sent; none turns it off (default: ${DEFAULT-VALUE})")
    String journal = "sightline-out/journal.db";

    @Option(names = "--mqtt", paramLabel = "URI",
            description = "also send results, rejects and trend alarms as JSON to this MQTT broker, e.g. tcp://127.0.0.1:1883 (topics sightline/demo/line/L/...)")
    String mqtt;

    @Option(names = "--modbus", paramLabel = "HOST:PORT[:UNIT]",
            description = "also write rejects, results and trend alarms to a PLC's registers over Modbus TCP (map in the README)")
    String modbus;

    @Option(names = "--kafka", paramLabel = "HOST:PORT",
            description = "also send results, rejects and trend alarms to Kafka (topics sightline.results, .rejects, .trend, keyed by line)")
    String kafka;

    @Option(names = "--opcua", paramLabel = "URL",
            description = "also write rejects, results and trend alarms into a PLC's OPC UA variables (namespace urn:sightline:station, PLC/...)")
    String opcua;

    @Option(names = "--opcua-server", paramLabel = "PORT",
            description = "serve the station's state over OPC UA on 127.0.0.1:PORT (Objects/Sightline: State, LastResult, Counters, Errors)")
    Integer opcuaServer;

    @Option(names = "--server-port", paramLabel = "PORT",
            description = "serve the dashboard and Prometheus /metrics on this port while the demo runs (0: any free port)")
    Integer serverPort;

    @Option(names = "--server-bind", paramLabel = "ADDR",
            description = "the dashboard server's address (default: ${DEFAULT-VALUE}); any other than loopback needs a token, and"
                    + " --server-tls-keystore or --server-insecure")
    String serverBind = "127.0.0.1";

    @Option(names = "--server-token-file", paramLabel = "FILE",
            description = "an operate token on the file's first line (chmod 600): every dashboard, API and metrics request must carry it"
                    + " (Authorization: Bearer TOKEN or ?token=TOKEN); at least 16 characters. Never on the command line itself")
    Path serverTokenFile;

    @Option(names = "--server-token-env", paramLabel = "NAME", description = "as --server-token-file, the token from this environment variable")
    String serverTokenEnv;

    @Option(names = "--server-tls-keystore", paramLabel = "FILE.p12",
            description = "serve HTTPS with this PKCS12 keystore (e.g. from `sightline tls self-signed`); its password from --server-tls-password-file")
    Path serverTlsKeystore;

    @Option(names = "--server-tls-password-file", paramLabel = "FILE", description = "the keystore's password on the file's first line (chmod 600)")
    Path serverTlsPasswordFile;

    @Option(names = "--server-insecure", description = "allow plain HTTP on an address other than loopback (a trusted network only)")
    boolean serverInsecure;

    @Option(names = "--reject-images", paramLabel = "DIR",
            description = "save rejected parts' images as PNG under DIR/line-L/; none turns it off (default: ${DEFAULT-VALUE})")
    String rejectImages = "sightline-out/reject-images";

    @Option(names = "--reject-images-max-mb", paramLabel = "MB", description = "size limit of the image folder; the oldest go first (default: ${DEFAULT-VALUE})")
    long rejectImagesMaxMb = 500;

    @Option(names = "--reject-images-max-days", paramLabel = "D", description = "images older than this are deleted (default: ${DEFAULT-VALUE})")
    double rejectImagesMaxDays = 30;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = "run with a calibration file: its threshold and reject delay replace --threshold and --reject-delay-ms;"
                    + " one made for another resolution or model is refused")
    Path calibration;

    @Option(names = "--source", paramLabel = "URI",
            description = "a real frame source instead of the synthetic camera: " + io.sightline.capture.FrameSources.FORMS
                    + "; folders and video files loop, streams and cameras are re-opened when lost; repeat once per line (with --views, once per"
                    + " line and view, line 0's views first), or give one for every camera")
    List<String> sources = new ArrayList<>();

    @Option(names = "--trend", paramLabel = "LIST",
            description = "trend detectors on every line: lstm, ewma, cusum, pchart (comma-separated) or none (default: ${DEFAULT-VALUE})")
    String trend = "lstm,cusum";

    @Option(names = "--trend-line", paramLabel = "LINE=LIST",
            description = "detectors for one line instead of --trend's, e.g. 1=ewma,pchart or 0=none (repeatable)")
    List<String> trendLines = new ArrayList<>();

    @Option(names = "--trend-model", paramLabel = "DIR", description = "trend LSTM package (default: models/trend)")
    Path trendModel;

    @Option(names = "--drift", paramLabel = "LINE:START_SECONDS:KIND[:CLASS]",
            description = "make one line drift: KIND step, linear, exponential, periodic or burst; with CLASS (e.g. crack) only that"
                    + " defect class rises (repeatable)")
    List<String> drifts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!(durationSeconds > 0 && durationSeconds <= 86_400)) {
            throw new IllegalArgumentException("--duration: expected 0 < seconds <= 86400, got " + durationSeconds);
        }
        StationFile file = stationFile();
        List<DriftSpec> driftSpecs = new ArrayList<>();
        for (String d : drifts) driftSpecs.add(DriftSpec.parse(d, lines));
        // Synthetic views of a line stop at the same part (a frame budget), so the end of the run
        // leaves no part with a view missing; one view runs until it is stopped, as before.
        boolean budget = views > 1 && sources.isEmpty();
        StationLauncher.Launch how = new StationLauncher.Launch("demo", new StartupChecks(false),
                sources.isEmpty() ? f -> new ArrayList<>(syntheticCameras()) : StationLauncher::openCameras,
                budget ? Math.max(1, Math.round(durationSeconds * fps)) : -1, true);
        PrintStream err = System.err;
        try (StationLauncher.Launched launched = StationLauncher.launch(file, how)) {
            Station station = launched.station();
            for (var n : launched.outputs()) if (n.name().startsWith("opcua-server")) err.println("OPC UA: the station's state at " + n.name());
            if (launched.calibration() != null) {
                err.printf("calibration %s: threshold %.4f, reject delay %d ms%n", calibration, station.thresholds()[0],
                        station.config().rejectDelayMillis());
            }
            for (DriftSpec d : driftSpecs) {
                if (d.defectClass() != null && !launched.model().info().defectClasses().contains(d.defectClass())) {
                    throw new IllegalArgumentException("--drift " + d.line() + ":...:" + d.defectClass() + ": expected a defect class of the "
                            + "model " + launched.model().info().defectClasses() + ", got '" + d.defectClass() + "'");
                }
            }
            String version = launched.model().info().version();
            Path modelDir = file.model();
            if (sources.isEmpty()) {
                err.printf("sightline demo: %d line(s)%s x %.1f fps, %dx%d, defect rate %.2f, model %s (%s), threshold %.2f%n",
                        lines, views > 1 ? " x " + views + " views " + Arrays.toString(viewNames(views)) : "", fps, width, height,
                        defectRate, modelDir, version, station.thresholds()[0]);
            } else {
                err.printf("sightline demo: %d line(s) x %.1f fps from %s, model %s (%s), threshold %.2f%n", lines, fps,
                        launched.cameras().stream().map(c -> c.name() + " " + c.maxWidth() + "x" + c.maxHeight()).toList(), modelDir,
                        version, station.thresholds()[0]);
            }
            err.printf("reject signals -> %s%n", rejectLog.toAbsolutePath());
            if (launched.journal() != null) err.printf("decision journal -> %s%n", launched.journal().file().toAbsolutePath());
            if (!launched.trend().trackers().isEmpty()) {
                err.printf("trend: %s on every line%s (baseline %d parts, windows of %d)%s%n", trend,
                        trendLines.isEmpty() ? "" : ", except " + trendLines, TrendModels.BASELINE, TrendModels.WINDOW,
                        driftSpecs.isEmpty() ? "" : "; drift " + drifts);
            }
            if (launched.server() != null) {
                err.printf("dashboard -> %s%s (Prometheus metrics at %smetrics)%n", launched.server().url(),
                        serverTokenFile == null && serverTokenEnv == null ? "" : "?token=YOUR_TOKEN", launched.server().url());
            }
            StatusLine status = new StatusLine(err);
            station.start();
            long startNanos = System.nanoTime();
            long endNanos = startNanos + (long) (durationSeconds * 1e9);
            while (System.nanoTime() - endNanos < 0) {
                Thread.sleep(Math.min(100, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000)));
                double elapsed = (System.nanoTime() - startNanos) / 1e9;
                for (DriftSpec d : driftSpecs) {
                    for (int v = 0; v < views; v++) {
                        if (!(launched.cameras().get(d.line() * views + v) instanceof SyntheticPartCamera c)) continue;
                        if (d.defectClass() == null) c.setDefectRate(d.rate(defectRate, elapsed));
                        else c.setDefectRates(d.classRates(c.kinds(), defectRate, elapsed));
                    }
                }
                status.printEverySecond(station.snapshot());
            }
            // a camera that fell behind delivers the rest of its budget, so every view ends at the same part
            long finishBy = System.nanoTime() + 5_000_000_000L;
            while (budget && !station.camerasFinished() && System.nanoTime() - finishBy < 0) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(10));
            status.finish();
            StationReport report = new StationReport(launched, s, err, true);
            Map<String, Object> head = new LinkedHashMap<>();
            head.put("views", views);
            if (views > 1) {
                head.put("lateViews", s.lateViews());
                head.put("partWindowOverflows", s.partWindowOverflows());
            }
            Map<String, Object> m = report.print(head, startNanos);
            if (json) System.out.println(Json.line(m));
            return report.exitCode();
        }
    }

    /** The station these options describe, as a config file would. */
    private StationFile stationFile() {
        if (views < 1 || views > Station.MAX_VIEWS) {
            throw new IllegalArgumentException("--views: expected 1 to " + Station.MAX_VIEWS + " cameras per line, got " + views);
        }
        boolean serverFlags = serverTokenFile != null || serverTokenEnv != null || serverTlsKeystore != null || serverInsecure;
        if (serverPort == null && (serverFlags || !"127.0.0.1".equals(serverBind))) {
            throw new IllegalArgumentException("--server-bind, --server-token-file/-env, --server-tls-keystore and --server-insecure: expected"
                    + " --server-port too (they set up the dashboard server)");
        }
        if ((serverTlsKeystore == null) != (serverTlsPasswordFile == null)) {
            throw new IllegalArgumentException("--server-tls-keystore and --server-tls-password-file: expected both or neither");
        }
        if (serverTokenFile != null && serverTokenEnv != null) {
            throw new IllegalArgumentException("--server-token-file and --server-token-env: expected one of them, not both");
        }
        String serverToken = serverTokenFile != null ? new String(Secrets.fromFile(serverTokenFile, "--server-token-file")).trim()
                : serverTokenEnv != null ? new String(Secrets.fromEnv(System.getenv(), serverTokenEnv, "--server-token-env")).trim() : null;
        if (!sources.isEmpty() && sources.size() != 1 && sources.size() != lines * views) {
            if (views == 1) {
                throw new IllegalArgumentException("--source: give one for every line or one per line (" + lines + "), got " + sources.size());
            }
            throw new IllegalArgumentException("--source: give one for every camera or one per line and view (" + lines + " lines x "
                    + views + " views = " + lines * views + "), got " + sources.size());
        }
        boolean images = !rejectImages.equalsIgnoreCase("none");
        if (images && rejectImagesMaxMb < 1) {
            throw new IllegalArgumentException("--reject-images-max-mb: expected at least 1, got " + rejectImagesMaxMb);
        }
        if (images && !(rejectImagesMaxDays > 0)) {
            throw new IllegalArgumentException("--reject-images-max-days: expected more than 0, got " + rejectImagesMaxDays);
        }
        List<List<String>> detectors = TrendSetup.byLine(trend, trendLines, Math.max(1, lines));
        String[] viewNames = viewNames(views);
        List<StationFile.Line> lineList = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            List<StationFile.View> vs = new ArrayList<>();
            for (int v = 0; v < views; v++) {
                vs.add(new StationFile.View(viewNames[v], sources.isEmpty() ? "synthetic" : sources.get(sources.size() == 1 ? 0 : i * views + v)));
            }
            lineList.add(new StationFile.Line("line-" + i, vs, null, detectors.get(i)));
        }
        var sinks = new StationFile.Sinks(100_000, mqtt == null ? null : new StationFile.Mqtt(mqtt, "sightline/demo"),
                modbus == null ? null : RejectOutputs.modbus(modbus), kafka == null ? null : new StationFile.Kafka(kafka, "sightline"),
                opcua == null ? null : new StationFile.OpcUa(opcua), opcuaServer == null ? null : new StationFile.OpcUaServer(opcuaServer));
        return new StationFile(Path.of("(demo options)"), "demo", model != null ? model : ProjectPaths.defaultModel(), calibration,
                new StationFile.Camera(fps, TriggerSchedule.Overrun.RESYNC), lineList, null, threshold,
                new StationFile.Pipeline(ringSize, workers, inferenceThreads, maxBatch, device, precision),
                new StationFile.Trend(detectors.get(0), trendModel != null ? trendModel : ProjectPaths.home().resolve("models").resolve("trend")),
                new StationFile.Reject(rejectDelayMillis, rejectLog, sinks),
                new StationFile.Journal(journal.equalsIgnoreCase("none") ? null : Path.of(journal), false),
                new StationFile.RejectImages(images ? Path.of(rejectImages) : null, rejectImagesMaxMb, rejectImagesMaxDays),
                new StationFile.Server(serverPort != null, serverBind, serverPort == null ? 0 : serverPort,
                        serverToken == null ? List.of() : List.of(AccessToken.operate(serverToken)),
                        serverTlsKeystore == null ? null : new StationFile.ServerTls(serverTlsKeystore, serverTlsPasswordFile, null), serverInsecure));
    }

    /** The views' names: top and side for two, top and side-1, side-2, ... for more. */
    static String[] viewNames(int views) {
        String[] names = new String[views];
        names[0] = "top";
        for (int v = 1; v < views; v++) names[v] = views == 2 ? "side" : "side-" + v;
        return names;
    }

    /**
     * One synthetic camera per line, or per line and view (line by line; a view's seed is the line's
     * plus 1000 per view, so view 0 is the one-camera line's camera); all closed again if one cannot be made.
     */
    private List<SyntheticPartCamera> syntheticCameras() {
        List<SyntheticPartCamera> cameras = new ArrayList<>();
        String[] viewNames = viewNames(views);
        try {
            for (int i = 0; i < lines; i++) {
                for (int v = 0; v < views; v++) {
                    cameras.add(new SyntheticPartCamera("synthetic:line-" + i + (views > 1 ? "/" + viewNames[v] : ""),
                            new SyntheticPartCamera.Options(width, height, defectRate, seed + i + 1000L * v, 32)));
                }
            }
            return cameras;
        } catch (RuntimeException e) {
            cameras.forEach(FrameSource::close);
            throw e;
        }
    }
}
