package io.sightline.postprocess.trend.model;

import io.sightline.inference.ModelPackage;
import io.sightline.inference.TrendLstm;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.PChart;
import io.sightline.postprocess.trend.TrendEvaluation;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.preprocess.ImageDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trend detectors on BSData's 27 real wear-development series: each series (69 images of one
 * ball-screw spot, ordered by capture time) is one line; an image model scores every image; the
 * change is the first image labelled with pitting. A series is short, so every detector runs with
 * a baseline of {@value #BASELINE} images (the LSTM with windows of {@value #LSTM_WINDOW} images,
 * against the 25 it was trained on: a transfer, reported as such); each keeps the sensitivity
 * matched on the synthetic suite.
 */
public final class BsdataTrend {
    public static final int BASELINE = 10;
    public static final int LSTM_WINDOW = 2;
    public static final int PCHART_SUBGROUP = 3;

    private BsdataTrend() {}

    /** One series, in time order: scores, rejects, and the index of the first pitted image (-1: none). */
    record Series(String name, float[] scores, boolean[] rejected, int changeAt) {}

    /**
     * One BSData image as its index describes it: the file under {@code data/}, whether it is
     * labelled with pitting, the series it belongs to.
     */
    public record Image(String file, boolean pitting, List<String> series) {}

    /**
     * Scores the series' images of {@code images} (BSData's index, read from {@code bsdata}) with
     * {@code imageModel} and runs every detector over each series.
     */
    public static Map<String, Object> evaluate(Path bsdata, List<Image> images, Path imageModel, Map<String, Double> sensitivities,
                                               TrendLstm.Runner lstm, PrintStream err) throws IOException {
        Map<String, List<Image>> bySeries = new TreeMap<>();
        for (Image b : images) for (String s : b.series()) bySeries.computeIfAbsent(s, k -> new ArrayList<>()).add(b);
        Map<String, float[]> scoreOf = new HashMap<>();
        try (ModelPackage pkg = ModelPackage.load(imageModel)) {
            List<ImageDataset.Sample> samples = new ArrayList<>();
            for (Image b : images) {
                if (!b.series().isEmpty()) samples.add(new ImageDataset.Sample(bsdata.resolve("data").resolve(b.file()), "ok", 0));
            }
            err.printf("eval-trend: scoring %d BSData images in %d series with %s%n", samples.size(), bySeries.size(), imageModel);
            ModelScoring.Scored scored = ModelScoring.score(pkg, samples, err);
            int ok = pkg.info().okIndex();
            for (int i = 0; i < scored.images().samples().size(); i++) {
                scoreOf.put(scored.images().samples().get(i).path().getFileName().toString(), new float[] {1f - scored.probs()[i][ok]});
            }
        }
        List<Series> series = new ArrayList<>();
        for (var e : bySeries.entrySet()) {
            List<Image> list = new ArrayList<>(e.getValue());
            list.sort((a, b) -> captureTime(a.file()).compareTo(captureTime(b.file())));
            float[] scores = new float[list.size()];
            boolean[] rejected = new boolean[list.size()];
            int change = -1;
            for (int i = 0; i < list.size(); i++) {
                float[] s = scoreOf.get(list.get(i).file());
                scores[i] = s == null ? Float.NaN : s[0];
                rejected[i] = scores[i] >= 0.5f;
                if (change < 0 && list.get(i).pitting()) change = i;
            }
            series.add(new Series(e.getKey(), scores, rejected, change));
        }
        int lines = series.size();
        Map<String, TrendTracker> trackers = new LinkedHashMap<>();
        trackers.put("lstm", new LstmTrendTracker(TrendModels.forecaster(lstm), lines, LSTM_WINDOW, BASELINE, sensitivities.get("lstm")));
        trackers.put("ewma", new EwmaChart(lines, BASELINE, EwmaChart.DEFAULT_LAMBDA, sensitivities.get("ewma")));
        trackers.put("cusum", new CusumChart(lines, BASELINE, CusumChart.DEFAULT_K, sensitivities.get("cusum")));
        trackers.put("pchart", new PChart(lines, BASELINE, PCHART_SUBGROUP, sensitivities.get("pchart")));
        Map<String, Object> result = new LinkedHashMap<>();
        for (var e : trackers.entrySet()) result.put(e.getKey(), run(e.getValue(), series));
        result.put("setup", Map.of("series", lines, "imagesPerSeries", series.get(0).scores().length, "baselineImages", BASELINE,
                "lstmWindowImages", LSTM_WINDOW, "pchartSubgroup", PCHART_SUBGROUP, "imageModel", imageModel.toString(),
                "change", "first image labelled with pitting, in capture-time order",
                "seriesWithPitting", series.stream().filter(s -> s.changeAt() >= 0).count()));
        return result;
    }

    /** The capture time in a BSData file name: the second field, yymmddhhmmss ("" when absent). */
    public static String captureTime(String file) {
        String[] parts = file.split("_");
        return parts.length > 1 ? parts[1] : "";
    }

    private static Map<String, Object> run(TrendTracker t, List<Series> series) {
        int n = series.size();
        long[] first = new long[n];
        int[] falseBefore = new int[n];
        Arrays.fill(first, -1);
        t.reset();
        t.setListener(a -> {
            if (!a.raised()) return;
            t.restartLine(a.line());
            Series s = series.get(a.line());
            if (s.changeAt() < 0 || a.partIndex() < s.changeAt()) falseBefore[a.line()]++;
            else if (first[a.line()] < 0) first[a.line()] = a.partIndex() - s.changeAt();
        });
        int longest = series.stream().mapToInt(s -> s.scores().length).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (int line = 0; line < n; line++) {
                Series s = series.get(line);
                if (i < s.scores().length) t.update(line, i, i, s.scores()[i], s.rejected()[i]);
            }
        }
        t.setListener(TrendTracker.Listener.NONE);
        List<Integer> delays = new ArrayList<>();
        int missed = 0;
        int withChange = 0;
        int falseAlarms = 0;
        for (int line = 0; line < n; line++) {
            falseAlarms += falseBefore[line];
            if (series.get(line).changeAt() < 0) continue;
            withChange++;
            if (first[line] < 0) missed++;
            else delays.add((int) first[line]);
        }
        TrendEvaluation.Delays d = new TrendEvaluation.Delays(delays.stream().mapToInt(Integer::intValue).toArray(), missed, 0);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("meanDelayImages", Double.isFinite(d.mean()) ? Math.round(d.mean() * 10) / 10.0 : null);
        row.put("medianDelayImages", Double.isFinite(d.median()) ? d.median() : null);
        row.put("detected", delays.size());
        row.put("missed", missed);
        row.put("seriesWithChange", withChange);
        row.put("falseAlarmsBeforeChange", falseAlarms);
        return row;
    }
}
