package io.sightline.station.cli;

import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.WindowFeatures;
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
 * drift, periodic patterns, bursts) and writes its model package.
 */
@Command(name = "train-trend", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the trend LSTM on seeded synthetic line histories and write its model package.")
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

    @Override
    public Integer call() throws java.io.IOException {
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
        training.put("scenarios", "TrendScenarios, kinds in turn: " + TrendModels.KINDS + "; change 100-2500 parts after the baseline");
        if (!history.isEmpty()) training.put("history", history.stream().map(Path::toString).toList());
        training.put("seed", seed);
        training.put("bestEpoch", trained.bestEpoch());
        training.put("trainLoss", trained.trainLoss());
        training.put("validationLoss", trained.valLoss());
        training.put("trainingSeconds", Math.round(seconds * 10) / 10.0);
        training.put("libraries", TrainCommand.libraryVersions());
        d.put("training", training);
        TrendLstm.export(out, trained.weights(), d);
        err.printf(Locale.ROOT, "trend model written to %s (best epoch %d, validation loss %.4f, %.0f s)%n", out.toAbsolutePath(),
                trained.bestEpoch(), trained.valLoss(), seconds);
        return 0;
    }
}
