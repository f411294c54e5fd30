package io.sightline.station.cli;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.trend.model.TrendModels;
import io.sightline.station.Station;
import io.sightline.station.StationOutputs;
import io.sightline.station.StationConfig;
import io.sightline.station.TriggerSchedule;
import io.sightline.station.StationStats;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
            description = "the dashboard server's address (default: ${DEFAULT-VALUE}); any other than loopback needs --server-token")
    String serverBind = "127.0.0.1";

    @Option(names = "--server-token", paramLabel = "TOKEN",
            description = "every dashboard, API and metrics request must carry it (Authorization: Bearer TOKEN or ?token=TOKEN);"
                    + " at least 16 characters")
    String serverToken;

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

    @Option(names = "--drift", paramLabel = "LINE:START_SECONDS:KIND",
            description = "make one line drift: KIND step, linear, exponential, periodic or burst (repeatable)")
    List<String> drifts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!(durationSeconds > 0 && durationSeconds <= 86_400)) {
            throw new IllegalArgumentException("--duration: expected 0 < seconds <= 86400, got " + durationSeconds);
        }
        if (views < 1 || views > MAX_VIEWS) {
            throw new IllegalArgumentException("--views: expected 1 to " + MAX_VIEWS + " cameras per line, got " + views);
        }
        if (serverPort == null && (serverToken != null || !"127.0.0.1".equals(serverBind))) {
            throw new IllegalArgumentException("--server-bind and --server-token: expected --server-port too (they set up the dashboard server)");
        }
        // checked before anything starts: a bad port, address or token is an error naming it
        io.sightline.station.web.StationServer.Options serverOptions = serverPort == null ? null
                : new io.sightline.station.web.StationServer.Options(serverBind, serverPort, serverToken, null, null, "demo");
        if (serverOptions != null) io.sightline.station.web.StationServer.check(serverOptions);
        Path modelDir = model != null ? model : ProjectPaths.defaultModel();
        StationConfig base = StationConfig.defaults(modelDir);
        if (calibration != null) applyCalibration(modelDir);
        // Synthetic views of a line stop at the same part (a frame budget), so the end of the run
        // leaves no part with a view missing; one view runs until it is stopped, as before.
        boolean budget = views > 1 && sources.isEmpty();
        StationConfig config = new StationConfig(lines, fps, modelDir, threshold, calibratedRoi, ringSize,
                workers != null ? workers : base.workers(),
                inferenceThreads != null ? inferenceThreads : base.inferenceThreads(), maxBatch, rejectDelayMillis,
                budget ? Math.max(1, Math.round(durationSeconds * fps)) : -1, TriggerSchedule.Overrun.RESYNC);
        DeviceChoice deviceChoice = DeviceChoice.resolve(device);
        config = config.withPreprocessDevice(deviceChoice.preprocess());
        List<DriftSpec> driftSpecs = new ArrayList<>();
        for (String d : drifts) driftSpecs.add(DriftSpec.parse(d, lines));
        Natives.loadAll();
        if (rejectLog.getParent() != null) Files.createDirectories(rejectLog.getParent());
        PrintStream err = System.err;
        List<FrameSource> cameras = sources.isEmpty() ? new ArrayList<>(syntheticCameras()) : realSources();
        String[] viewNames = viewNames(views);
        ModelPackage loaded;
        try {
            loaded = ModelPackage.load(modelDir, config.inferenceThreads(), deviceChoice.inference());
        } catch (RuntimeException e) {
            cameras.forEach(FrameSource::close);
            throw e;
        }
        DecisionJournal journalFile = null;
        if (!journal.equalsIgnoreCase("none")) {
            String[] names = new String[lines]; // per line: its camera, or its views' cameras joined by '+'
            for (int i = 0; i < lines; i++) {
                StringBuilder b = new StringBuilder();
                for (int v = 0; v < views; v++) b.append(v == 0 ? "" : "+").append(cameras.get(i * views + v).name());
                names[i] = b.toString();
            }
            try {
                journalFile = DecisionJournal.open(Path.of(journal), names, loaded.info().name() + " " + loaded.info().version(),
                        "none", false);
            } catch (RuntimeException e) {
                loaded.close();
                cameras.forEach(FrameSource::close);
                throw e;
            }
        }
        try (ModelPackage pkg = loaded;
             DecisionJournal journalOwned = journalFile;
             TrendSetup trendSetup = new TrendSetup(trend, trendLines, lines,
                     trendModel != null ? trendModel : ProjectPaths.home().resolve("models").resolve("trend"));
             RejectSink sink = sinks();
             Station station = createStation(config, pkg, cameras, viewNames,
                     StationOutputs.of(sink).withTrend(trendSetup.trackers(), trendSetup.watches()).withJournal(journalOwned)
                             .withRejectImages(rejectImageSettings())
                             .withEjector((line, part, action, due, now) -> { })
                             .withUndistortion(undistorter));
             io.sightline.station.web.StationMetrics metrics = serverOptions == null ? null
                     : new io.sightline.station.web.StationMetrics(station);
             io.sightline.station.web.StationServer server = serverOptions == null ? null
                     : new io.sightline.station.web.StationServer(station, metrics,
                             serverOptions.withJournal(journalOwned == null ? null : journalOwned.file()))) {
            if (sources.isEmpty()) {
                err.printf("sightline demo: %d line(s)%s x %.1f fps, %dx%d, defect rate %.2f, model %s (%s), threshold %.2f%n",
                        lines, views > 1 ? " x " + views + " views " + java.util.Arrays.toString(viewNames) : "", fps, width, height,
                        defectRate, modelDir, pkg.info().version(), threshold);
            } else {
                err.printf("sightline demo: %d line(s) x %.1f fps from %s, model %s (%s), threshold %.2f%n", lines, fps,
                        cameras.stream().map(c -> c.name() + " " + c.maxWidth() + "x" + c.maxHeight()).toList(), modelDir,
                        pkg.info().version(), threshold);
            }
            err.printf("reject signals -> %s%n", rejectLog.toAbsolutePath());
            if (journalOwned != null) err.printf("decision journal -> %s%n", journalOwned.file().toAbsolutePath());
            if (!trendSetup.trackers().isEmpty()) {
                err.printf("trend: %s on every line%s (baseline %d parts, windows of %d)%s%n", trend,
                        trendLines.isEmpty() ? "" : ", except " + trendLines, TrendModels.BASELINE, TrendModels.WINDOW,
                        driftSpecs.isEmpty() ? "" : "; drift " + drifts);
            }
            if (server != null) {
                err.printf("dashboard -> %s%s (Prometheus metrics at %smetrics)%n", server.url(),
                        serverToken == null ? "" : "?token=YOUR_TOKEN", server.url());
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
                        if (cameras.get(d.line() * views + v) instanceof SyntheticPartCamera c) c.setDefectRate(d.rate(defectRate, elapsed));
                    }
                }
                status.printEverySecond(station.snapshot());
            }
            // a camera that fell behind delivers the rest of its budget, so every view ends at the same part
            long finishBy = System.nanoTime() + 5_000_000_000L;
            while (budget && !station.camerasFinished() && System.nanoTime() - finishBy < 0) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(10));
            status.finish();
            printSummary(err, s);
            if (views > 1) {
                err.printf("views: %d per line %s; parts decided without a view %d, frames after their part was decided %d,"
                        + " parts decided early (window full) %d%n", views, java.util.Arrays.toString(viewNames),
                        station.sourceStats().stream().mapToLong(io.sightline.station.SourceStats::missingViews).sum(), s.lateViews(),
                        s.partWindowOverflows());
            }
            SinkHealth health = sink.health();
            if (mqtt != null || modbus != null || kafka != null || opcua != null || !health.up()) {
                err.printf("outputs: %s, %d buffered, %d dropped%s%n", health.up() ? "up" : "DOWN", health.buffered(), health.dropped(),
                        health.lastError() == null ? "" : " (" + health.lastError() + ")");
            }
            List<Map<String, Object>> alarms = trendAlarms(station.trendAlarms(), startNanos);
            if (!trendSetup.trackers().isEmpty()) {
                err.printf("trend alarms: %d%s%n", alarms.size(), alarms.isEmpty() ? "" : " " + alarms);
            }
            Map<String, Object> journalJson = new LinkedHashMap<>();
            if (journalOwned != null) {
                journalJson.put("path", journalOwned.file().toString());
                journalJson.put("appended", journalOwned.appended());
                err.printf("decision journal: %d outcomes appended to %s%n", journalOwned.appended(), journalOwned.file());
            }
            if (station.lineStopReason() != null) {
                journalJson.put("lineStopped", station.lineStopReason());
                err.println("THE STATION STOPPED THE LINE: " + station.lineStopReason());
            }
            List<Map<String, Object>> sourcesJson = sourcesJson(station, err);
            if (json) {
                Map<String, Object> m = toJson(s, pkg);
                m.put("views", views);
                if (views > 1) {
                    m.put("lateViews", s.lateViews());
                    m.put("partWindowOverflows", s.partWindowOverflows());
                }
                m.put("sources", sourcesJson);
                m.put("trendAlarms", alarms);
                long[] refused = station.trendRefusedAndDropped();
                m.put("trendInvalidScores", refused[0]);
                m.put("trendAlarmsNotRecorded", refused[1]);
                m.put("journal", journalJson);
                m.put("rejectImages", Map.of("saved", station.rejectImagesSaved(), "skipped", station.rejectImagesSkipped()));
                long[] ej = station.ejectorCounts();
                m.put("ejector", Map.of("fired", ej[0], "passed", ej[1], "undecidedAtEjector", ej[2], "maxLagMs", round(ej[3] / 1e6)));
                m.put("outputs", Map.of("up", health.up(), "buffered", health.buffered(), "dropped", health.dropped()));
                System.out.println(Json.line(m));
            }
            if (station.lineStopReason() != null) return 4;
            return s.balanced() && s.inFlight() == 0 ? 0 : 3;
        }
    }

    /** The reject log, and the outputs asked for. */
    private RejectSink sinks() throws java.io.IOException {
        var flags = new io.sightline.station.config.StationFile.Sinks(100_000,
                mqtt == null ? null : new io.sightline.station.config.StationFile.Mqtt(mqtt, "sightline/demo"),
                modbus == null ? null : Outputs.modbus(modbus),
                kafka == null ? null : new io.sightline.station.config.StationFile.Kafka(kafka, "sightline"),
                opcua == null ? null : new io.sightline.station.config.StationFile.OpcUa(opcua),
                opcuaServer == null ? null : new io.sightline.station.config.StationFile.OpcUaServer(opcuaServer));
        List<Outputs.Named> outputs = Outputs.open(rejectLog, flags, "sightline-demo-" + ProcessHandle.current().pid());
        for (Outputs.Named n : outputs) if (n.name().startsWith("opcua-server")) System.err.println("OPC UA: the station's state at " + n.name());
        return Outputs.combine(outputs);
    }

    private StationOutputs.RejectImageSettings rejectImageSettings() {
        if (rejectImages.equalsIgnoreCase("none")) return null;
        if (rejectImagesMaxMb < 1) throw new IllegalArgumentException("--reject-images-max-mb: expected at least 1, got " + rejectImagesMaxMb);
        if (!(rejectImagesMaxDays > 0)) throw new IllegalArgumentException("--reject-images-max-days: expected more than 0, got " + rejectImagesMaxDays);
        return new StationOutputs.RejectImageSettings(Path.of(rejectImages), rejectImagesMaxMb << 20,
                Duration.ofSeconds((long) (rejectImagesMaxDays * 86_400)));
    }

    private io.sightline.preprocess.Undistorter undistorter;
    private int[] calibratedRoi;

    /**
     * Takes the threshold, ROI and reject delay from the calibration file, after checking that it
     * was made for this camera resolution and this model.
     */
    private void applyCalibration(Path modelDir) {
        CalibrationSettings c = CalibrationSettings.read(calibration, modelDir, width, height);
        if (c.threshold() != null) threshold = c.threshold();
        if (c.rejectDelayMillis() != null) rejectDelayMillis = c.rejectDelayMillis();
        calibratedRoi = c.roi();
        undistorter = c.undistorter(width, height);
        System.err.printf("calibration %s: threshold %.4f, reject delay %d ms%n", calibration, threshold, rejectDelayMillis);
    }

    /** Raised alarms for the summary: line, detector, time (s after start), part index. */
    static List<Map<String, Object>> trendAlarms(List<io.sightline.postprocess.trend.TrendAlarm> all, long startNanos) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var a : all) {
            if (!a.raised()) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", a.line());
            m.put("detector", a.detector());
            m.put("time", round((a.timeNanos() - startNanos) / 1e9));
            m.put("partIndex", a.partIndex());
            out.add(m);
        }
        return out;
    }

    static final int MAX_VIEWS = 16;

    /** The views' names: top and side for two, top and side-1, side-2, ... for more. */
    static String[] viewNames(int views) {
        String[] names = new String[views];
        names[0] = "top";
        for (int v = 1; v < views; v++) names[v] = views == 2 ? "side" : "side-" + v;
        return names;
    }

    /** One camera per line as before; with {@code --views}, each line's cameras (line by line) as its views. */
    private Station createStation(StationConfig config, ModelPackage pkg, List<FrameSource> cameras, String[] viewNames,
                                  StationOutputs outputs) {
        if (views == 1) return Station.create(config, pkg, cameras, outputs);
        List<List<io.sightline.station.CameraView>> perLine = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            List<io.sightline.station.CameraView> line = new ArrayList<>();
            for (int v = 0; v < views; v++) line.add(new io.sightline.station.CameraView(viewNames[v], cameras.get(i * views + v)));
            perLine.add(line);
        }
        return Station.createWithViews(config, pkg, perLine, outputs);
    }

    /**
     * The sources the command line names, one per camera (line by line, each line's views in order);
     * all closed again if one cannot be opened.
     */
    private List<FrameSource> realSources() throws io.sightline.capture.CaptureException {
        int cameraCount = lines * views;
        if (sources.size() != 1 && sources.size() != cameraCount) {
            if (views == 1) {
                throw new IllegalArgumentException("--source: give one for every line or one per line (" + lines + "), got " + sources.size());
            }
            throw new IllegalArgumentException("--source: give one for every camera or one per line and view (" + lines + " lines x "
                    + views + " views = " + cameraCount + "), got " + sources.size());
        }
        String[] viewNames = viewNames(views);
        List<FrameSource> list = new ArrayList<>();
        try {
            for (int i = 0; i < cameraCount; i++) {
                String uri = sources.get(sources.size() == 1 ? 0 : i);
                String name = "line-" + (i / views) + (views > 1 ? "/" + viewNames[i % views] : "") + ":" + uri;
                list.add(io.sightline.capture.FrameSources.open(name, uri, true));
            }
            return list;
        } catch (RuntimeException | io.sightline.capture.CaptureException e) {
            list.forEach(FrameSource::close);
            throw e;
        }
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

    /** Each camera's figures for the JSON; a camera with anything to report also gets a line on {@code err}. */
    static List<Map<String, Object>> sourcesJson(Station station, PrintStream err) {
        List<Map<String, Object>> sourcesJson = new ArrayList<>();
        for (io.sightline.station.SourceStats ss : station.sourceStats()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("line", ss.line());
            if (ss.view() != null) sm.put("view", ss.view());
            sm.put("name", ss.name());
            sm.put("live", ss.live());
            sm.put("frames", ss.frames());
            sm.put("unreadable", ss.unreadable());
            sm.put("missed", ss.missed());
            sm.put("repeated", ss.repeated());
            sm.put("skipped", ss.skipped());
            sm.put("reconnects", ss.reconnects());
            sm.put("connected", ss.connected());
            if (ss.lastError() != null) sm.put("lastError", ss.lastError());
            if (ss.view() != null) {
                sm.put("missingViews", ss.missingViews());
                sm.put("lateViews", ss.lateViews());
            }
            sourcesJson.add(sm);
            if (ss.unreadable() + ss.missed() + ss.repeated() + ss.skipped() + ss.reconnects() + ss.missingViews()
                    + ss.lateViews() > 0 || !ss.connected()) {
                err.printf("source %s: %d frames, %d unreadable, %d missed ids, %d repeated, %d skipped, %d reconnects%s%s%n",
                        ss.name(), ss.frames(), ss.unreadable(), ss.missed(), ss.repeated(), ss.skipped(), ss.reconnects(),
                        ss.view() != null ? ", " + ss.missingViews() + " parts without this view, " + ss.lateViews() + " late" : "",
                        ss.lastError() != null ? " (last error: " + ss.lastError() + ")" : "");
            }
        }
        return sourcesJson;
    }

    static Map<String, Object> toJson(StationStats s, ModelPackage pkg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("captured", s.captured());
        m.put("passed", s.passed());
        m.put("rejected", s.rejected());
        m.put("failsafe", s.failSafe());
        m.put("failsafeByReason", s.failSafeByReason());
        m.put("inFlight", s.inFlight());
        m.put("defective", s.defective());
        m.put("escapes", s.escapes());
        m.put("falseRejects", s.falseRejects());
        m.put("throughputFps", round(s.throughputFps()));
        m.put("elapsedSeconds", round(s.elapsedSeconds()));
        m.put("latencyMs", Map.of("p50", round(s.latencyP50Ms()), "p99", round(s.latencyP99Ms()), "p999", round(s.latencyP999Ms()),
                "max", round(s.latencyMaxMs())));
        m.put("batch", Map.of("mean", round(s.meanBatch()), "max", s.maxBatchSeen()));
        m.put("cameraOverruns", s.cameraOverruns());
        m.put("model", Map.of("path", pkg.dir().toString(), "version", pkg.info().version(), "name", pkg.info().name()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    static void printSummary(PrintStream err, StationStats s) {
        err.println("── summary ─────────────────────────────────────────────");
        err.printf("captured %d = passed %d + rejected %d + fail-safe %d%s%n", s.captured(), s.passed(), s.rejected(),
                s.failSafe(), s.balanced() && s.inFlight() == 0 ? "  (balanced)" : "  (NOT BALANCED, in flight " + s.inFlight() + ")");
        err.printf("fail-safe by reason: %s%n", s.failSafeByReason());
        err.printf("ground truth: %d defective, %d escaped, %d good parts rejected%n", s.defective(), s.escapes(), s.falseRejects());
        err.printf("throughput %.1f parts/s over %.1f s; capture-to-decision p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                s.throughputFps(), s.elapsedSeconds(), s.latencyP50Ms(), s.latencyP99Ms(), s.latencyMaxMs());
        err.printf("inference batches: mean %.2f, max %d; camera overruns %d%n", s.meanBatch(), s.maxBatchSeen(), s.cameraOverruns());
    }

    /** One status line per second: redrawn in place on a terminal, appended otherwise. */
    static final class StatusLine {
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private long lastCaptured;
        private double lastElapsed;

        StatusLine(PrintStream out) {
            this.out = out;
        }

        /** Prints at most once a second. */
        void printEverySecond(StationStats s) {
            if (s.elapsedSeconds() - lastElapsed >= 1.0 || lastElapsed == 0 && s.elapsedSeconds() >= 1.0) print(s);
        }

        void print(StationStats s) {
            double dt = s.elapsedSeconds() - lastElapsed;
            double rate = dt > 0 ? (s.captured() - lastCaptured) / dt : 0;
            lastCaptured = s.captured();
            lastElapsed = s.elapsedSeconds();
            String line = String.format("[%6.1fs] captured %7d  pass %7d  reject %6d  fail-safe %5d  in flight %4d | %7.1f parts/s  p99 %7.2f ms  batch %5.2f",
                    s.elapsedSeconds(), s.captured(), s.passed(), s.rejected(), s.failSafe(), s.inFlight(), rate,
                    s.latencyP99Ms(), s.meanBatch());
            if (terminal) out.print("\r" + line);
            else out.println(line);
            out.flush();
        }

        void finish() {
            if (terminal) out.println();
        }
    }
}
