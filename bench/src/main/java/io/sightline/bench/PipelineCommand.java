package io.sightline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.StationConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline bench pipeline}: the open-loop end-to-end run with its rivals. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"End-to-end, open loop: finds the maximum sustainable rate of the station (p99 within the budget, "
                + "no fail-safe reject) and, in the same run on the same frames and model, of a naive thread-pool "
                + "pipeline; measures the ideal rate (cores / sum of each stage's cost alone) and the compute floor "
                + "(matmul FLOP/s / CNN FLOPs).",
                "With --json the last stdout line is {\"sustainedFps\",\"idealFps\",\"efficiency\",\"naiveFps\","
                + "\"speedupVsNaive\",\"floorFps\",\"p99Ms\",...}."})
final class PipelineCommand implements Callable<Integer> {
    static final int DEFAULT_RING_SIZE = 256;

    @Option(names = "--json", description = "print the summary as one JSON object on the last stdout line")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR", description = "write report.md, latency.png and throughput.png into DIR")
    Path reportDir;

    @Option(names = "--budget-ms", description = "p99 latency budget, scheduled arrival to outcome (default: ${DEFAULT-VALUE})")
    double budgetMs = 50;

    @Option(names = "--step-seconds", description = "length of each offered-rate step (default: ${DEFAULT-VALUE})")
    double stepSeconds = 8;

    @Option(names = "--tolerance", description = "stop the rate search when pass and fail rates are this close, relative (default: ${DEFAULT-VALUE})")
    double tolerance = 0.03;

    @Option(names = "--stage-seconds", description = "measuring time per stage for the ideal rate (default: ${DEFAULT-VALUE})")
    double stageSeconds = 3;

    @Option(names = "--lines", description = "production lines (cameras) sharing the offered rate (default: ${DEFAULT-VALUE})")
    int lines = StationConfig.DEFAULT_LINES;

    @Option(names = "--max-batch", description = "the station's largest inference batch (default: ${DEFAULT-VALUE})")
    int maxBatch = StationConfig.DEFAULT_MAX_BATCH;

    /**
     * {@value #DEFAULT_RING_SIZE}, not the station's default 128: near 2,500 frames/s 128 slots hold 51 ms of frames, so the
     * ring, not the 50 ms latency budget, would decide what is sustainable. A station sized for
     * such rates sizes its ring the same way; the naive rival's queue gets the same depth.
     */
    @Option(names = "--ring-size", description = "ring slots (power of two), and the naive rival's queue depth (default: ${DEFAULT-VALUE})")
    int ringSize = DEFAULT_RING_SIZE;

    @Option(names = "--workers", description = "the station's inspection workers (default: cores, at most 8)")
    Integer workers;

    @Option(names = "--inference-threads", description = "the station's TensorFlow intra-op threads, 0 = TensorFlow's default"
            + " (default: max(1, cores / workers))")
    Integer inferenceThreads;

    @Option(names = "--preprocess-on", paramLabel = "workers|cameras", description = "who preprocesses in the station: its "
            + "inspection workers, or each camera's thread before it publishes (default: ${DEFAULT-VALUE})")
    String preprocessOn = "workers";

    @Option(names = "--reject-delay-ms", description = "camera-to-ejector time; later is a fail-safe reject (default: ${DEFAULT-VALUE})")
    long rejectDelayMillis = StationConfig.DEFAULT_REJECT_DELAY_MILLIS;

    @Option(names = "--skip-naive", description = "do not run the naive rival")
    boolean skipNaive;

    @Option(names = "--model", paramLabel = "DIR", description = "model package (default: models/default)")
    Path model;

    @Option(names = "--device", paramLabel = "cpu|cuda",
            description = "where the station preprocesses frames: cpu (OpenCV) or cuda (CudaPreprocessor on device 0; inference on the"
                    + " GPU too with the -Pgpu build) (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Option(names = "--precision", paramLabel = "fp32|bf16", description = "inference arithmetic of every contender: fp32, or bf16"
            + " (oneDNN bfloat16, on a CPU with AVX512_BF16 or AMX) (default: ${DEFAULT-VALUE})")
    String precision = "fp32";

    @Option(names = "--naive-runs", paramLabel = "N", description = "rate searches of the naive rival; its median is reported"
            + " (default: ${DEFAULT-VALUE})")
    int naiveRuns = 3;

    @Option(names = "--skip-strong", description = "do not run the strong rival (blocking queue, one batching thread)")
    boolean skipStrong;

    @Override
    public Integer call() throws Exception {
        require(device.equals("cpu") || device.equals("cuda"), "--device", device, "cpu or cuda");
        io.sightline.natives.cuda.Device preprocessDevice = io.sightline.natives.cuda.Device.cpu();
        io.sightline.inference.InferenceDevice inferenceDevice = io.sightline.inference.InferenceDevice.cpu();
        if (device.equals("cuda")) {
            String missing = io.sightline.preprocess.cuda.Cuda.unavailableReason();
            if (missing != null) {
                System.err.println("bench pipeline --device cuda: " + missing);
                return 3;
            }
            // the workers preprocess on device 0; inference follows on the GPU when TensorFlow is the
            // GPU build (-Pgpu), else on the CPU (one log line says so), and the report names both
            preprocessDevice = io.sightline.natives.cuda.CudaDevices.select("cuda:0");
            inferenceDevice = io.sightline.inference.InferenceDevice.choose("auto");
            System.err.printf("bench pipeline: preprocessing on %s, inference on %s%n", preprocessDevice, inferenceDevice.device());
        }
        inferenceDevice = inferenceDevice.withPrecision(io.sightline.inference.InferencePrecision.parse(precision));
        require(naiveRuns >= 1 && naiveRuns <= 9, "--naive-runs", naiveRuns, "1 to 9");
        require(budgetMs > 0, "--budget-ms", budgetMs, "above 0");
        require(stepSeconds >= 1 && stepSeconds <= 600, "--step-seconds", stepSeconds, "1 to 600");
        require(stageSeconds >= 0.3 && stageSeconds <= 60, "--stage-seconds", stageSeconds, "0.3 to 60");
        require(tolerance > 0 && tolerance < 1, "--tolerance", tolerance, "between 0 and 1");
        PrintStream err = System.err;
        Path modelDir = model != null ? model : BenchPaths.defaultModel();
        Natives.loadAll();
        int cores = CpuTime.cores();
        StationConfig base = StationConfig.defaults(modelDir).withLines(lines).withRing(ringSize).withMaxBatch(maxBatch)
                .withRejectDelayMillis(rejectDelayMillis).withPreprocessDevice(preprocessDevice);
        if (workers != null) base = base.withWorkers(workers);
        if (inferenceThreads != null) base = base.withInferenceThreads(inferenceThreads);
        if (!preprocessOn.equals("workers") && !preprocessOn.equals("cameras")) {
            throw new IllegalArgumentException("--preprocess-on: expected workers or cameras, got '" + preprocessOn + "'");
        }
        base = base.withPreprocessOnCameras(preprocessOn.equals("cameras"));

        List<ReplaySource> replays = new ArrayList<>();
        try (ModelPackage pkg = ModelPackage.load(modelDir, base.inferenceThreads(), inferenceDevice)) {
            ModelInfo info = pkg.info();
            SyntheticPartCamera.Options camera = SyntheticPartCamera.Options.defaults().withDefectRate(0.1);
            for (int i = 0; i < lines; i++) {
                try (SyntheticPartCamera cam = new SyntheticPartCamera("line-" + i, camera.withSeed(1000 + i))) {
                    replays.add(ReplaySource.record("replay:line-" + i, cam, 32));
                }
            }
            int width = replays.get(0).maxWidth();
            int height = replays.get(0).maxHeight();
            int[] roi = SyntheticPartCamera.defaultRoi(width, height);

            err.printf(Locale.ROOT, "bench pipeline: %d cores, %d lines of %dx%d, ROI %dx%d to %dx%d, model %s%n",
                    cores, lines, width, height, roi[2], roi[3], info.inputWidth(), info.inputHeight(), modelDir);
            err.println("ideal: each stage alone...");
            List<StageCosts.Cost> costs = StageCosts.measure(pkg, replays.get(0), roi, base, stageSeconds);
            for (StageCosts.Cost c : costs) err.printf(Locale.ROOT, "  %-22s %8.1f CPU us/frame%n", c.stage(), c.cpuMicrosPerFrame());
            double ideal = StageCosts.idealFps(costs, cores);
            err.printf(Locale.ROOT, "  ideal %.0f frames/s%n", ideal);

            err.println("compute floor: TensorFlow matmul...");
            ComputeFloor.Measurement floor = ComputeFloor.measure(1024, stageSeconds);
            long cnnFlops = InspectionCnn.flopsPerImage(info.inputWidth(), info.inputHeight(), info.inputChannels(),
                    info.numClasses());
            err.printf(Locale.ROOT, "  %.1f GFLOP/s, CNN %.1f MFLOPs/frame: floor %.0f frames/s%n", floor.flopsPerSecond() / 1e9,
                    cnnFlops / 1e6, floor.flopsPerSecond() / cnnFlops);

            double start = Math.max(10, roundTo10(ideal / 4));
            double max = Math.max(start, ideal * 2);
            RateSearch search = new RateSearch(budgetMs, start, 5, max, tolerance, 16);
            RateSearch.Result sightline;
            try (Contender c = new SightlineContender(pkg, replays, base)) {
                sightline = searchWithWarmUp(c, search, start, err);
            }
            double rivalStart = Math.max(10, roundTo10(Math.max(sightline.maxSustainableFps(), 40) / 4));
            RateSearch.Result strong = null;
            if (!skipStrong) {
                PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], info.inputWidth(), info.inputHeight(),
                        info.normMean(), info.normStd());
                try (Contender c = new StrongContender(ModelPackage.load(modelDir, 0, inferenceDevice), replays, spec,
                        base.rejectThreshold(), base.ringSize(), base.maxBatch(), rejectDelayMillis)) {
                    strong = searchWithWarmUp(c, new RateSearch(budgetMs, rivalStart, 5, max, tolerance, 16), rivalStart, err);
                }
            }
            List<RateSearch.Result> naives = new ArrayList<>();
            for (int run = 0; !skipNaive && run < naiveRuns; run++) {
                try (Contender c = new NaiveContender(modelDir, info, replays, roi, base.rejectThreshold(),
                        cores, base.ringSize(), rejectDelayMillis, inferenceDevice)) {
                    naives.add(searchWithWarmUp(c, new RateSearch(budgetMs, rivalStart, 5, max, tolerance, 16), rivalStart, err));
                }
                err.printf(Locale.ROOT, "naive run %d of %d: %.1f frames/s%n", run + 1, naiveRuns, naives.get(run).maxSustainableFps());
            }
            RateSearch.Result naive = PipelineReport.median(naives);

            Map<String, String> setup = new LinkedHashMap<>();
            setup.put("lines", lines + " cameras of " + width + "x" + height + " 8-bit gray, 32 recorded synthetic parts each"
                    + " (defect rate 0.1), replayed");
            setup.put("preprocessing", "ROI " + roi[2] + "x" + roi[3] + " at (" + roi[0] + "," + roi[1] + ") to "
                    + info.inputWidth() + "x" + info.inputHeight() + ", INTER_AREA, normalised");
            setup.put("model", modelDir + " (" + info.name() + " " + info.version() + ", "
                    + String.format(Locale.ROOT, "%.1f", cnnFlops / 1e6) + " MFLOPs/frame)");
            setup.put("station", "ring " + base.ringSize() + ", " + base.workers() + " inspection workers with "
                    + base.inferenceThreads() + " TensorFlow intra-op thread(s) each, max batch "
                    + base.maxBatch() + ", reject deadline " + rejectDelayMillis + " ms, preprocessing on the "
                    + (base.preprocessOnCameras() ? "camera threads" : "workers"));
            setup.put("naive", skipNaive ? "skipped" : cores + " pool threads, ArrayBlockingQueue(" + base.ringSize()
                    + "), one session.run per frame, TensorFlow's default session options; median of " + naiveRuns + " runs");
            setup.put("strong", skipStrong ? "skipped" : "ArrayBlockingQueue(" + base.ringSize() + ") of pooled frame buffers, the"
                    + " station's preprocessing on each camera thread, one batching thread (drain up to " + base.maxBatch()
                    + ", one session.run per batch, TensorFlow's default threads)");
            setup.put("precision", inferenceDevice.precision().toString());
            setup.put("steps", String.format(Locale.ROOT, "%.0f s each, search tolerance %.0f%%", stepSeconds, tolerance * 100));
            PipelineReport report = new PipelineReport(LocalDate.now().toString(), machine(), commandLine(), setup, cores,
                    budgetMs, sightline, naive, costs, floor.flopsPerSecond(), cnnFlops, strong,
                    naives.stream().map(RateSearch.Result::maxSustainableFps).toList(), inferenceDevice.precision().toString());
            printSummary(report);
            if (reportDir != null) {
                for (Path p : report.write(reportDir)) err.println("wrote " + p);
            }
            if (json) System.out.println(new ObjectMapper().writeValueAsString(report.summary()));
            return 0;
        } finally {
            replays.forEach(ReplaySource::close);
        }
    }

    /** A short discarded step first (JIT, caches, TensorFlow's thread pools), then the search. */
    private RateSearch.Result searchWithWarmUp(Contender c, RateSearch search, double start, PrintStream err)
            throws Exception {
        err.printf(Locale.ROOT, "%s: warm-up at %.0f frames/s...%n", c.name(), start);
        c.runStep(start, Math.min(3, stepSeconds));
        return search.search(rate -> {
            StepResult r = c.runStep(rate, stepSeconds);
            err.printf(Locale.ROOT, "%s: offered %7.1f/s  decided %7.1f/s  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  "
                            + "fail-safe %5d  batch %5.2f  CPU %3.0f%%  %s%n",
                    c.name(), rate, r.throughputFps(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.failSafe(), r.meanBatch(),
                    100 * r.cpuUtilisation(), r.sustainable(budgetMs) ? "sustainable" : "NOT sustainable");
            return r;
        });
    }

    private static void printSummary(PipelineReport r) {
        System.out.printf(Locale.ROOT, "%nSightline max sustainable %.1f frames/s (p99 %s ms, budget %.0f ms)%n",
                r.sustainedFps(), r.sightline().atMax() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.sightline().atMax().p99Ms()),
                r.latencyBudgetMs());
        System.out.printf(Locale.ROOT, "ideal %.1f frames/s: efficiency %.3f%n", r.idealFps(), r.sustainedFps() / r.idealFps());
        if (r.naive() != null) {
            System.out.printf(Locale.ROOT, "naive %.1f frames/s (median of %s): speedup %.3f%n", r.naiveFps(), r.naiveRuns(),
                    r.naiveFps() > 0 ? r.sustainedFps() / r.naiveFps() : 0);
        }
        if (r.strong() != null) {
            System.out.printf(Locale.ROOT, "strong %.1f frames/s: speedup %.3f%n", r.strongFps(),
                    r.strongFps() > 0 ? r.sustainedFps() / r.strongFps() : 0);
        }
        System.out.printf(Locale.ROOT, "compute floor %.1f frames/s: Sightline reaches %.3f of it%n", r.floorFps(),
                r.sustainedFps() / r.floorFps());
    }

    static String machine() {
        return MachineDescription.describe();
    }

    private String commandLine() {
        List<String> args = new ArrayList<>(List.of("./sightline", "bench", "pipeline"));
        if (json) args.add("--json");
        if (reportDir != null) args.add("--report " + reportDir);
        if (!device.equals("cpu")) args.add("--device " + device);
        if (budgetMs != 50) args.add("--budget-ms " + budgetMs);
        if (stepSeconds != 8) args.add("--step-seconds " + stepSeconds);
        if (lines != StationConfig.DEFAULT_LINES) args.add("--lines " + lines);
        if (maxBatch != StationConfig.DEFAULT_MAX_BATCH) args.add("--max-batch " + maxBatch);
        if (ringSize != DEFAULT_RING_SIZE) args.add("--ring-size " + ringSize);
        if (workers != null) args.add("--workers " + workers);
        if (inferenceThreads != null) args.add("--inference-threads " + inferenceThreads);
        if (rejectDelayMillis != StationConfig.DEFAULT_REJECT_DELAY_MILLIS) args.add("--reject-delay-ms " + rejectDelayMillis);
        if (skipNaive) args.add("--skip-naive");
        if (skipStrong) args.add("--skip-strong");
        if (naiveRuns != 3) args.add("--naive-runs " + naiveRuns);
        if (!precision.equals("fp32")) args.add("--precision " + precision);
        if (model != null) args.add("--model " + model);
        return String.join(" ", args);
    }

    private static double roundTo10(double v) {
        return Math.round(v / 10) * 10.0;
    }

    private static void require(boolean ok, String option, Object value, String expected) {
        if (!ok) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new PipelineCommand()),
                option + ": expected " + expected + ", got " + value);
    }
}
