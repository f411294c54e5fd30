package io.sightline.station.cli;

import io.sightline.station.Station;
import io.sightline.station.config.ConfigException;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 *   ─▶ running: SIGHUP re-reads the thresholds (and swaps a changed model) from the file (journaled, logged; other changed keys are
 *      logged as needing a restart); every source ended, --duration over, or SIGTERM/SIGINT ─▶
 *   ─▶ drain: cameras stop, every frame already captured gets its outcome, the ejector's last parts,
 *      the outputs deliver what they hold, the journal closes ─▶ exit 0 (3 if the counters do not balance,
 *      4 if the station stopped the line itself)
 * </pre>
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the station from its config file until SIGTERM (or Ctrl-C): the drain gives every captured frame its outcome,",
                "flushes the journal and the outputs, and exits 0. SIGHUP reloads the thresholds from the file and swaps in a changed model.",
                "An annotated example: config/station.example.yaml; check a file without running: sightline config check FILE."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("run");

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
            String hup = signals.hupWarning(file.server().enabled());
            if (hup != null) LOG.warn(hup);
            return run(file, signals);
        } catch (StartupChecks.Failed e) {
            System.err.println("sightline run: " + e.getMessage());
            return 2;
        }
    }

    private int run(StationFile file, ProcessSignals signals) throws Exception {
        StartupChecks checks = new StartupChecks();
        try (StationLauncher.Launched launched = StationLauncher.launch(file,
                new StationLauncher.Launch("run", checks, StationLauncher::openCameras, -1, false))) {
            Station station = launched.station();
            station.start();
            LOG.info("running: {} start-up check(s) passed{}; SIGTERM drains and exits, {}", checks.passed().size(),
                    checks.warnings().isEmpty() ? "" : ", " + checks.warnings().size() + " warning(s)", signals.reloadsOnHup()
                            ? "SIGHUP reloads thresholds (and a changed model) from " + file.source() : "SIGHUP is ignored (no reload by signal: see above)");
            String why = runUntilStopped(station, file, launched.calibration(), signals);
            LOG.info("stopping ({}): draining every frame already captured", why);
            StationReport report = new StationReport(launched, station.stop(Duration.ofSeconds(10)), System.err, false);
            Map<String, Object> head = new LinkedHashMap<>();
            head.put("stoppedBy", why);
            head.put("thresholds", station.thresholds());
            Map<String, Object> m = report.print(head, 0);
            if (json) System.out.println(Json.line(m));
            return report.exitCode();
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
            if (r != null && r.event() == ProcessSignals.Event.RELOAD) current = StationLauncher.reload(station, current, calibration, r.signal());
            if (durationSeconds != null && System.nanoTime() - endNanos >= 0) return "--duration " + durationSeconds + " s over";
            if (station.camerasFinished()) return "every source ended";
            if (station.lineStopReason() != null) return "the station stopped the line: " + station.lineStopReason();
        }
    }
}
