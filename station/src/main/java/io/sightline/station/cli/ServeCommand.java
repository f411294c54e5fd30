package io.sightline.station.cli;

import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;
import io.sightline.station.Station;
import io.sightline.station.config.ConfigException;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.inspect.InspectQueue;
import io.sightline.station.inspect.InspectWorker;
import io.sightline.station.inspect.Inspector;
import io.sightline.station.web.StationServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline serve --model M [--config station.yaml]}: the inspection API with no cameras.
 *
 * <pre>
 *   model package ─▶ one {@link InspectWorker} (its own classifier, every batch shape warmed up)
 *   lines: the config's (names, ROI from preprocess.roi or the calibration, thresholds, undistortion),
 *          or one line "0" (--frame, --roi, --threshold)
 *   server: the config's server section (bind, port, tokens, TLS: the station's rules), or 127.0.0.1:--port
 *   POST /api/inspect?line=NAME ─▶ {@link Inspector} ─▶ the worker's batches ─▶ JSON or the map PNG
 * </pre>
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the inspection API (POST /api/inspect) with a model and no cameras, until SIGTERM or --duration:",
                "the same preprocessing, threshold, server, TLS and token rules as a station's. See README, Inspection API."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "the model package (default: the config's model)")
    Path model;

    @Option(names = {"--config", "--line-config"}, paramLabel = "FILE",
            description = "a station config: its lines, ROI, calibration, thresholds and server section")
    Path config;

    @Option(names = "--frame", paramLabel = "WxH", description = "the cameras' frame size every image must have (default: ${DEFAULT-VALUE})")
    String frame = "1280x1024";

    @Option(names = "--roi", paramLabel = "x,y,w,h", description = "without --config: the ROI (default: the centred square of 0.75 x the shorter side)")
    String roi;

    @Option(names = "--threshold", paramLabel = "T", description = "without --config: the decision threshold (default: ${DEFAULT-VALUE})")
    float threshold = 0.5f;

    @Option(names = "--port", paramLabel = "PORT", description = "without --config: the port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free one)")
    int port = 8080;

    @Option(names = "--max-batch", paramLabel = "N", description = "the most requests in one inference batch (default: ${DEFAULT-VALUE})")
    int maxBatch = 16;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this long (default: until SIGTERM)")
    Double durationSeconds;

    /** A running serve: its server, worker and model; closing stops them. */
    public record Serving(StationServer server, InspectWorker worker, Inspector inspector, ModelPackage model, Undistorter undistorter)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.close();
            worker.close();
            if (undistorter != null) undistorter.close();
            model.close();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (durationSeconds != null && !(durationSeconds > 0)) throw new IllegalArgumentException("--duration: expected seconds > 0, got " + durationSeconds);
        StationFile file = null;
        if (config != null) {
            try {
                file = StationFileReader.read(config);
            } catch (ConfigException e) {
                System.err.println("sightline serve: " + e.getMessage());
                return 2;
            }
        }
        if (model == null && file == null) throw new IllegalArgumentException("--model: expected a model package (or --config naming one), got none");
        try (ProcessSignals signals = ProcessSignals.install(); Serving s = start(file, model, frameSize(frame), roi(roi), threshold, port, maxBatch)) {
            System.err.printf("serving %s %s: POST %sapi/inspect?line=%s (lines %s)%n", s.inspector().modelInfo().name(),
                    s.inspector().modelInfo().version(), s.server().url(), s.inspector().lineNames().get(0), s.inspector().lineNames());
            long end = durationSeconds == null ? Long.MAX_VALUE : System.nanoTime() + (long) (durationSeconds * 1e9);
            while (System.nanoTime() - end < 0) {
                ProcessSignals.Received r = signals.poll(100);
                if (r != null && r.event() == ProcessSignals.Event.STOP) break;
            }
            System.err.printf("stopped: %d request(s) answered, %d refused (queue full), %d batch(es)%n",
                    s.inspector().queue().answered(), s.inspector().queue().refused(), s.worker().batches());
        }
        return 0;
    }

    /**
     * Loads the model, builds the lines and starts the worker and the server.
     *
     * @param file a station config (its lines, calibration, thresholds and server), or null for one line "0"
     * @param modelDir the model package; null: the config's
     * @param roi without a config, the ROI {x, y, w, h}; null: the default for the frame size
     */
    public static Serving start(StationFile file, Path modelDir, int[] frameSize, int[] roi, float threshold, int port, int maxBatch)
            throws Exception {
        Natives.loadAll();
        Path dir = modelDir != null ? modelDir : file.model();
        int width = frameSize[0];
        int height = frameSize[1];
        StationServer.Options options = file == null ? StationServer.Options.loopback(port).withName("sightline serve")
                : StationLauncher.serverOptions(file);
        if (options == null) throw new IllegalArgumentException("server.enabled: serve needs the server, and " + file.source() + " turns it off");
        StationServer.check(options);
        ModelPackage pkg = ModelPackage.load(dir);
        List<AutoCloseable> opened = new ArrayList<>(List.of(pkg));
        try {
            ModelInfo info = pkg.info();
            if (info.inputChannels() != 1 && info.inputChannels() != 3) {
                throw new IllegalArgumentException("model " + dir + " expects " + info.inputChannels() + " input channels; the inspection"
                        + " API serves gray (1 channel) and BGR colour (3 channel) models");
            }
            List<Inspector.Line> lines = new ArrayList<>();
            float[] thresholds;
            Undistorter undistorter = null;
            long maxBody = (long) StationFile.Server.DEFAULT_INSPECT_MAX_MB << 20;
            if (file == null) {
                lines.add(line("0", width, height, roi != null ? roi : Station.defaultRoi(width, height), info, null));
                thresholds = new float[] {threshold};
            } else {
                CalibrationSettings calibration = file.calibration() == null ? null : CalibrationSettings.read(file.calibration(), dir, width, height);
                int[] r = file.roi() != null ? file.roi().toArray() : calibration != null && calibration.roi() != null ? calibration.roi()
                        : Station.defaultRoi(width, height);
                undistorter = calibration == null ? null : calibration.undistorter(width, height);
                if (undistorter != null) opened.add(0, undistorter);
                for (StationFile.Line l : file.lines()) lines.add(line(l.name(), width, height, r, info, undistorter));
                thresholds = StationLauncher.thresholds(file, calibration);
                maxBody = file.server().inspectMaxBytes();
            }
            int mapW = pkg.hasDefectMap() ? InspectionCnn.mapSide(info.inputWidth()) : 0;
            int mapH = pkg.hasDefectMap() ? InspectionCnn.mapSide(info.inputHeight()) : 0;
            InspectQueue queue = new InspectQueue(Inspector.DEFAULT_QUEUE, info.floatsPerImage(), info.numClasses(), mapW * mapH);
            float[] t = thresholds;
            Inspector inspector = new Inspector(info, dir, lines, i -> t[i], queue, mapW, mapH, maxBody, Inspector.DEFAULT_WAIT_MILLIS);
            InspectWorker worker = new InspectWorker(pkg, queue, maxBatch);
            opened.add(0, worker);
            StationServer server = new StationServer(null, null, options);
            server.serveInspections(inspector);
            return new Serving(server, worker, inspector, pkg, undistorter);
        } catch (Exception | Error e) {
            for (AutoCloseable c : opened) c.close();
            throw e;
        }
    }

    private static Inspector.Line line(String name, int width, int height, int[] roi, ModelInfo info, Undistorter u) {
        // no camera: images are decoded in the model's own channels (gray, or BGR for a colour model)
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], info.inputWidth(), info.inputHeight(), info.normMean(),
                info.normStd(), info.inputChannels());
        try {
            spec.checkFits(width, height);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("roi: " + e.getMessage() + " (--frame " + width + "x" + height + ")", e);
        }
        return new Inspector.Line(name, width, height, spec, u);
    }

    static int[] frameSize(String v) {
        String[] p = v.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim());
                int h = Integer.parseInt(p[1].trim());
                if (w >= 16 && h >= 16 && w <= 16_384 && h <= 16_384) return new int[] {w, h};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--frame: expected WIDTHxHEIGHT, 16 to 16384 each (e.g. 1280x1024), got '" + v + "'");
    }

    static int[] roi(String v) {
        if (v == null) return null;
        String[] p = v.split(",");
        try {
            if (p.length == 4) {
                int[] r = new int[4];
                for (int i = 0; i < 4; i++) r[i] = Integer.parseInt(p[i].trim());
                if (r[0] >= 0 && r[1] >= 0 && r[2] > 0 && r[3] > 0) return r;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--roi: expected x,y,w,h (x, y >= 0, w, h > 0), got '" + v + "'");
    }
}
