package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.TrendLstm;
import io.sightline.inference.Trainer;
import io.sightline.inference.dataset.DatasetTraining;
import io.sightline.postprocess.trend.model.BsdataTrend;
import io.sightline.postprocess.trend.model.SeriesForecasts;
import io.sightline.postprocess.trend.model.SeriesTradeOff;
import io.sightline.postprocess.trend.model.SeriesFolds;
import io.sightline.preprocess.ImageDataset;
import io.sightline.station.StationConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code eval-trend --bsdata-series}: BSData's wear series scored by image models that never saw them.
 *
 * <pre>
 *   BSData index --SeriesFolds (grouped by shared images, seeded)--> k folds of series
 *   per fold K: CACHE/fold-K/data/{ok,pitting} (hard links: no-series images + other folds' series)
 *       --DatasetTraining, the train recipe, supervised, --seed, --epochs--> CACHE/fold-K/model
 *       (reused when CACHE/fold-K/fold.json holds the same data hash, seed, epochs and split)
 *       --scores fold K's series' images
 *   all series --BsdataTrend.evaluate (own baselines, matched sensitivities)--> the table
 *              --SeriesTradeOff (the sensitivities scaled)--> false alarms against delay
 *              --SeriesForecasts--> each forecast's Brier skill, as --history scores a stream
 * </pre>
 */
final class BsdataSeriesRun {
    /** Names what a cached fold model depends on besides its data: bump when the split or this layout changes. */
    static final String CACHE_FORMAT = "bsdata-folds/1";

    private final Path bsdata;
    private final Path cache;
    private final int folds;
    private final int epochs;
    private final long seed;
    private final PrintStream err;

    BsdataSeriesRun(Path bsdata, Path cache, int folds, int epochs, long seed, PrintStream err) {
        this.bsdata = bsdata;
        this.cache = cache;
        this.folds = folds;
        this.epochs = epochs;
        this.seed = seed;
        this.err = err;
    }

    /** BSData's index as {@link BsdataTrend} reads it. */
    static List<BsdataTrend.Image> images(Path bsdata) throws IOException {
        return DatasetCommand.readBsdata(bsdata).stream().map(b -> new BsdataTrend.Image(b.file(), b.pitting(), b.series())).toList();
    }

    /** Trains (or reuses) every fold's model, scores each series with its fold's, and runs the detectors. */
    Map<String, Object> run(Map<String, Double> sensitivities, TrendLstm.Runner lstm, int lstmWindow) throws Exception {
        List<BsdataTrend.Image> images = images(bsdata);
        SeriesFolds split = SeriesFolds.split(images, folds, seed);
        err.printf("eval-trend: %d series in %d groups that share no image, %d folds (seed %d)%n",
                split.groups().stream().mapToInt(List::size).sum(), split.groups().size(), folds, seed);
        Map<String, Float> scoreOf = new HashMap<>();
        List<Map<String, Object>> foldRows = new ArrayList<>();
        Map<String, Integer> foldOf = new LinkedHashMap<>();
        for (int k = 0; k < folds; k++) {
            List<String> scored = split.seriesOf(k);
            for (String s : scored) foldOf.put(s, k);
            List<BsdataTrend.Image> train = split.trainingImages(images, k);
            List<BsdataTrend.Image> toScore = images.stream().filter(b -> !java.util.Collections.disjoint(b.series(), scored)).toList();
            err.printf("eval-trend: fold %d/%d: %d series to score (%d images), training on %d images%n", k + 1, folds, scored.size(),
                    toScore.size(), train.size());
            Map<String, Object> row = new LinkedHashMap<>();
            Path model = foldModel(k, train, row);
            Map<String, Float> foldScores = BsdataTrend.score(bsdata, toScore, model, err);
            scoreOf.putAll(foldScores);
            row.put("heldOutAuroc", heldOutAuroc(toScore, foldScores));
            row.put("fold", k + 1);
            row.put("series", scored);
            row.put("scoredImages", toScore.size());
            foldRows.add(row);
        }
        List<BsdataTrend.Series> series = BsdataTrend.series(images, scoreOf);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("leaveSeriesOut", true);
        result.put("folds", folds);
        result.putAll(BsdataTrend.evaluate(series, foldOf, sensitivities, lstm, lstmWindow));
        result.put("tradeOff", SeriesTradeOff.sweep(series, sensitivities, lstm));
        result.put("forecast", SeriesForecasts.skills(series, sensitivities, lstm, lstmWindow));
        result.put("groupsSharingNoImage", split.groups().size());
        result.put("foldModels", foldRows);
        return result;
    }

    /** AUROC of pitting against the rest over {@code images} (the fold's unseen series), by their scores. */
    static Double heldOutAuroc(List<BsdataTrend.Image> images, Map<String, Float> scores) {
        List<BsdataTrend.Image> scored = images.stream().filter(b -> scores.containsKey(b.file()) && Float.isFinite(scores.get(b.file())))
                .toList();
        float[] s = new float[scored.size()];
        boolean[] positive = new boolean[scored.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(scored.get(i).file());
            positive[i] = scored.get(i).pitting();
        }
        long pitted = scored.stream().filter(BsdataTrend.Image::pitting).count();
        if (pitted == 0 || pitted == scored.size()) return null;
        return Math.round(io.sightline.inference.Metrics.auroc(s, positive) * 1e4) / 1e4;
    }

    /** Fold {@code k}'s model package, trained now or reused from the cache; fills {@code row} with how it came about. */
    private Path foldModel(int k, List<BsdataTrend.Image> train, Map<String, Object> row) throws Exception {
        Path dir = cache.resolve("fold-" + (k + 1));
        Path data = dir.resolve("data");
        Path model = dir.resolve("model");
        Path stamp = dir.resolve("fold.json");
        List<ImageDataset.Sample> samples = new ArrayList<>();
        for (BsdataTrend.Image b : train.stream().sorted(Comparator.comparing(BsdataTrend.Image::file)).toList()) {
            String cls = b.pitting() ? "pitting" : ModelInfo.OK_CLASS;
            samples.add(new ImageDataset.Sample(bsdata.resolve("data").resolve(b.file()), cls, b.pitting() ? 1 : 0));
        }
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("format", CACHE_FORMAT);
        key.put("dataHash", ImageDataset.contentHash(samples));
        key.put("seed", seed);
        key.put("epochs", epochs);
        key.put("folds", folds);
        key.put("fold", k + 1);
        ObjectMapper json = new ObjectMapper();
        row.put("model", model.toString());
        row.put("trainingImages", samples.size());
        if (Files.isRegularFile(stamp) && Files.isRegularFile(model.resolve(ModelInfo.FILE_NAME))
                && json.readValue(stamp.toFile(), Map.class).equals(json.readValue(json.writeValueAsString(key), Map.class))) {
            err.printf("eval-trend: fold %d/%d: reusing %s (same data hash, seed, epochs)%n", k + 1, folds, model);
            row.put("reused", true);
            describe(model, row);
            return model;
        }
        deleteTree(dir);
        for (ImageDataset.Sample s : samples) {
            DatasetCommand.linkOrCopy(s.path(), data.resolve(s.className()).resolve(s.path().getFileName()));
        }
        Trainer.TrainOptions d = Trainer.TrainOptions.defaults();
        Trainer.TrainOptions options = new Trainer.TrainOptions(epochs, d.batchSize(), d.learningRate(), seed, d.valFraction(), d.patience());
        DatasetTraining.Request request = new DatasetTraining.Request(data, model, Trainer.Mode.SUPERVISED.id(),
                "bsdata-fold-" + (k + 1) + "-of-" + folds, "1", null, "auto", "full", epochs, seed, d.valFraction(), options,
                StationConfig.DEFAULT_THRESHOLD);
        long t0 = System.nanoTime();
        new DatasetTraining(request, () -> new TrainCommand.ProgressBar(err), test -> { }).run();
        Files.writeString(stamp, json.writeValueAsString(key));
        err.printf(Locale.ROOT, "eval-trend: fold %d/%d trained in %.0f s%n", k + 1, folds, (System.nanoTime() - t0) / 1e9);
        row.put("reused", false);
        describe(model, row);
        return model;
    }

    /** The training figures the package's model.json records: validation AUROC, best epoch, epochs run, training seconds. */
    private static void describe(Path model, Map<String, Object> row) throws IOException {
        var info = new ObjectMapper().readTree(model.resolve(ModelInfo.FILE_NAME).toFile());
        row.put("validationAuroc", numberOrNull(info.path("evaluation").path("validationAuroc")));
        row.put("bestEpoch", numberOrNull(info.path("evaluation").path("bestEpoch")));
        row.put("epochsRun", numberOrNull(info.path("training").path("epochsRun")));
        row.put("trainingSeconds", numberOrNull(info.path("training").path("trainingSeconds")));
    }

    private static Number numberOrNull(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isNumber() ? n.numberValue() : null;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
