package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.ControlChart;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.PChart;
import io.sightline.postprocess.trend.TrendEvaluation;
import io.sightline.postprocess.trend.TrendScenarios;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.postprocess.trend.model.BsdataTrend;
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
        if (classes) return ClassTrendEvaluation.run(json);
        if (history != null) return HistoryReplay.run(history, changes, horizon, baseline, modelDir, json);
        if (changes != null) throw new IllegalArgumentException("--changes: needs --history (the recorded streams it names)");
        if (partsPerFalseAlarm < 100) throw new IllegalArgumentException("--false-alarms-per: expected at least 100, got " + partsPerFalseAlarm);
        if (perKind < 10) throw new IllegalArgumentException("--scenarios: expected at least 10, got " + perKind);
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
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(modelDir)) {
            TrendSetup.checkModel(runner, TrendModels.WINDOW, base);
            LstmTrendTracker lstm = new LstmTrendTracker(TrendModels.forecaster(runner), lines, TrendModels.WINDOW, base, 1.0);
            detectors.put("lstm", evaluate(err, lstm, calibration, inControl, drifts, target));
            sensitivities.put("lstm", lstm.sensitivity());
            ControlChart[] charts = {new EwmaChart(lines, base, EwmaChart.DEFAULT_LAMBDA, EwmaChart.DEFAULT_L),
                new CusumChart(lines, base, CusumChart.DEFAULT_K, CusumChart.DEFAULT_H),
                new PChart(lines, base, PChart.DEFAULT_SUBGROUP, PChart.DEFAULT_C)};
            for (ControlChart c : charts) {
                detectors.put(c.name(), evaluate(err, c, calibration, inControl, drifts, target));
                sensitivities.put(c.name(), c.sensitivity());
            }
            print(detectors);
            Path bs = bsdata != null ? bsdata : ProjectPaths.home().resolve("../shared/data/bsdata").normalize();
            if (imageModel == null) {
                bsdataResult = Map.of("skipped", "no --image-model given to score BSData's images");
            } else if (!java.nio.file.Files.isDirectory(bs.resolve("data"))) {
                bsdataResult = Map.of("skipped", "BSData not found at " + bs);
            } else {
                List<BsdataTrend.Image> images = DatasetCommand.readBsdata(bs).stream()
                        .map(b -> new BsdataTrend.Image(b.file(), b.pitting(), b.series())).toList();
                bsdataResult = BsdataTrend.evaluate(bs, images, imageModel, sensitivities, runner, err);
                printBsdata(bsdataResult);
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

    @SuppressWarnings("unchecked")
    private static void printBsdata(Map<String, Object> r) {
        PrintStream out = System.out;
        out.println("BSData wear series " + r.get("setup"));
        for (var e : r.entrySet()) {
            if (e.getKey().equals("setup")) continue;
            out.printf("  %-8s %s%n", e.getKey(), e.getValue());
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
