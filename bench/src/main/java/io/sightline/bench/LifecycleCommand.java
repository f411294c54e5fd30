package io.sightline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.FrameSource;
import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;

import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.station.Station;
import io.sightline.station.StationAttachments;
import io.sightline.station.StationConfig;
import io.sightline.station.models.ModelSwitch;
import io.sightline.station.telemetry.StationStats;
import org.HdrHistogram.Histogram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline bench lifecycle}: hot swaps and rollbacks between two real model packages on a
 * real station under load, with every part accounted for.
 *
 * <pre>
 *   1. the second model: a copy of the first with another version in model.json (another content
 *      hash, the same weights), or --second M
 *   2. the station's maximum sustainable rate (RateSearch: p99 within the budget, no fail-safe) with
 *      the inspection API's requests beside it (as in 3), unless --fps gives the rate to run at
 *   3. one station at --load (0.8) of it, journaled: --swaps swaps to the other model and
 *      --rollbacks rollbacks (every fifth operation), --gap-seconds apart
 *      while a client POSTs a part's PNG to /api/inspect --inspect-rps times a second (paced: its
 *      requests ride in the line's batches, answered by whichever version is live)
 *   4. a shadow run of the other model for --shadow-seconds: its agreement and counts
 *   5. from the journal: fail-safe and late outcomes decided during a swap (from its request to one
 *      reject deadline after it returned) and during the shadow run, parts unaccounted for, rows per
 *      model version, the chain
 * </pre>
 */
@Command(name = "lifecycle", mixinStandardHelpOptions = true,
        description = {"Hot swaps and rollbacks between two real models on a real station at 80% of its sustainable rate.",
                "With --json the last stdout line is {\"swaps\",\"rollbacks\",\"failsafeDuringSwaps\",\"unaccounted\","
                        + "\"lateDuringSwaps\",\"journalModelVersions\",\"shadow\",\"inspectApi\",...}."})
public final class LifecycleCommand implements Callable<Integer> {
    static final int LINES = 2;
    static final long DEADLINE_MILLIS = 200;

    @Option(names = "--model", paramLabel = "M", description = "the first model package (default: models/default)")
    Path model;
    @Option(names = "--second", paramLabel = "M", description = "the second model package (default: a re-versioned copy of the first)")
    Path second;
    @Option(names = "--swaps", description = "swaps to the other model (default: ${DEFAULT-VALUE})")
    int swaps = 20;
    @Option(names = "--rollbacks", description = "rollbacks (default: ${DEFAULT-VALUE})")
    int rollbacks = 5;
    @Option(names = "--load", description = "fraction of the sustainable rate to run at (default: ${DEFAULT-VALUE})")
    double load = 0.8;
    @Option(names = "--fps", description = "run at this total rate instead of searching the sustainable one")
    double fps;
    @Option(names = "--gap-seconds", description = "time between two operations (default: ${DEFAULT-VALUE})")
    double gapSeconds = 1.0;
    @Option(names = "--step-seconds", description = "length of each rate search step; the first frames after a start are "
            + "slow, so short steps judge the rate low (default: ${DEFAULT-VALUE}, as bench pipeline)")
    double stepSeconds = 8;
    @Option(names = "--budget-ms", description = "p99 budget of the rate search (default: ${DEFAULT-VALUE})")
    double budgetMs = 50;
    @Option(names = "--shadow-seconds", description = "after the swaps, a shadow run of the other model for this long (0: none; "
            + "default: ${DEFAULT-VALUE})")
    double shadowSeconds = 10;
    @Option(names = "--shadow-sample", description = "the shadow scores every n-th frame (default: ${DEFAULT-VALUE})")
    int shadowSample = io.sightline.station.models.ShadowRun.DEFAULT_SAMPLE_EVERY;
    @Option(names = "--inspect-rps", paramLabel = "R", description = "inspection API requests per second during the swaps, "
            + "paced, on loopback (0: none; default: ${DEFAULT-VALUE})")
    double inspectRps = 10;
    @Option(names = "--json", description = "one JSON object as the last line of standard output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        require(swaps >= 1 && swaps <= 10_000, "--swaps", swaps, "1 to 10000");
        require(rollbacks >= 0 && rollbacks <= swaps, "--rollbacks", rollbacks, "0 to --swaps");
        require(load > 0 && load <= 1, "--load", load, "a fraction above 0 and at most 1");
        require(fps >= 0, "--fps", fps, "a rate above 0 (or 0: search it)");
        require(gapSeconds >= 0 && gapSeconds <= 600, "--gap-seconds", gapSeconds, "0 to 600");
        require(stepSeconds >= 1 && stepSeconds <= 600, "--step-seconds", stepSeconds, "1 to 600");
        require(shadowSeconds >= 0 && shadowSeconds <= 3600, "--shadow-seconds", shadowSeconds, "0 to 3600");
        require(shadowSample >= 1 && shadowSample <= 1000, "--shadow-sample", shadowSample, "1 to 1000");
        require(inspectRps >= 0 && inspectRps <= 1000, "--inspect-rps", inspectRps, "0 to 1000");
        Path first = model != null ? model : BenchPaths.defaultModel();
        Natives.loadAll();
        Path work = Files.createTempDirectory("sightline-lifecycle-");
        Path other = second != null ? second
                : io.sightline.station.models.ModelStore.copyAsVersion(first, work.resolve("second"),
                        io.sightline.inference.ModelInfo.read(first.resolve("model.json")).version() + "-lifecycle");
        StationConfig base = StationConfig.defaults(first).withLines(LINES).withRing(256).withRejectDelayMillis(DEADLINE_MILLIS)
                .withOverrun(io.sightline.station.TriggerSchedule.Overrun.CATCH_UP);
        List<ReplaySource> replays = new ArrayList<>();
        try (ModelPackage pkg = ModelPackage.load(first, base.inferenceThreads())) {
            for (int i = 0; i < LINES; i++) {
                try (SyntheticPartCamera cam = new SyntheticPartCamera("line-" + i,
                        SyntheticPartCamera.Options.defaults().withDefectRate(0.1).withSeed(2000 + i))) {
                    replays.add(ReplaySource.record("replay:line-" + i, cam, 32));
                }
            }
            double sustainable = fps > 0 ? fps / load : searchRate(pkg, replays, base);
            double rate = load * sustainable;
            System.err.printf(Locale.ROOT, "lifecycle: running at %.0f frames/s (%.0f%% of %.0f), %d swaps and %d rollbacks%n", rate,
                    100 * load, sustainable, swaps, rollbacks);
            Map<String, Object> figures = run(pkg, other, replays, base, rate, work.resolve("journal.db"));
            figures.put("sustainableFps", Math.round(sustainable));
            figures.put("offeredFps", Math.round(rate));
            figures.put("secondModel", second != null ? other.toString() : "a copy of " + first + " re-versioned (same weights)");
            print(figures);
            boolean ok = (long) figures.get("failsafeDuringSwaps") == 0 && (long) figures.get("unaccounted") == 0
                    && (long) figures.get("lateDuringSwaps") == 0 && (boolean) figures.get("journalIntact")
                    && (figures.get("inspectApi") == null || (long) ((Map<?, ?>) figures.get("inspectApi")).get("errors") == 0)
                    && (figures.get("shadow") == null || (long) ((Map<?, ?>) figures.get("shadow")).get("failsafeDuringShadow") == 0);
            return ok ? 0 : 1;
        } finally {
            replays.forEach(ReplaySource::close);
        }
    }

    private double searchRate(ModelPackage pkg, List<ReplaySource> replays, StationConfig base) throws Exception {
        try (SightlineContender c = new SightlineContender(pkg, replays, base)
                .withSideLoad(station -> inspectRps > 0 ? ApiLoad.start(station, replays.get(0), inspectRps) : null)) {
            StepResult sat = c.runStep(10_000, 2);
            double saturated = (sat.decided() - sat.failSafe()) / Math.max(1e-3, sat.seconds());
            double start = Math.max(10, Math.round(0.6 * saturated / 10) * 10.0);
            RateSearch.Result r = new RateSearch(budgetMs, start, 5, Math.max(start, 2 * saturated), 0.1, 6).search(rate -> {
                StepResult s = c.runStep(rate, stepSeconds);
                System.err.printf(Locale.ROOT, "lifecycle: search %7.1f/s  p99 %6.1f ms  fail-safe %5d  %s%n", rate, s.p99Ms(),
                        s.failSafe(), s.sustainable(budgetMs) ? "sustainable" : "NOT sustainable");
                return s;
            });
            return r.maxSustainableFps() > 0 ? r.maxSustainableFps() : saturated;
        }
    }

    /** The station at {@code rate}, the operations, and the journal's account of them. */
    private Map<String, Object> run(ModelPackage pkg, Path other, List<ReplaySource> replays, StationConfig base, double rate,
                                    Path journalFile) throws Exception {
        int operations = swaps + rollbacks;
        StationConfig config = base.withFps(rate / LINES).withMaxFramesPerLine(-1);
        List<FrameSource> sources = new ArrayList<>();
        for (int i = 0; i < LINES; i++) sources.add(replays.get(i).copy("replay:line-" + i));
        List<long[]> windowsMicros = new ArrayList<>();
        List<Double> swapMs = new ArrayList<>();
        long doneSwaps = 0;
        long doneRollbacks = 0;
        StationStats stats;
        io.sightline.station.models.ShadowRun.Figures shadow = null;
        Map<String, Object> inspectApi = null;
        long[] shadowWindowMicros = null;
        String label = io.sightline.station.models.ModelVersion.of(pkg.dir(), pkg.info()).label();
        try (DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"line-0", "line-1"}, label, "none", false);
             Station station = Station.create(config, pkg, sources, StationAttachments.of(new CountingSink()).withJournal(journal))) {
            station.start();
            Thread.sleep(2_000);
            Histogram before = station.latencyHistogramMicros();
            ApiLoad client = inspectRps > 0 ? ApiLoad.start(station, replays.get(0), inspectRps) : null;
            ModelSwitch models = station.models();
            Path firstDir = pkg.dir();
            int rollbackEvery = rollbacks == 0 ? Integer.MAX_VALUE : Math.max(2, operations / rollbacks);
            try {
                for (int op = 1; op <= operations; op++) {
                    boolean rollback = doneRollbacks < rollbacks && (op % rollbackEvery == 0 || operations - op < rollbacks - doneRollbacks);
                    if (rollback && doneSwaps == 0) rollback = false;
                    if (!rollback && doneSwaps >= swaps) rollback = true;
                    long startMicros = nowMicros();
                    long t0 = System.nanoTime();
                    String what = rollback ? models.rollback("bench lifecycle") : models.swap(
                            models.live().dir().equals(firstDir) ? other : firstDir, "bench lifecycle");
                    double ms = (System.nanoTime() - t0) / 1e6;
                    swapMs.add(ms);
                    long endMicros = nowMicros();
                    windowsMicros.add(new long[] {startMicros, endMicros + DEADLINE_MILLIS * 1_000, endMicros});
                    if (rollback) doneRollbacks++;
                    else doneSwaps++;
                    System.err.printf(Locale.ROOT, "lifecycle: %2d/%d %-8s %7.0f ms  %s%n", op, operations, rollback ? "rollback" : "swap", ms, what);
                    Thread.sleep((long) (gapSeconds * 1000));
                }
            } finally {
                if (client != null) client.close(); // its server and sender go whatever happened (figures kept)
            }
            if (client != null) {
                inspectApi = client.stop();
                Histogram during = station.latencyHistogramMicros().copy();
                during.subtract(before);
                inspectApi.put("lineP99MsDuring", round(during.getValueAtPercentile(99) / 1000.0));
                inspectApi.put("lineP99MsBefore", round(before.getValueAtPercentile(99) / 1000.0));
            }
            Thread.sleep(1_000);
            if (shadowSeconds > 0) {
                Path candidate = models.live().dir().equals(firstDir) ? other : firstDir;
                long startMicros = nowMicros();
                models.startShadow(candidate, null, shadowSample, "bench lifecycle");
                System.err.printf(Locale.ROOT, "lifecycle: shadow run of %s for %.0f s, every %d. frame%n", candidate, shadowSeconds, shadowSample);
                Thread.sleep((long) (shadowSeconds * 1000));
                shadow = models.stopShadow("bench lifecycle");
                shadowWindowMicros = new long[] {startMicros, nowMicros() + DEADLINE_MILLIS * 1_000};
            }
            stats = station.stop(Duration.ofSeconds(10));
        }
        Map<String, Object> m = account(journalFile, stats, windowsMicros, swapMs, doneSwaps, doneRollbacks);
        m.put("inspectApi", inspectApi);
        if (shadow != null) {
            Map<String, Object> sh = new LinkedHashMap<>();
            sh.put("agreement", shadow.agreement());
            sh.put("framesScored", shadow.framesScored());
            sh.put("framesSkipped", shadow.framesSkipped());
            sh.put("framesSampled", shadow.framesSampled());
            sh.put("sampleEvery", shadow.sampleEvery());
            sh.put("seconds", shadowSeconds);
            sh.put("failsafeDuringShadow", failsafeWithin(journalFile, shadowWindowMicros));
            m.put("shadow", sh);
        }
        return m;
    }

    private static Map<String, Object> account(Path journalFile, StationStats s, List<long[]> windows, List<Double> swapMs, long swaps,
                                               long rollbacks) {
        List<DecisionJournal.Entry> rows = DecisionJournal.query(journalFile, null, null, null, Integer.MAX_VALUE);
        long failsafeDuring = 0;
        long lateDuring = 0;
        long failsafeOutside = 0;
        long duringLoad = 0; // decided while the new version loaded and warmed up, before it took over
        Map<String, Long> byModel = new TreeMap<>();
        for (DecisionJournal.Entry e : rows) {
            byModel.merge(e.model(), 1L, Long::sum);
            if (!e.decision().equals("failsafe")) continue;
            boolean during = false;
            for (long[] w : windows) {
                if (e.decidedMicros() >= w[0] && e.decidedMicros() <= w[1]) {
                    during = true;
                    if (e.decidedMicros() < w[2]) duringLoad++;
                    break;
                }
            }
            if (!during) failsafeOutside++;
            else {
                failsafeDuring++;
                if (e.reason().equals(Outcome.FAILSAFE_LATE.reason())) lateDuring++;
            }
        }
        long decided = s.passed() + s.rejected() + s.failSafe();
        long unaccounted = Math.abs(s.captured() - decided) + s.inFlight() + Math.abs(s.captured() - rows.size());
        double[] ms = swapMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("swaps", swaps);
        m.put("rollbacks", rollbacks);
        m.put("failsafeDuringSwaps", failsafeDuring);
        m.put("unaccounted", unaccounted);
        m.put("lateDuringSwaps", lateDuring);
        m.put("journalModelVersions", byModel);
        m.put("journalIntact", DecisionJournal.verify(journalFile).intact());
        m.put("captured", s.captured());
        m.put("failsafe", s.failSafe());
        m.put("failsafeOutsideSwaps", failsafeOutside);
        m.put("failsafeDuringSwapsBeforeHandover", duringLoad);
        m.put("failsafeByReason", s.failSafeByReason());
        m.put("latencyP99Ms", round(s.latencyP99Ms()));
        m.put("latencyMaxMs", round(s.latencyMaxMs()));
        m.put("swapMs", Map.of("p50", round(ms[ms.length / 2]), "max", round(ms[ms.length - 1])));
        return m;
    }

    private static long failsafeWithin(Path journalFile, long[] window) {
        long n = 0;
        for (DecisionJournal.Entry e : DecisionJournal.query(journalFile, null, null, "failsafe", Integer.MAX_VALUE)) {
            if (e.decidedMicros() >= window[0] && e.decidedMicros() <= window[1]) n++;
        }
        return n;
    }

    private void print(Map<String, Object> f) throws Exception {
        System.out.printf(Locale.ROOT, "%d swaps and %d rollbacks at %d frames/s (%.0f%% of the sustainable %d): captured %d, "
                        + "fail-safe during swaps %d (late %d), unaccounted %d, fail-safe in the whole run %d%n",
                f.get("swaps"), f.get("rollbacks"), f.get("offeredFps"), 100 * load, f.get("sustainableFps"), f.get("captured"),
                f.get("failsafeDuringSwaps"), f.get("lateDuringSwaps"), f.get("unaccounted"), f.get("failsafe"));
        System.out.printf(Locale.ROOT, "journal rows per model version: %s; hash chain intact: %s; swap took %s ms; p99 %s ms%n",
                f.get("journalModelVersions"), f.get("journalIntact"), f.get("swapMs"), f.get("latencyP99Ms"));
        if (f.get("shadow") != null) System.out.println("shadow run: " + f.get("shadow"));
        if (f.get("inspectApi") != null) System.out.println("inspection API during the swaps: " + f.get("inspectApi"));
        if (json) System.out.println(new ObjectMapper().writeValueAsString(f));
    }

    private static long nowMicros() {
        return System.currentTimeMillis() * 1_000;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void require(boolean ok, String option, Object value, String expected) {
        if (!ok) throw new IllegalArgumentException(option + ": expected " + expected + ", got " + value);
    }
}
