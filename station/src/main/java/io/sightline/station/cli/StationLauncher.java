package io.sightline.station.cli;

import io.sightline.capture.FrameSource;
import io.sightline.capture.FrameSources;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.PackageSignature;
import io.sightline.natives.Natives;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.security.Secrets;
import io.sightline.postprocess.security.TlsFiles;
import io.sightline.preprocess.Undistorter;
import io.sightline.station.CameraView;
import io.sightline.station.Station;
import io.sightline.station.StationConfig;
import io.sightline.station.StationAttachments;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.models.ModelStore;
import io.sightline.station.models.ModelVersion;
import io.sightline.station.models.StoreWatch;
import io.sightline.station.web.StationMetrics;
import io.sightline.station.review.ReviewQueue;
import io.sightline.station.web.StationServer;
import io.sightline.station.web.ThresholdControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a command builds a station: from a {@link StationFile} ({@code run} reads one,
 * {@code demo} makes one from its options), each step a start-up check in this order:
 *
 * <pre>
 *   cameras open ▸ device ▸ model loads ▸ calibration matches cameras and model (ROI, reject delay,
 *   undistortion) ▸ journal writable (the start recorded) ▸ trend trackers ▸ outputs start
 *   (given a moment to come up when checks are logged) ▸ station built ▸ thresholds (the file's,
 *   else the calibration's) ▸ metrics/dashboard server bound
 * </pre>
 *
 * The caller starts the station; closing the result closes everything the launch opened, in
 * reverse. A failed step closes what the earlier ones opened.
 */
final class StationLauncher {
    /** How long the outputs get at start-up to report that they are reachable (they buffer meanwhile). */
    private static final long OUTPUTS_PROBE_MILLIS = 3_000;
    private static final Logger RELOAD_LOG = LoggerFactory.getLogger("run");

    private StationLauncher() {}

    /** Opens a station file's cameras, one per view, line by line. */
    interface Cameras {
        List<FrameSource> open(StationFile file) throws Exception;
    }

    /**
     * What a command asks beyond the file.
     *
     * @param command the command's name: its logger, and who started the station in the journal
     * @param checks logged start-up checks ({@code run}) or plain ones ({@code demo})
     * @param cameras how the views' sources open ({@link #openCameras} for URIs)
     * @param frameBudget frames each camera delivers before it stops; -1 for no limit
     * @param ejectorTiming whether the station times the ejector itself (its counts in the report)
     */
    record Launch(String command, StartupChecks checks, Cameras cameras, long frameBudget, boolean ejectorTiming) {}

    /** A built station and what it was built with; closing it closes them all. */
    record Launched(StationFile file, Station station, ModelPackage model, CalibrationSettings calibration, DecisionJournal journal,
                    TrendSetup trend, List<RejectOutputs.Named> outputs, RejectSink sink, StationServer server, List<FrameSource> cameras,
                    List<AutoCloseable> owned) implements AutoCloseable {
        @Override
        public void close() {
            closeAll(owned);
        }
    }

    private static void closeAll(List<AutoCloseable> owned) {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(StationLauncher.class).warn("closing {}: {}", c, e.getMessage());
            }
        }
    }

    static Launched launch(StationFile file, Launch how) throws Exception {
        Logger log = LoggerFactory.getLogger(how.command());
        StartupChecks checks = how.checks();
        StationServer.Options serverOptions = serverOptions(file);
        if (serverOptions != null) StationServer.check(serverOptions); // a bad address is named before anything starts
        Natives.loadAll();
        List<FrameSource> cameras = checks.require("cameras open", () -> how.cameras().open(file),
                list -> String.join(", ", list.stream().map(c -> c.name() + " " + c.maxWidth() + "x" + c.maxHeight()).toList()));
        List<AutoCloseable> owned = new ArrayList<>(); // closed in reverse order of opening
        Station station = null;
        try {
            StationConfig sc = file.toStationConfig();
            DeviceChoice device = checks.require("device " + file.pipeline().device(), () -> DeviceChoice.resolve(file.pipeline().device(), file.pipeline().precision()),
                    DeviceChoice::describe);
            int threads = sc.inferenceThreads();
            ModelStore store = file.modelStore() == null ? null : checks.require("model store " + file.modelStore(),
                    () -> ModelStore.open(file.modelStore(), false), st -> st.live() == null ? "no live version yet: model " + file.model()
                            : "live version " + st.live());
            String storeLive = store == null ? null : store.live();
            java.nio.file.Path modelDir = storeLive != null ? store.versionDir(storeLive) : file.model();
            if (!file.modelSigners().isEmpty()) {
                checks.require("model signed", () -> PackageSignature.verify(modelDir, file.modelSigners()), signer -> "by " + signer);
            }
            ModelPackage pkg = checks.require("model loads", () -> ModelPackage.load(modelDir, threads, device.inference()),
                    m -> m.info().name() + " " + m.info().version() + ", input " + m.info().inputWidth() + "x" + m.info().inputHeight());
            owned.add(0, pkg);
            sc = sc.withPreprocessDevice(device.preprocess());
            if (how.frameBudget() > 0) sc = sc.withMaxFramesPerLine(how.frameBudget());
            int width = cameras.get(0).maxWidth();
            int height = cameras.get(0).maxHeight();
            CalibrationSettings calibration = file.calibration() == null ? null : checks.require("calibration matches cameras and model",
                    () -> CalibrationSettings.read(file.calibration(), modelDir, width, height));
            if (calibration != null) {
                if (calibration.roi() != null && file.roi() == null) sc = sc.withRoi(calibration.roi());
                if (calibration.rejectDelayMillis() != null) sc = sc.withRejectDelayMillis(calibration.rejectDelayMillis());
            }
            Undistorter undistorter = calibration == null ? null : calibration.undistorter(width, height);
            if (undistorter != null) owned.add(0, undistorter::close);
            // the station's one wall clock: the journal, the reject images' names and the dashboard read it; no deadline does
            java.time.Clock clock = java.time.Clock.systemDefaultZone();
            DecisionJournal journal = file.journal().path() == null ? null : checks.require("journal writable " + file.journal().path(),
                    () -> openJournal(file, cameras, pkg, how.command(), clock), j -> "the start recorded in its changes");
            if (journal != null) owned.add(0, journal);
            List<List<String>> detectors = new ArrayList<>();
            for (int i = 0; i < file.lines().size(); i++) detectors.add(file.trendDetectors(i));
            List<java.nio.file.Path> trendModels = new ArrayList<>();
            for (int i = 0; i < file.lines().size(); i++) trendModels.add(file.trendModel(i));
            TrendSetup trend = new TrendSetup(detectors, trendModels, file.trend().limit());
            owned.add(0, trend);
            List<RejectOutputs.Named> outputs = checks.require("outputs start", () -> RejectOutputs.open(file.reject().log(), file.reject().sinks(), file.name(),
                    file.name() + "-" + ProcessHandle.current().pid()), list -> list.stream().map(RejectOutputs.Named::name).toList().toString());
            RejectSink sink = RejectOutputs.combine(outputs);
            owned.add(0, sink);
            if (checks.logged()) probeOutputs(outputs, checks, log);
            StationAttachments out = StationAttachments.of(sink).withTrend(trend.trackers(), trend.watches()).withJournal(journal)
                    .withUndistortion(undistorter).withClock(clock);
            if (file.rejectImages().dir() != null) {
                out = out.withRejectImages(new StationAttachments.RejectImageSettings(file.rejectImages().dir(), file.rejectImages().maxMb() << 20,
                        Duration.ofSeconds((long) (file.rejectImages().maxDays() * 86_400))));
            }
            if (how.ejectorTiming()) out = out.withEjector((line, part, action, due, now) -> { });
            station = Station.createWithViews(sc, pkg, views(file, cameras), out); // it owns the cameras from here on
            owned.add(0, station);
            station.models().requireSigners(file.modelSigners());
            station.models().ownFirstPackage();
            if (store != null) {
                station.models().useStore(store);
                owned.add(0, new StoreWatch(store, station.models(), storeLive));
            }
            if (file.review().dir() != null) {
                StationFile.Review r = file.review();
                station.enableReview(new ReviewQueue.Settings(r.dir(), r.band(), r.perHour(), r.maxMb() << 20),
                        file.lines().stream().map(StationFile.Line::name).toList());
            }
            float[] t = thresholds(file, calibration);
            for (int line = 0; line < t.length; line++) station.setThreshold(line, t[line], "config " + file.source());
            StationServer server = serverOptions == null ? null : startServer(file, serverOptions, station, journal, checks, owned);
            if (server != null && checks.logged()) {
                log.info("dashboard {}, metrics {}metrics{}", server.url(), server.url(), file.server().tokens().isEmpty() ? "" : " (token required)");
            }
            return new Launched(file, station, pkg, calibration, journal, trend, outputs, sink, server, cameras, owned);
        } catch (Exception | Error e) {
            if (station == null) cameras.forEach(FrameSource::close);
            closeAll(owned);
            throw e;
        }
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

    /**
     * On a reload ({@code run}'s SIGHUP): re-reads the config and applies its thresholds (by {@link #thresholds}'s rule, so a calibrated
     * threshold stays in force); what else changed is logged as needing a restart.
     * A file that is not valid any more changes nothing.
     */
    static StationFile reload(Station station, StationFile current, CalibrationSettings calibration, String signal) {
        StationFile next;
        try {
            next = StationFileReader.read(current.source());
        } catch (RuntimeException e) {
            RELOAD_LOG.error("{}: {} not reloaded, nothing changed: {}", signal, current.source(), e.getMessage());
            return current;
        }
        List<String> others = current.changedKeysBesidesThresholds(next);
        if (others.contains("lines")) {
            RELOAD_LOG.error("{}: {} now has {} lines, the station runs {}: restart to apply; nothing changed", signal, current.source(),
                    next.lines().size(), current.lines().size());
            return current;
        }
        if (others.contains("model")) {
            others = new ArrayList<>(others);
            others.remove("model");
            try {
                RELOAD_LOG.info("{}: {}", signal, station.models().swap(next.model(), signal + " reload of " + current.source()));
            } catch (RuntimeException e) {
                RELOAD_LOG.error("{}: model {} not taken: {}", signal, next.model(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
        }
        float[] t = StationLauncher.thresholds(next, calibration); // the calibration file is a restart key: the one the station started with
        float[] running = station.thresholds();
        int changed = 0;
        for (int line = 0; line < t.length; line++) {
            if (t[line] != running[line]) {
                station.setThreshold(line, t[line], signal + " reload of " + current.source());
                changed++;
            }
        }
        RELOAD_LOG.info("{}: reloaded {}: {} threshold(s) changed{}", signal, current.source(), changed,
                others.isEmpty() ? "" : "; needs a restart to apply: " + String.join(", ", others));
        return next;
    }

    /** The views' URIs opened as frame sources, each named {@code LINE[/VIEW]:URI}; all closed again if one fails. */
    static List<FrameSource> openCameras(StationFile file) throws Exception {
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

    /** Opens the journal (each line named by its cameras, joined by '+') and proves it writable by recording the start there. */
    private static DecisionJournal openJournal(StationFile file, List<FrameSource> cameras, ModelPackage pkg, String command,
                                               java.time.Clock clock) {
        String[] names = new String[file.lines().size()];
        int c = 0;
        for (int i = 0; i < names.length; i++) {
            StringBuilder b = new StringBuilder();
            for (int v = 0; v < file.lines().get(i).views().size(); v++) b.append(v == 0 ? "" : "+").append(cameras.get(c++).name());
            names[i] = b.toString();
        }
        DecisionJournal j = DecisionJournal.open(file.journal().path(), names, ModelVersion.of(pkg.dir(), pkg.info()).label(),
                file.calibration() == null ? "none" : file.calibration().getFileName().toString(), file.journal().fsync(), clock);
        try {
            j.appendChange("station", null, "started from " + file.source(), "sightline " + command + " (pid " + ProcessHandle.current().pid() + ")");
            return j;
        } catch (RuntimeException e) {
            j.close();
            throw e;
        }
    }

    /** Gives each output a moment to report that it is reachable; one that is not is reported and buffers meanwhile. */
    private static void probeOutputs(List<RejectOutputs.Named> outputs, StartupChecks checks, Logger log) throws InterruptedException {
        long end = System.nanoTime() + OUTPUTS_PROBE_MILLIS * 1_000_000L;
        List<RejectOutputs.Named> pending = new ArrayList<>(outputs);
        while (!pending.isEmpty() && System.nanoTime() - end < 0) {
            pending.removeIf(n -> n.sink().health().up());
            if (!pending.isEmpty()) Thread.sleep(50);
        }
        for (RejectOutputs.Named n : outputs) {
            SinkHealth h = n.sink().health();
            if (h.up()) log.info("start-up check output {}: up", n.name());
            else checks.warn("output " + n.name(), "not reachable yet" + (h.lastError() == null ? "" : " (" + h.lastError() + ")")
                    + "; its signals are buffered until it is");
        }
    }

    static StationServer.Options serverOptions(StationFile file) {
        StationFile.Server cfg = file.server();
        if (!cfg.enabled()) return null;
        StationFile.ServerTls t = cfg.tls();
        SSLContext tls = null;
        if (t != null) {
            char[] password = t.passwordFile() != null ? Secrets.fromFile(t.passwordFile(), "server.tls.password-file")
                    : Secrets.fromEnv(System.getenv(), t.passwordEnv(), "server.tls.password-env");
            tls = TlsFiles.serverContext(t.keystore(), password);
            java.util.Arrays.fill(password, '\0');
        }
        return StationServer.Options.loopback(cfg.port()).withBind(cfg.bind()).withTokens(cfg.tokens()).withTls(tls)
                .withInsecure(cfg.insecure()).withName(file.name());
    }

    /**
     * The metrics and dashboard server: its threshold endpoint changes the running station's
     * thresholds like a reload does (journaled, logged, with who asked).
     */
    private static StationServer startServer(StationFile file, StationServer.Options options, Station station, DecisionJournal journal,
                                             StartupChecks checks, List<AutoCloseable> owned) throws Exception {
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
        StationMetrics metrics = new StationMetrics(station);
        owned.add(0, metrics);
        StationServer.Options o = options.withJournal(journal == null ? null : journal.file()).withThresholds(control);
        StationServer server = checks.require("server bound to " + file.server().bind() + ":" + file.server().port(),
                () -> new StationServer(station, metrics, o), StationServer::url);
        owned.add(0, server);
        server.serveInspections(station.inspector(file.lines().stream().map(StationFile.Line::name).toList(), file.server().inspectMaxBytes()));
        return server;
    }
}
