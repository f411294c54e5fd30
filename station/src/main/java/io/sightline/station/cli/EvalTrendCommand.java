package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.PChart;
import io.sightline.postprocess.trend.TrendEvaluation;
import io.sightline.postprocess.trend.TrendScenarios;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.postprocess.trend.model.BsdataTrend;
import io.sightline.postprocess.trend.model.SeriesForecasts;
import io.sightline.postprocess.trend.model.SeriesTradeOff;
import io.sightline.postprocess.trend.model.TrendModels;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline eval-trend}: every trend detector on the same seeded evaluation suite, at the
 * same in-control false-alarm rate.
 *
 * <pre>
 *   calibration suite (in control, its own seeds) --> each detector's sensitivity for the target rate
 *   evaluation suites (other seeds): in control --> false alarms per 10,000 parts
 *                                    each drift kind --> mean / median delay in parts, missed
 *   --history CSV...: recorded streams instead, judged by {@link HistoryReplay}
 * </pre>
 */
@Command(name = "eval-trend", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compare the trend detectors (LSTM, EWMA, CUSUM, p-chart) at the same in-control false-alarm rate.")
public final class EvalTrendCommand implements Callable<Integer> {
    /** Seeds of the calibration and evaluation suites: apart from each other and from training's. */
    static final long CALIBRATION_SEED = 5_000_000L;
    static final long EVALUATION_SEED = 7_000_000L;

    @Option(names = "--model", paramLabel = "MODEL", description = "trend model package (default: models/trend)")
    Path model;

    @Option(names = "--false-alarms-per", paramLabel = "N",
            description = "in-control parts per false alarm every detector is set to (default: ${DEFAULT-VALUE})")
    int partsPerFalseAlarm = 2000;

    @Option(names = "--scenarios", paramLabel = "N", description = "histories per drift kind (default: ${DEFAULT-VALUE})")
    int perKind = 200;

    @Option(names = "--image-model", paramLabel = "MODEL",
            description = "image model that scores BSData's wear series (e.g. one trained with train --data on BSData); without it the BSData part is skipped")
    Path imageModel;

    @Option(names = "--bsdata", paramLabel = "DIR", description = "BSData as published (default: ../shared/data/bsdata next to the project)")
    Path bsdata;

    @Option(names = "--bsdata-series",
            description = "BSData's wear series, each scored by an image model trained (the train recipe, supervised) on the other "
                    + "folds' series alone (grouped k-fold); only the detectors' matching on the synthetic suite, no drift suites")
    boolean bsdataSeries;

    @Option(names = "--folds", paramLabel = "K", description = "with --bsdata-series: folds of series (default: ${DEFAULT-VALUE})")
    int folds = 3;

    @Option(names = "--epochs", paramLabel = "E",
            description = "with --bsdata-series: most epochs per fold model, as train's --epochs (default: ${DEFAULT-VALUE})")
    int epochs = io.sightline.inference.Trainer.TrainOptions.defaults().epochs();

    @Option(names = "--seed", description = "with --bsdata-series: seed of the fold split and of every fold's training (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "with --bsdata-series: fold models, reused when their data, seed and epochs match (default: ${DEFAULT-VALUE})")
    Path cache = Path.of("sightline-out/bsdata-folds");

    @Option(names = "--lstm-window", paramLabel = "N",
            description = "with --bsdata-series or --image-model: images per LSTM step (default: ${DEFAULT-VALUE}; 1 steps on every image "
                    + "as the charts do)")
    int lstmWindow = BsdataTrend.LSTM_WINDOW;

    /** Before any work: the BSData part's LSTM window, as {@link BsdataTrend#evaluate} takes it. */
    private void checkLstmWindow() {
        if (lstmWindow < 1 || lstmWindow > BsdataTrend.MIN_BASELINE) {
            throw new IllegalArgumentException("--lstm-window: expected 1 to " + BsdataTrend.MIN_BASELINE + " images, got " + lstmWindow);
        }
    }

    @Option(names = "--tradeoff-chart", paramLabel = "PNG",
            description = "with --bsdata-series or --image-model: also draw each detector's false alarms against its delay on the "
                    + "series, its sensitivity scaled from the matched one, to this PNG")
    Path tradeOffChart;

    @Option(names = "--history", paramLabel = "CSV", arity = "1..*",
            description = "replay recorded part streams (timestamp,line,score,outcome, as journal export; the score may be empty) "
                    + "instead of the synthetic suites: forecast skill and alarms per stream (file, line) and detector")
    List<Path> history;

    @Option(names = "--horizon", paramLabel = "N",
            description = "with --history: forecast whether a part in the next N is rejected (default: ${DEFAULT-VALUE})")
    int horizon = 50;

    @Option(names = "--changes", paramLabel = "CSV",
            description = "with --history: change points, rows line,partIndex (a header may add a file column)")
    Path changes;

    @Option(names = "--baseline", paramLabel = "N",
            description = "with --history: parts each detector learns the in-control level from (default: ${DEFAULT-VALUE}; "
                    + "the LSTM runs only at the 500 it was trained for)")
    int baseline = TrendModels.BASELINE;

    @Option(names = "--classes", description = "instead: the per-class trend's in-control false alarms per 10,000 parts on seeded "
            + "streams, the h matched to the line detectors' rate per class rate, and its delays")
    boolean classes;

    @Option(names = "--json", description = "print the table as one JSON object on the last line of standard output")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path modelDir = model != null ? model : ProjectPaths.home().resolve("models/trend");
        if (bsdataSeries && history != null) {
            throw new IllegalArgumentException("--bsdata-series: trains its own image models; not with --history or --image-model");
        }
        if (tradeOffChart != null && !bsdataSeries && imageModel == null) {
            throw new IllegalArgumentException("--tradeoff-chart: needs --bsdata-series or --image-model (the BSData series it draws)");
        }
        if (classes) return ClassTrendEvaluation.run(json);
        if (history != null) return HistoryReplay.run(history, changes, horizon, baseline, modelDir, json);
        if (changes != null) throw new IllegalArgumentException("--changes: needs --history (the recorded streams it names)");
        if (partsPerFalseAlarm < 100) throw new IllegalArgumentException("--false-alarms-per: expected at least 100, got " + partsPerFalseAlarm);
        if (perKind < 10) throw new IllegalArgumentException("--scenarios: expected at least 10, got " + perKind);
        Path bs = bsdata != null ? bsdata : ProjectPaths.home().resolve("../shared/data/bsdata").normalize();
        if (bsdataSeries) return bsdataSeries(modelDir, bs);
        Natives.tensorflow();
        PrintStream err = Progress.lines(System.err); // ModelScoring redraws with carriage returns
        int base = TrendModels.BASELINE;
        int changeAfter = base + 300;
        int length = 6000;
        var calibration = TrendScenarios.suite(TrendScenarios.Kind.IN_CONTROL, CALIBRATION_SEED, 60, 20_000, 20_000);
        var inControl = TrendScenarios.suite(TrendScenarios.Kind.IN_CONTROL, EVALUATION_SEED, 60, 20_000, 20_000);
        Map<TrendScenarios.Kind, List<TrendScenarios.Scenario>> drifts = new LinkedHashMap<>();
        for (TrendScenarios.Kind k : TrendScenarios.Kind.drifts()) {
            drifts.put(k, TrendScenarios.suite(k, EVALUATION_SEED + 100_000L * (k.ordinal() + 1), perKind, changeAfter, length));
        }
        double target = 1.0 / partsPerFalseAlarm;
        int lines = Math.max(60, perKind);
        Map<String, Object> detectors = new LinkedHashMap<>();
        Map<String, Double> sensitivities = new LinkedHashMap<>();
        Map<String, Object> bsdataResult;
        if (imageModel != null) checkLstmWindow();
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(modelDir)) {
            TrendSetup.checkModel(runner, TrendModels.WINDOW, base);
            for (TrendTracker t : detectors(runner, lines)) {
                detectors.put(t.name(), evaluate(err, t, calibration, inControl, drifts, target));
                sensitivities.put(t.name(), t.sensitivity());
            }
            print(detectors);
            if (imageModel == null) {
                bsdataResult = Map.of("skipped", "no --image-model given to score BSData's images");
            } else if (!java.nio.file.Files.isDirectory(bs.resolve("data"))) {
                bsdataResult = Map.of("skipped", "BSData not found at " + bs);
            } else {
                List<BsdataTrend.Image> images = BsdataSeriesRun.images(bs);
                Map<String, Float> scores = BsdataTrend.score(bs, images.stream().filter(b -> !b.series().isEmpty()).toList(),
                        imageModel, err);
                bsdataResult = new LinkedHashMap<>();
                bsdataResult.put("leaveSeriesOut", false);
                bsdataResult.put("imageModel", imageModel.toString());
                List<BsdataTrend.Series> series = BsdataTrend.series(images, scores);
                bsdataResult.putAll(BsdataTrend.evaluate(series, null, sensitivities, runner, lstmWindow));
                bsdataResult.put("tradeOff", SeriesTradeOff.sweep(series, sensitivities, runner));
                bsdataResult.put("forecast", SeriesForecasts.skills(series, sensitivities, runner, lstmWindow));
                report(bsdataResult);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("detectors", detectors);
        result.put("bsdata", bsdataResult);
        result.put("setup", Map.of("targetFalseAlarmsPer10k", 1e4 * target, "baselineParts", base, "changeAfterParts", changeAfter,
                "partsPerHistory", length, "historiesPerKind", perKind, "model", modelDir.toString()));
        if (json) System.out.println(new ObjectMapper().writeValueAsString(result));
        return 0;
    }

    private static Map<String, Object> evaluate(PrintStream err, TrendTracker t, List<TrendScenarios.Scenario> calibration,
            List<TrendScenarios.Scenario> inControl, Map<TrendScenarios.Kind, List<TrendScenarios.Scenario>> drifts, double target) {
        long t0 = System.nanoTime();
        TrendEvaluation.matchFalseAlarmRate(t, calibration, TrendModels.BASELINE, target);
        double rate = TrendEvaluation.falseAlarmRate(t, inControl, TrendModels.BASELINE);
        Map<TrendScenarios.Kind, TrendEvaluation.Delays> delays = new LinkedHashMap<>();
        for (var e : drifts.entrySet()) delays.put(e.getKey(), TrendEvaluation.delays(t, e.getValue(), TrendModels.BASELINE));
        Map<String, Object> row = TrendEvaluation.row(rate, delays);
        row.put("sensitivity", Math.round(t.sensitivity() * 1e4) / 1e4);
        err.printf(Locale.ROOT, "eval-trend: %s matched (sensitivity %.4f) in %.1f s%n", t.name(), t.sensitivity(),
                (System.nanoTime() - t0) / 1e9);
        return row;
    }

    /**
     * {@code --bsdata-series}: every detector matched on the calibration suite alone (the drift
     * suites are not needed), then {@link BsdataSeriesRun}.
     */
    private int bsdataSeries(Path modelDir, Path bs) throws Exception {
        if (history != null || imageModel != null) {
            throw new IllegalArgumentException("--bsdata-series: trains its own image models; not with --history or --image-model");
        }
        if (folds < 2) throw new IllegalArgumentException("--folds: expected at least 2, got " + folds);
        if (epochs < 1) throw new IllegalArgumentException("--epochs: expected at least 1, got " + epochs);
        checkLstmWindow();
        if (!java.nio.file.Files.isRegularFile(bs.resolve("image_data.json"))) {
            throw new IllegalArgumentException("--bsdata: " + bs + " is not BSData as published (expected image_data.json, data/, label/)");
        }
        io.sightline.natives.Natives.loadAll();
        PrintStream err = Progress.lines(System.err);
        double target = 1.0 / partsPerFalseAlarm;
        var calibration = TrendScenarios.suite(TrendScenarios.Kind.IN_CONTROL, CALIBRATION_SEED, 60, 20_000, 20_000);
        Map<String, Double> sensitivities = new LinkedHashMap<>();
        Map<String, Object> result = new LinkedHashMap<>();
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(modelDir)) {
            TrendSetup.checkModel(runner, TrendModels.WINDOW, TrendModels.BASELINE);
            for (TrendTracker t : detectors(runner, 60)) {
                long t0 = System.nanoTime();
                TrendEvaluation.matchFalseAlarmRate(t, calibration, TrendModels.BASELINE, target);
                sensitivities.put(t.name(), Math.round(t.sensitivity() * 1e4) / 1e4);
                err.printf(Locale.ROOT, "eval-trend: %s matched to %d parts per false alarm (sensitivity %.4f) in %.1f s%n", t.name(),
                        partsPerFalseAlarm, t.sensitivity(), (System.nanoTime() - t0) / 1e9);
            }
            Map<String, Object> bsResult = new BsdataSeriesRun(bs, cache, folds, epochs, seed, err).run(sensitivities, runner, lstmWindow);
            report(bsResult);
            result.put("bsdata", bsResult);
        }
        result.put("setup", Map.of("targetFalseAlarmsPer10k", 1e4 * target, "matchedOn", "synthetic in-control calibration suite, "
                + "60 lines x 20,000 parts", "model", modelDir.toString(), "epochs", epochs, "seed", seed, "cache", cache.toString()));
        if (json) System.out.println(new ObjectMapper().writeValueAsString(result));
        return 0;
    }

    /** The four detectors at their default settings on {@code lines} lines; their sensitivities still to match. */
    private static List<TrendTracker> detectors(TrendLstm.Runner runner, int lines) {
        int base = TrendModels.BASELINE;
        return List.of(new LstmTrendTracker(TrendModels.forecaster(runner), lines, TrendModels.WINDOW, base, 1.0),
                new EwmaChart(lines, base, EwmaChart.DEFAULT_LAMBDA, EwmaChart.DEFAULT_L),
                new CusumChart(lines, base, CusumChart.DEFAULT_K, CusumChart.DEFAULT_H),
                new PChart(lines, base, PChart.DEFAULT_SUBGROUP, PChart.DEFAULT_C));
    }

    /** The BSData table on standard output, and the trade-off chart where one was asked for. */
    private void report(Map<String, Object> r) throws java.io.IOException {
        printBsdata(r);
        @SuppressWarnings("unchecked") var curves = (Map<String, List<Map<String, Object>>>) r.get("tradeOff");
        TradeOffChart.print(System.out, curves);
        @SuppressWarnings("unchecked") var forecast = (Map<String, Object>) r.get("forecast");
        if (forecast != null) {
            System.out.printf("forecast skill (a reject among the next %s images; mean over series, pooled): %s; the LSTM's at least "
                    + "EWMA's on %s of %s series, above 0 on %s%n", forecast.get("horizonImages"), forecast.get("forecasters"),
                    forecast.get("lstmAtLeastEwma"), forecast.get("seriesJudged"), forecast.get("lstmAboveZero"));
        }
        if (tradeOffChart != null) {
            TradeOffChart.write(tradeOffChart, curves, Boolean.TRUE.equals(r.get("leaveSeriesOut"))
                    ? "BSData wear series, each scored by a model that never saw it" : "BSData wear series, scored by " + r.get("imageModel"));
            System.err.println("eval-trend: trade-off chart written to " + tradeOffChart);
        }
    }

    /** The per-detector table of a BSData result, then one line per series. */
    @SuppressWarnings("unchecked")
    private static void printBsdata(Map<String, Object> r) {
        PrintStream out = System.out;
        out.printf("BSData wear series: %s series, %s with pitting, leave-series-out %s%n", r.get("series"), r.get("pitting"),
                r.get("leaveSeriesOut"));
        out.printf("%-8s %9s %7s %22s %11s %13s%n", "detector", "detected", "missed", "false alarms/series", "mean delay",
                "median delay");
        for (var e : ((Map<String, Object>) r.get("detectors")).entrySet()) {
            Map<String, Object> row = (Map<String, Object>) e.getValue();
            out.printf("%-8s %9s %7s %22s %11s %13s%n", e.getKey(), row.get("detected"), row.get("missed"),
                    row.get("falseAlarmsBeforeChangePerSeries"), row.get("meanDelayImages"), row.get("medianDelayImages"));
        }
        out.println("(delays in images after the first pitted image; false alarms between the baseline's end and that image)");
        out.printf("counting the %s series with the same images once (%s distinct, %s with pitting):%n", r.get("series"),
                r.get("distinctSeries"), r.get("distinctPitting"));
        for (var e : ((Map<String, Object>) r.get("detectorsDistinctSeries")).entrySet()) {
            Map<String, Object> row = (Map<String, Object>) e.getValue();
            out.printf("%-8s %9s %7s %22s %11s %13s%n", e.getKey(), row.get("detected"), row.get("missed"),
                    row.get("falseAlarmsBeforeChangePerSeries"), row.get("meanDelayImages"), row.get("medianDelayImages"));
        }
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("perSeries")) {
            out.printf("  %s fold %s: baseline %s images, change at %s, baseline reject rate 90%% %s, sd x%s%n", s.get("name"),
                    s.getOrDefault("fold", "-"), s.get("baselineImages"), s.get("changeAt"), s.get("baselineRejectRate90"),
                    s.get("sdFactor90"));
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> detectors) {
        PrintStream out = System.out;
        out.printf("%-8s %12s", "detector", "FA/10k");
        for (TrendScenarios.Kind k : TrendScenarios.Kind.drifts()) out.printf(" %12s", k.label());
        out.printf(" %7s%n", "missed");
        for (var e : detectors.entrySet()) {
            Map<String, Object> row = (Map<String, Object>) e.getValue();
            out.printf(Locale.ROOT, "%-8s %12s", e.getKey(), row.get("falseAlarmsPer10k"));
            Map<String, Object> mean = (Map<String, Object>) row.get("delayParts");
            for (TrendScenarios.Kind k : TrendScenarios.Kind.drifts()) out.printf(" %12s", mean.get(k.label()));
            out.printf(" %7s%n", row.get("missed"));
        }
        out.println("(mean detection delay in parts after the change; FA/10k: false alarms per 10,000 in-control parts)");
    }
}
