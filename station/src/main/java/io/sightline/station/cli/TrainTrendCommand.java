package io.sightline.station.cli;

import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.ForecastInterval;
import io.sightline.postprocess.trend.PartStreams;
import io.sightline.postprocess.trend.StreamReplay;
import io.sightline.postprocess.trend.WindowFeatures;
import io.sightline.postprocess.trend.model.FineTune;
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
 * {@code sightline train-trend --out MODEL}: trains the per-line trend LSTM on a seeded suite of
 * synthetic line histories (in control at several base rates, steps, linear and exponential
 * drift, periodic patterns, bursts) and writes its model package; with {@code --journal}, fine-tunes
 * a trained package on one line's recorded history instead ({@link FineTune}). Either way the
 * package states its calibrated forecast interval.
 */
@Command(name = "train-trend", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the trend LSTM on seeded synthetic line histories (or fine-tune it on one line's journal) and write its model package.")
public final class TrainTrendCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "MODEL", required = true, description = "model package folder to write")
    Path out;

    @Option(names = "--seed", description = "seed of the scenarios, the split and the initial weights (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--sequences", paramLabel = "N", description = "training histories of 4,500 parts each (default: ${DEFAULT-VALUE})")
    int sequences = 600;

    @Option(names = "--epochs", paramLabel = "E", description = "epochs; the best on held-out histories is kept (default: ${DEFAULT-VALUE})")
    int epochs = 60;

    @Option(names = "--hidden", paramLabel = "H", description = "LSTM units (default: ${DEFAULT-VALUE})")
    int hidden = 16;

    @Option(names = "--history", paramLabel = "CSV",
            description = "also train on recorded history: timestamp,line,score,outcome per part (repeatable)")
    List<Path> history = new java.util.ArrayList<>();

    @Option(names = "--journal", paramLabel = "FILE",
            description = "fine-tune on one line's recorded history: the decision journal (SQLite) or its CSV (timestamp,line,score,outcome, "
                    + "the score may be empty); the last fifth is held out and the forecast skill printed before and after")
    Path journal;

    @Option(names = "--line", paramLabel = "NAME", description = "with --journal: the line (needed when the history holds several)")
    String line;

    @Option(names = "--from", paramLabel = "MODEL", description = "with --journal: the package to fine-tune (default: models/trend)")
    Path from;

    @Option(names = "--horizon", paramLabel = "N",
            description = "with --journal: the skill is of the forecast that a part in the next N is rejected (default: ${DEFAULT-VALUE})")
    int horizon = 50;

    @Option(names = "--json", description = "with --journal: print the figures as one JSON object on the last line of standard output")
    boolean json;

    @Override
    public Integer call() throws java.io.IOException {
        if (journal != null) return fineTune();
        if (line != null || from != null || json) throw new IllegalArgumentException("--line, --from and --json: need --journal");
        if (sequences < 12 || sequences > 100_000) throw new IllegalArgumentException("--sequences: expected 12 to 100000, got " + sequences);
        if (hidden < 1 || hidden > 256) throw new IllegalArgumentException("--hidden: expected 1 to 256, got " + hidden);
        if (epochs < 1) throw new IllegalArgumentException("--epochs: expected at least 1, got " + epochs);
        Natives.tensorflow();
        PrintStream err = System.err;
        long t0 = System.nanoTime();
        TrendModels.Sequences set = TrendModels.trainingSet(seed, sequences);
        for (Path csv : history) {
            TrendModels.Sequences recorded = TrendModels.historySet(csv, err);
            err.printf(Locale.ROOT, "train-trend: %s gives %d sequences%n", csv, recorded.x().length);
            set = TrendModels.concat(set, recorded);
        }
        err.printf(Locale.ROOT, "train-trend: %d histories x %d windows of %d parts, %d features%n", set.x().length,
                TrendModels.STEPS, TrendModels.WINDOW, WindowFeatures.FEATURES);
        TrendLstm.TrainOptions defaults = TrendLstm.TrainOptions.defaults(seed);
        TrendLstm.TrainOptions options = new TrendLstm.TrainOptions(epochs, defaults.batchSize(), defaults.learningRate(), seed,
                defaults.valFraction());
        Progress progress = new Progress(err);
        TrendLstm.Trained trained = TrendLstm.train(set.x(), set.y(), hidden, options,
                (epoch, total, train, val, best) -> progress.step(String.format(Locale.ROOT,
                        "epoch %d/%d: train loss %.4f, validation %.4f%s", epoch, total, train, val, best ? " (best)" : "")));
        progress.end();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("window", TrendModels.WINDOW);
        d.put("baselineParts", TrendModels.BASELINE);
        d.put("featureNames", List.of(WindowFeatures.NAMES));
        d.put("forecast", "ln(mean defect rate over the next " + TrendModels.HORIZON_WINDOWS + " windows / the line's in-control rate)");
        Map<String, Object> training = new LinkedHashMap<>();
        StringBuilder command = new StringBuilder("./sightline train-trend --out " + out + " --seed " + seed + " --sequences "
                + sequences + " --epochs " + epochs + " --hidden " + hidden);
        for (Path csv : history) command.append(" --history ").append(csv);
        training.put("command", command.toString());
        training.put("scenarios", "TrendScenarios, kinds in turn: " + TrendModels.KINDS + "; half watched in windows of "
                + TrendModels.WINDOW + " parts, half in windows of " + java.util.Arrays.toString(TrendModels.SMALL_WINDOWS)
                + " with drifts and baseline shortened in proportion; change 4-100 windows after the baseline");
        if (!history.isEmpty()) training.put("history", history.stream().map(Path::toString).toList());
        training.put("seed", seed);
        training.put("bestEpoch", trained.bestEpoch());
        training.put("trainLoss", trained.trainLoss());
        training.put("validationLoss", trained.valLoss());
        training.put("trainingSeconds", Math.round(seconds * 10) / 10.0);
        training.put("libraries", TrainCommand.libraryVersions());
        d.put("training", training);
        exportCalibrated(out, trained.weights(), d, trained.valLoss());
        err.printf(Locale.ROOT, "trend model written to %s (best epoch %d, validation loss %.4f, %.0f s)%n", out.toAbsolutePath(),
                trained.bestEpoch(), trained.valLoss(), seconds);
        return 0;
    }

    /** Writes the package, then states its forecast interval, calibrated on seeded in-control lines, in its model.json. */
    static void exportCalibrated(Path dir, TrendLstm.Weights weights, Map<String, Object> description, double validationLoss)
            throws java.io.IOException {
        TrendLstm.export(dir, weights, description);
        ForecastInterval interval;
        try (TrendLstm.Runner runner = TrendLstm.Runner.load(dir)) {
            interval = TrendModels.calibrateInterval(TrendModels.uncalibrated(runner), Math.sqrt(validationLoss));
        }
        Path json = dir.resolve(TrendLstm.FILE_NAME);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        @SuppressWarnings("unchecked")
        Map<String, Object> d = mapper.readValue(json.toFile(), LinkedHashMap.class);
        d.put("interval", interval.describe());
        mapper.writeValue(json.toFile(), d);
        System.err.printf(Locale.ROOT, "train-trend: forecast interval %s%n", interval);
    }

    private Integer fineTune() throws java.io.IOException {
        if (epochs < 1) throw new IllegalArgumentException("--epochs: expected at least 1, got " + epochs);
        if (!history.isEmpty()) throw new IllegalArgumentException("--history: not with --journal (fine-tuning uses one line's journal)");
        PrintStream err = System.err;
        long t0 = System.nanoTime();
        PartStreams.Stream stream = JournalHistory.stream(journal, line);
        Path base = from != null ? from : ProjectPaths.home().resolve("models/trend");
        Natives.tensorflow();
        StreamReplay.Skills before;
        TrendLstm.Trained trained;
        int sequences;
        try (TrendLstm.Runner shipped = TrendLstm.Runner.load(base)) {
            TrendSetup.checkModel(shipped, TrendModels.WINDOW, TrendModels.BASELINE);
            TrendModels.Sequences set = FineTune.sequences(stream, err);
            sequences = set.x().length;
            before = FineTune.heldOutSkill(stream, TrendModels.forecaster(shipped), horizon, HistoryReplay.SENSITIVITIES);
            err.printf(Locale.ROOT, "train-trend: %s line %s: %d parts, %d sequences from the first %d, the last %d held out%n",
                    journal, stream.line(), stream.parts(), sequences, FineTune.heldOutFrom(stream), stream.parts() - FineTune.heldOutFrom(stream));
            Progress progress = new Progress(err);
            trained = FineTune.train(set, shipped.weights(), epochs, seed, (epoch, total, train, val, best) -> progress.step(
                    String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f, validation %.4f%s", epoch, total, train, val, best ? " (best)" : "")));
            progress.end();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("window", TrendModels.WINDOW);
        d.put("baselineParts", TrendModels.BASELINE);
        d.put("featureNames", List.of(WindowFeatures.NAMES));
        d.put("forecast", "ln(mean defect rate over the next " + TrendModels.HORIZON_WINDOWS + " windows / the line's in-control rate)");
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("command", "./sightline train-trend --journal " + journal + (line != null ? " --line " + line : "") + " --from " + base
                + " --out " + out + " --seed " + seed + " --epochs " + epochs);
        training.put("fineTunedFrom", base.toString());
        training.put("journal", journal.toString());
        training.put("line", stream.line());
        training.put("seed", seed);
        training.put("sequences", sequences);
        training.put("bestEpoch", trained.bestEpoch());
        training.put("trainLoss", trained.trainLoss());
        training.put("validationLoss", trained.valLoss());
        d.put("training", training);
        exportCalibrated(out, trained.weights(), d, trained.valLoss());
        StreamReplay.Skills after;
        try (TrendLstm.Runner tuned = TrendLstm.Runner.load(out)) {
            after = FineTune.heldOutSkill(stream, TrendModels.forecaster(tuned), horizon, HistoryReplay.SENSITIVITIES);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "line %s: Brier skill of the forecast of a reject in the next %d parts, on the held-out last fifth "
                + "(%d parts scored):%n  shipped LSTM %s, fine-tuned %s (EWMA forecast %s); best epoch %d; written to %s in %.0f s%n",
                stream.line(), horizon, after.scoredParts(), fmt(before.lstm()), fmt(after.lstm()), fmt(after.ewma()), trained.bestEpoch(),
                out, seconds);
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("line", stream.line());
            r.put("parts", stream.parts());
            r.put("heldOutFrom", FineTune.heldOutFrom(stream));
            r.put("scoredParts", after.scoredParts());
            r.put("horizon", horizon);
            r.put("brierSkillBefore", before.lstm());
            r.put("brierSkillAfter", after.lstm());
            r.put("brierSkillEwma", after.ewma());
            r.put("bestEpoch", trained.bestEpoch());
            r.put("model", out.toString());
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r));
        }
        return 0;
    }

    private static String fmt(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
