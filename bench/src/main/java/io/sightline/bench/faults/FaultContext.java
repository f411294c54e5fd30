package io.sightline.bench.faults;

import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.station.StationConfig;
import io.sightline.station.TriggerSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the scenarios of one run share: the scale that shortens every duration, the default model
 * (loaded once, as a station keeps it), recorded synthetic parts for each line, the station's base
 * config, a work folder, the fault models (generated on first use) and the maximum sustainable rate
 * (searched on first use).
 *
 * <p>The base config is the end-to-end benchmark's: {@value #LINES} lines of 1280x1024 gray, ring
 * 256, max batch 16, one inspection worker per core, reject deadline 200 ms. Scenarios other than
 * the overload give parts a deadline of {@value #RELAXED_DEADLINE_MILLIS} ms, so that a hiccup of a
 * shared machine (another build on the same two cores) is not mistaken for the fault's own
 * fail-safes; the overload keeps 200 ms, since lateness is what it is about.
 */
public final class FaultContext implements AutoCloseable {
    public static final int LINES = 2;
    static final int RING_SIZE = 256;
    static final long DEADLINE_MILLIS = 200;
    static final long RELAXED_DEADLINE_MILLIS = 1_000;

    private final double scale;
    private final PrintStream log;
    private final ModelPackage model;
    private final StationConfig base;
    private final List<ReplaySource> replays = new ArrayList<>();
    private final Path workDir;
    private final Map<FaultModels.Kind, ModelPackage> faultModels = new EnumMap<>(FaultModels.Kind.class);
    private MaxRate maxRate;

    /**
     * The maximum sustainable rate and how it was found.
     *
     * @param saturatedFps decisions on their merits per second when offered far more
     * @param cpuBoundFps the same, scaled to every core of the machine (by the step's CPU share)
     */
    record MaxRate(double fps, double saturatedFps, double cpuBoundFps, String how, List<String> steps) {}

    private FaultContext(double scale, PrintStream log, Path modelDir) throws Exception {
        if (!(scale > 0 && scale <= 10)) throw new IllegalArgumentException("--scale: expected a factor above 0 and at most 10, got " + scale);
        this.scale = scale;
        this.log = log;
        Natives.loadAll();
        this.base = StationConfig.defaults(modelDir).withLines(LINES).withRing(RING_SIZE)
                .withMaxBatch(StationConfig.DEFAULT_MAX_BATCH).withRejectDelayMillis(DEADLINE_MILLIS)
                .withOverrun(TriggerSchedule.Overrun.CATCH_UP);
        this.workDir = Files.createTempDirectory("sightline-faults-");
        try {
            this.model = ModelPackage.load(modelDir, base.inferenceThreads());
            SyntheticPartCamera.Options camera = SyntheticPartCamera.Options.defaults().withDefectRate(0.1);
            for (int i = 0; i < LINES; i++) {
                try (SyntheticPartCamera cam = new SyntheticPartCamera("line-" + i, camera.withSeed(1000 + i))) {
                    replays.add(ReplaySource.record("replay:line-" + i, cam, 32));
                }
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * @param scale multiplies every full-length duration (1.0: 60 s of overload, 30 s of sink outage, ...)
     * @param log where progress goes (standard error for the command)
     */
    public static FaultContext open(double scale, PrintStream log, Path modelDir) throws Exception {
        return new FaultContext(scale, log, modelDir);
    }

    public double scale() {
        return scale;
    }

    PrintStream log() {
        return log;
    }

    /** A full-length duration scaled, and never below {@code minSeconds}. */
    double seconds(double fullSeconds, double minSeconds) {
        return Math.max(minSeconds, fullSeconds * scale);
    }

    ModelPackage model() {
        return model;
    }

    /** The base config with {@code fpsPerLine} (informational for live cameras) and the deadline. */
    StationConfig config(double fpsPerLine, long rejectDelayMillis) {
        return base.withFps(fpsPerLine).withRejectDelayMillis(rejectDelayMillis);
    }

    StationConfig base() {
        return base;
    }

    List<ReplaySource> replays() {
        return replays;
    }

    /** A new replay of line {@code line}'s recorded parts; whoever gets it closes it. */
    ReplaySource replay(int line) {
        return replays.get(line).copy("replay:line-" + line);
    }

    /** A new empty folder under the run's work folder. */
    Path newDir(String prefix) throws IOException {
        return Files.createTempDirectory(workDir, prefix);
    }

    /** The fault model of that kind, generated from the default model and loaded (once per run). */
    synchronized ModelPackage faultModel(FaultModels.Kind kind) throws IOException {
        ModelPackage m = faultModels.get(kind);
        if (m == null) {
            Path dir = workDir.resolve("model-" + kind.name().toLowerCase(java.util.Locale.ROOT));
            FaultModels.write(model.dir(), dir, kind);
            m = ModelPackage.load(dir, base.inferenceThreads());
            faultModels.put(kind, m);
        }
        return m;
    }

    synchronized MaxRate maxRate() {
        return maxRate;
    }

    synchronized void maxRate(MaxRate r) {
        this.maxRate = r;
    }

    @Override
    public void close() {
        faultModels.values().forEach(ModelPackage::close);
        if (model != null) model.close();
        replays.forEach(ReplaySource::close);
        deleteTree(workDir);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the work folder " + dir, e);
        }
    }
}
