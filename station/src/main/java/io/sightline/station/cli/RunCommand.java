package io.sightline.station.cli;

import io.sightline.capture.FrameSource;
import io.sightline.capture.FrameSources;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.SinkHealth;
import io.sightline.preprocess.Undistorter;
import io.sightline.station.CameraView;
import io.sightline.station.Station;
import io.sightline.station.StationConfig;
import io.sightline.station.StationOutputs;
import io.sightline.station.StationStats;
import io.sightline.station.config.ConfigException;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.web.StationMetrics;
import io.sightline.station.web.StationServer;
import io.sightline.station.web.ThresholdControl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline run --config FILE}: the station as it is mounted on a line and left alone.
 *
 * <pre>
 *   read and check the config ─▶ start-up checks, in order, each logged; the first failure refuses to start:
 *       cameras open ▸ model loads ▸ calibration matches cameras and model ▸ journal writable
 *       ▸ outputs started (one not reachable yet is reported and buffers) ▸ metrics/dashboard server bound
 *   ─▶ station built and warmed up (every batch shape) ─▶ first frame accepted
 *   ─▶ running: SIGHUP re-reads the thresholds from the file (journaled, logged; other changed keys are
 *      logged as needing a restart); every source ended, --duration over, or SIGTERM/SIGINT ─▶
 *   ─▶ drain: cameras stop, every frame already captured gets its outcome, the ejector's last parts,
 *      the outputs deliver what they hold, the journal closes ─▶ exit 0 (3 if the counters do not balance,
 *      4 if the station stopped the line itself)
 * </pre>
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the station from its config file until SIGTERM (or Ctrl-C): the drain gives every captured frame its outcome,",
                "flushes the journal and the outputs, and exits 0. SIGHUP reloads the thresholds from the file.",
                "An annotated example: config/station.example.yaml; check a file without running: sightline config check FILE."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("run");
    /** How long the outputs get at start-up to report that they are reachable (they buffer meanwhile). */
    private static final long OUTPUTS_PROBE_MILLIS = 3_000;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "the station's YAML config")
    Path config;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop (and drain) after this long; default: until SIGTERM or every source ends")
    Double durationSeconds;

    @Option(names = "--json", description = "print one JSON object with the figures as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (durationSeconds != null && !(durationSeconds > 0 && durationSeconds <= 365 * 86_400.0)) {
            throw new IllegalArgumentException("--duration: expected 0 < seconds <= 31536000, got " + durationSeconds);
        }
        StationFile file;
        try {
            file = StationFileReader.read(config);
        } catch (ConfigException e) {
            System.err.println("sightline run: " + e.getMessage());
            return 2;
        }
        LOG.info("config {}: station '{}', {} line(s), {} camera(s), model {}, thresholds {}", file.source(), file.name(),
                file.lines().size(), file.cameraCount(), file.model(), java.util.Arrays.toString(file.thresholds()));
        try (ProcessSignals signals = ProcessSignals.install()) {
            return run(file, signals);
        } catch (StartupChecks.Failed e) {
            System.err.println("sightline run: " + e.getMessage());
            return 2;
        }
    }

    private int run(StationFile file, ProcessSignals signals) throws Exception {
        StartupChecks checks = new StartupChecks();
        Natives.loadAll();
        List<FrameSource> cameras = checks.require("cameras open", () -> openCameras(file),
                list -> String.join(", ", list.stream().map(c -> c.name() + " " + c.maxWidth() + "x" + c.maxHeight()).toList()));
        List<AutoCloseable> owned = new ArrayList<>();
        boolean handedOver = false;
        try {
            int inferenceThreads = file.toStationConfig().inferenceThreads();
            DeviceChoice device = checks.require("device " + file.pipeline().device(), () -> DeviceChoice.resolve(file.pipeline().device()),
                    DeviceChoice::describe);
            ModelPackage pkg = checks.require("model loads", () -> ModelPackage.load(file.model(), inferenceThreads, device.inference()),
                    m -> m.info().name() + " " + m.info().version() + ", input " + m.info().inputWidth() + "x" + m.info().inputHeight());
            StationConfig sc = file.toStationConfig().withPreprocessDevice(device.preprocess());
            owned.add(pkg);
            int width = cameras.get(0).maxWidth();
            int height = cameras.get(0).maxHeight();
            CalibrationSettings calibration = file.calibration() == null ? null : checks.require("calibration matches cameras and model",
                    () -> CalibrationSettings.read(file.calibration(), file.model(), width, height));
            if (calibration != null) {
                if (calibration.roi() != null && file.roi() == null) sc = sc.withRoi(calibration.roi());
                if (calibration.rejectDelayMillis() != null) sc = sc.withRejectDelayMillis(calibration.rejectDelayMillis());
            }
            Undistorter undistorter = calibration == null ? null : calibration.undistorter(width, height);
            if (undistorter != null) owned.add(undistorter::close);
            DecisionJournal journal = file.journal().path() == null ? null : checks.require("journal writable " + file.journal().path(),
                    () -> openJournal(file, cameras, pkg), j -> "the start recorded in its changes");
            if (journal != null) owned.add(journal);
            TrendSetup trend = new TrendSetup(String.join(",", file.trend().detectors().isEmpty() ? List.of("none")
                    : file.trend().detectors()), perLineTrend(file), file.lines().size(), file.trend().model());
            owned.add(trend);
            List<Outputs.Named> outputs = checks.require("outputs start", () -> Outputs.open(file.reject().log(), file.reject().sinks(),
                    file.name() + "-" + ProcessHandle.current().pid()), list -> list.stream().map(Outputs.Named::name).toList().toString());
            RejectSink sink = Outputs.combine(outputs);
            owned.add(sink);
            probeOutputs(outputs, checks);
            StationOutputs out = StationOutputs.of(sink).withTrend(trend.trackers(), trend.watches()).withJournal(journal)
                    .withUndistortion(undistorter);
            if (file.rejectImages().dir() != null) {
                out = out.withRejectImages(new StationOutputs.RejectImageSettings(file.rejectImages().dir(), file.rejectImages().maxMb() << 20,
                        Duration.ofSeconds((long) (file.rejectImages().maxDays() * 86_400))));
            }
            Station station = Station.createWithViews(sc, pkg, views(file, cameras), out);
            handedOver = true; // the station owns the cameras now
            try (station) {
                applyThresholds(station, file, calibration);
                AutoCloseable server = startServer(file, station, journal, checks);
                if (server != null) owned.add(0, server);
                station.start();
                LOG.info("running: {} start-up check(s) passed{}; SIGTERM drains and exits, SIGHUP reloads thresholds from {}",
                        checks.passed().size(), checks.warnings().isEmpty() ? "" : ", " + checks.warnings().size() + " warning(s)",
                        file.source());
                String why = runUntilStopped(station, file, calibration, signals);
                LOG.info("stopping ({}): draining every frame already captured", why);
                StationStats s = station.stop(Duration.ofSeconds(10));
                return report(s, station, pkg, sink, journal, why);
            }
        } finally {
            if (!handedOver) cameras.forEach(FrameSource::close);
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {}: {}", c, e.getMessage());
                }
            }
        }
    }

    /** Waits for a stop signal, the duration, or every source's end; applies reloads meanwhile. */
    private String runUntilStopped(Station station, StationFile file, CalibrationSettings calibration, ProcessSignals signals)
            throws InterruptedException {
        long endNanos = durationSeconds == null ? Long.MAX_VALUE : System.nanoTime() + (long) (durationSeconds * 1e9);
        StationFile current = file;
        while (true) {
            ProcessSignals.Received r = signals.poll(100);
            if (r != null && r.event() == ProcessSignals.Event.STOP) return r.signal();
            if (r != null && r.event() == ProcessSignals.Event.RELOAD) current = reload(station, current, calibration, r.signal());
            if (durationSeconds != null && System.nanoTime() - endNanos >= 0) return "--duration " + durationSeconds + " s over";
            if (station.camerasFinished()) return "every source ended";
            if (station.lineStopReason() != null) return "the station stopped the line: " + station.lineStopReason();
        }
    }

    /**
     * Re-reads the config and applies its thresholds (by {@link #thresholds}'s rule, so a calibrated
     * threshold stays in force); what else changed is logged as needing a restart.
     * A file that is not valid any more changes nothing.
     */
    private StationFile reload(Station station, StationFile current, CalibrationSettings calibration, String signal) {
        StationFile next;
        try {
            next = StationFileReader.read(current.source());
        } catch (RuntimeException e) {
            LOG.error("{}: {} not reloaded, nothing changed: {}", signal, current.source(), e.getMessage());
            return current;
        }
        List<String> others = current.changedKeysBesidesThresholds(next);
        if (others.contains("lines")) {
            LOG.error("{}: {} now has {} lines, the station runs {}: restart to apply; nothing changed", signal, current.source(),
                    next.lines().size(), current.lines().size());
            return current;
        }
        float[] t = thresholds(next, calibration); // the calibration file is a restart key: the one the station started with
        float[] running = station.thresholds();
        int changed = 0;
        for (int line = 0; line < t.length; line++) {
            if (t[line] != running[line]) {
                station.setThreshold(line, t[line], signal + " reload of " + current.source());
                changed++;
            }
        }
        LOG.info("{}: reloaded {}: {} threshold(s) changed{}", signal, current.source(), changed,
                others.isEmpty() ? "" : "; needs a restart to apply: " + String.join(", ", others));
        return next;
    }

    /**
     * Each line's threshold: its own in the file; else the calibration's, when it has one; else
     * {@code decision.threshold}. The same rule at the start and on every reload.
     */
    static float[] thresholds(StationFile file, CalibrationSettings calibration) {
        float[] t = file.thresholds();
        for (int line = 0; line < t.length; line++) {
            if (calibration != null && calibration.threshold() != null && file.lines().get(line).threshold() == null) {
                t[line] = calibration.threshold();
            }
        }
        return t;
    }

    private static void applyThresholds(Station station, StationFile file, CalibrationSettings calibration) {
        float[] t = thresholds(file, calibration);
        for (int line = 0; line < t.length; line++) station.setThreshold(line, t[line], "config " + file.source());
    }

    private static List<FrameSource> openCameras(StationFile file) throws Exception {
        List<FrameSource> list = new ArrayList<>();
        try {
            for (int i = 0; i < file.lines().size(); i++) {
                StationFile.Line line = file.lines().get(i);
                for (StationFile.View v : line.views()) {
                    String name = line.name() + (line.views().size() > 1 ? "/" + v.name() : "") + ":" + v.source();
                    try {
                        list.add(FrameSources.open(name, v.source(), true));
                    } catch (Exception e) {
                        throw new IllegalStateException("lines[" + i + "] (" + line.name() + ") view " + v.name() + ": " + v.source()
                                + " cannot be opened: " + e.getMessage(), e);
                    }
                }
            }
            return list;
        } catch (Exception e) {
            list.forEach(FrameSource::close);
            throw e;
        }
    }

    private static List<List<CameraView>> views(StationFile file, List<FrameSource> cameras) {
        List<List<CameraView>> perLine = new ArrayList<>();
        int c = 0;
        for (StationFile.Line line : file.lines()) {
            List<CameraView> views = new ArrayList<>();
            for (StationFile.View v : line.views()) views.add(new CameraView(v.name(), cameras.get(c++)));
            perLine.add(views);
        }
        return perLine;
    }

    private static List<String> perLineTrend(StationFile file) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < file.lines().size(); i++) {
            if (file.lines().get(i).trend() != null) {
                List<String> d = file.lines().get(i).trend();
                out.add(i + "=" + (d.isEmpty() ? "none" : String.join(",", d)));
            }
        }
        return out;
    }

    /** Opens the journal and proves it writable by recording the start there. */
    private DecisionJournal openJournal(StationFile file, List<FrameSource> cameras, ModelPackage pkg) {
        String[] names = new String[file.lines().size()];
        int c = 0;
        for (int i = 0; i < names.length; i++) {
            StringBuilder b = new StringBuilder();
            for (int v = 0; v < file.lines().get(i).views().size(); v++) b.append(v == 0 ? "" : "+").append(cameras.get(c++).name());
            names[i] = b.toString();
        }
        DecisionJournal j = DecisionJournal.open(file.journal().path(), names, pkg.info().name() + " " + pkg.info().version(),
                file.calibration() == null ? "none" : file.calibration().getFileName().toString(), file.journal().fsync());
        try {
            j.appendChange("station", null, "started from " + file.source(), "sightline run (pid " + ProcessHandle.current().pid() + ")");
            return j;
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
    }

    /** Gives each output a moment to report that it is reachable; one that is not is reported and buffers meanwhile. */
    private static void probeOutputs(List<Outputs.Named> outputs, StartupChecks checks) throws InterruptedException {
        long end = System.nanoTime() + OUTPUTS_PROBE_MILLIS * 1_000_000L;
        List<Outputs.Named> pending = new ArrayList<>(outputs);
        while (!pending.isEmpty() && System.nanoTime() - end < 0) {
            pending.removeIf(n -> n.sink().health().up());
            if (!pending.isEmpty()) Thread.sleep(50);
        }
        for (Outputs.Named n : outputs) {
            SinkHealth h = n.sink().health();
            if (h.up()) LOG.info("start-up check output {}: up", n.name());
            else checks.warn("output " + n.name(), "not reachable yet" + (h.lastError() == null ? "" : " (" + h.lastError() + ")")
                    + "; its signals are buffered until it is");
        }
    }

    /**
     * The metrics and dashboard server, when the config enables it: its threshold endpoint changes
     * the running station's thresholds like a reload does (journaled, logged, with who asked).
     */
    private static AutoCloseable startServer(StationFile file, Station station, DecisionJournal journal, StartupChecks checks) {
        StationFile.Server cfg = file.server();
        if (!cfg.enabled()) return null;
        ThresholdControl control = new ThresholdControl() {
            @Override
            public String apply(Integer line, float threshold, String requestedBy) {
                return station.setThreshold(line, threshold, requestedBy);
            }

            @Override
            public float current(int line) {
                return station.thresholds()[line];
            }
        };
        StationServer.Options options = StationServer.Options.loopback(cfg.port()).withBind(cfg.bind()).withToken(cfg.token())
                .withJournal(journal == null ? null : journal.file()).withThresholds(control).withName(file.name());
        StationMetrics metrics = new StationMetrics(station);
        try {
            StationServer server = checks.require("server bound to " + cfg.bind() + ":" + cfg.port(),
                    () -> new StationServer(station, metrics, options), StationServer::url);
            LOG.info("dashboard {}, metrics {}metrics{}", server.url(), server.url(), cfg.token() == null ? "" : " (token required)");
            return () -> {
                server.close();
                metrics.close();
            };
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    private int report(StationStats s, Station station, ModelPackage pkg, RejectSink sink, DecisionJournal journal, String why) {
        var err = System.err;
        DemoCommand.printSummary(err, s);
        List<Map<String, Object>> sources = DemoCommand.sourcesJson(station, err);
        SinkHealth health = sink.health();
        if (json) {
            Map<String, Object> m = DemoCommand.toJson(s, pkg);
            m.put("stoppedBy", why);
            m.put("thresholds", station.thresholds());
            m.put("sources", sources);
            Map<String, Object> j = new LinkedHashMap<>();
            if (journal != null) {
                j.put("path", journal.file().toString());
                j.put("appended", journal.appended());
            }
            if (station.lineStopReason() != null) j.put("lineStopped", station.lineStopReason());
            m.put("journal", j);
            m.put("outputs", Map.of("up", health.up(), "buffered", health.buffered(), "dropped", health.dropped()));
            System.out.println(Json.line(m));
        }
        if (station.lineStopReason() != null) return 4;
        return s.balanced() && s.inFlight() == 0 ? 0 : 3;
    }
}
