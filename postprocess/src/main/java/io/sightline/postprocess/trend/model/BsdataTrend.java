package io.sightline.postprocess.trend.model;

import io.sightline.inference.ModelPackage;
import io.sightline.inference.TrendLstm;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.PChart;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.preprocess.ImageDataset;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The trend detectors on BSData's 27 real wear-development series: each series (69 images of one
 * ball-screw spot, ordered by capture time) is one line; an image model scores every image; the
 * change is the first image labelled with pitting.
 *
 * <pre>
 *   images --image model--> scores (&gt;= 0.5: rejected) --capture-time order per series--> Series
 *   per series and detector, a fresh one-line tracker whose baseline is the first half of the
 *   series' own images before its first pitting (all of them halved for a series that never pits)
 *   --SeriesAccounting--> false alarms before the change, delay in images; per series, what its
 *   baseline says at 90 % (reject rate, mean score, the deviation the limits scale with)
 * </pre>
 *
 * Why half: a baseline of every image before the pitting would leave no in-control image to raise a
 * false alarm on. Every detector keeps the sensitivity matched on the synthetic suite; the LSTM runs
 * on windows of {@value #LSTM_WINDOW} images (a sixth of its training histories were watched so, see
 * {@link TrendModels#trainingSet}; in windows of 1 it alarms about as fast as EWMA here, and about
 * as often before the change) and the p-chart on subgroups of {@value #PCHART_SUBGROUP}.
 */
public final class BsdataTrend {
    public static final int LSTM_WINDOW = 2;
    public static final int PCHART_SUBGROUP = 3;
    /** Fewest images a baseline may have (the charts' own minimum). */
    public static final int MIN_BASELINE = 10;
    /** Images scored at or above this are rejects (the station's default threshold). */
    public static final float REJECT_AT = 0.5f;
    public static final List<String> DETECTORS = List.of("lstm", "ewma", "cusum", "pchart");

    private BsdataTrend() {}

    /** One series, in time order: its image files, scores, rejects, and the index of the first pitted image (-1: none). */
    public record Series(String name, List<String> files, float[] scores, boolean[] rejected, int changeAt) {
        /** The first half of the images before the change (of all images when there is none), at least {@link #MIN_BASELINE}. */
        public int baseline() {
            int before = changeAt >= 0 ? changeAt : scores.length;
            return Math.max(MIN_BASELINE, before / 2);
        }
    }

    /**
     * One BSData image as its index describes it: the file under {@code data/}, whether it is
     * labelled with pitting, the series it belongs to.
     */
    public record Image(String file, boolean pitting, List<String> series) {}

    /** The defect score (1 - p(ok)) of each of {@code images} by {@code imageModel}, by file name (NaN: unreadable). */
    public static Map<String, Float> score(Path bsdata, List<Image> images, Path imageModel, PrintStream err) {
        Map<String, Float> scoreOf = new HashMap<>();
        try (ModelPackage pkg = ModelPackage.load(imageModel)) {
            List<ImageDataset.Sample> samples = new ArrayList<>();
            for (Image b : images) samples.add(new ImageDataset.Sample(bsdata.resolve("data").resolve(b.file()), "ok", 0));
            err.printf("eval-trend: scoring %d BSData images with %s%n", samples.size(), imageModel);
            ModelScoring.Scored scored = ModelScoring.score(pkg, samples, err);
            int ok = pkg.info().okIndex();
            for (int i = 0; i < scored.images().samples().size(); i++) {
                scoreOf.put(scored.images().samples().get(i).path().getFileName().toString(), 1f - scored.probs()[i][ok]);
            }
        }
        return scoreOf;
    }

    /** Every series of {@code images}, sorted by name, its images in capture-time order, scored by {@code scoreOf}. */
    public static List<Series> series(List<Image> images, Map<String, Float> scoreOf) {
        Map<String, List<Image>> bySeries = new TreeMap<>();
        for (Image b : images) for (String s : b.series()) bySeries.computeIfAbsent(s, k -> new ArrayList<>()).add(b);
        List<Series> series = new ArrayList<>();
        for (var e : bySeries.entrySet()) {
            List<Image> list = new ArrayList<>(e.getValue());
            list.sort((a, b) -> captureTime(a.file()).compareTo(captureTime(b.file())));
            float[] scores = new float[list.size()];
            boolean[] rejected = new boolean[list.size()];
            int change = -1;
            for (int i = 0; i < list.size(); i++) {
                Float s = scoreOf.get(list.get(i).file());
                scores[i] = s == null ? Float.NaN : s;
                rejected[i] = scores[i] >= REJECT_AT;
                if (change < 0 && list.get(i).pitting()) change = i;
            }
            series.add(new Series(e.getKey(), list.stream().map(Image::file).toList(), scores, rejected, change));
        }
        return series;
    }

    /**
     * Runs every detector over every series ({@link SeriesAccounting}) with the sensitivities
     * matched on the synthetic suite, and returns {@code series, pitting, detectors{name: row},
     * perSeries[...], setup}; {@code foldOf} (may be null) names each series' fold in perSeries.
     */
    public static Map<String, Object> evaluate(List<Series> series, Map<String, Integer> foldOf, Map<String, Double> sensitivities,
                                               TrendLstm.Runner lstm) {
        return evaluate(series, foldOf, sensitivities, lstm, LSTM_WINDOW);
    }

    /** As {@link #evaluate(List, Map, Map, TrendLstm.Runner)}, the LSTM on windows of {@code lstmWindow} images. */
    public static Map<String, Object> evaluate(List<Series> series, Map<String, Integer> foldOf, Map<String, Double> sensitivities,
                                               TrendLstm.Runner lstm, int lstmWindow) {
        if (lstmWindow < 1 || lstmWindow > MIN_BASELINE) {
            throw new IllegalArgumentException("LSTM window: expected 1 to " + MIN_BASELINE + " images, got " + lstmWindow);
        }
        Map<String, IntFunction<TrendTracker>> make = new LinkedHashMap<>();
        for (String d : DETECTORS) make.put(d, tracker(d, sensitivity(sensitivities, d), lstm, lstmWindow));
        Map<String, List<SeriesAccounting.Outcome>> outcomes = new LinkedHashMap<>();
        for (String d : make.keySet()) outcomes.put(d, new ArrayList<>());
        List<Integer> changes = new ArrayList<>();
        List<Map<String, Object>> perSeries = new ArrayList<>();
        List<Integer> distinct = new ArrayList<>();
        java.util.Set<List<String>> seen = new java.util.HashSet<>();
        for (Series s : series) {
            if (seen.add(s.files())) distinct.add(perSeries.size());
            int baseline = s.baseline();
            changes.add(s.changeAt());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", s.name());
            if (foldOf != null) row.put("fold", foldOf.get(s.name()) + 1);
            row.put("images", s.scores().length);
            row.put("changeAt", s.changeAt() < 0 ? null : s.changeAt());
            row.put("sameImagesAs", sameImagesAs(series, s));
            row.put("scores", rounded(s.scores()));
            Map<String, Object> byDetector = new LinkedHashMap<>();
            for (var e : make.entrySet()) {
                TrendTracker t = e.getValue().apply(baseline);
                SeriesAccounting.Outcome o = SeriesAccounting.run(t, s.scores(), s.rejected(), s.changeAt());
                outcomes.get(e.getKey()).add(o);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("falseAlarmsBeforeChange", o.falseAlarmsBeforeChange());
                d.put("delayImages", o.detected() ? o.delayImages() : null);
                byDetector.put(e.getKey(), d);
            }
            // the LSTM's interval as its baseline leaves it: its first forecast, before any alarm restarts it
            LstmTrendTracker first = (LstmTrendTracker) make.get("lstm").apply(baseline);
            for (int i = 0; i < Math.min(s.scores().length, baseline + lstmWindow); i++) first.update(0, i, i, s.scores()[i], s.rejected()[i]);
            row.putAll(SeriesAccounting.baselineConfidence(s.scores(), s.rejected(), baseline, first));
            row.put("detectors", byDetector);
            perSeries.add(row);
        }
        Map<String, Object> detectors = new LinkedHashMap<>();
        Map<String, Object> distinctDetectors = new LinkedHashMap<>();
        for (var e : outcomes.entrySet()) {
            detectors.put(e.getKey(), SeriesAccounting.summary(e.getValue(), changes));
            distinctDetectors.put(e.getKey(), SeriesAccounting.summary(distinct.stream().map(e.getValue()::get).toList(),
                    distinct.stream().map(changes::get).toList()));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("series", series.size());
        result.put("pitting", series.stream().filter(s -> s.changeAt() >= 0).count());
        result.put("detectors", detectors);
        // BSData lists some series twice, under two names, with the very same images: counted once here
        result.put("distinctSeries", distinct.size());
        result.put("distinctPitting", distinct.stream().filter(i -> changes.get(i) >= 0).count());
        result.put("detectorsDistinctSeries", distinctDetectors);
        result.put("perSeries", perSeries);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("baseline", "first half of each series' own images before its first pitting (of all its images when it never pits), "
                + "at least " + MIN_BASELINE);
        setup.put("change", "first image labelled with pitting, in capture-time order");
        setup.put("rejectAtScore", REJECT_AT);
        setup.put("lstmWindowImages", lstmWindow);
        setup.put("pchartSubgroup", PCHART_SUBGROUP);
        setup.put("sensitivities", sensitivities);
        result.put("setup", setup);
        return result;
    }

    /** The scores to 4 decimals, in capture order (null for an unreadable image): the stream another detector could replay. */
    private static List<Float> rounded(float[] scores) {
        List<Float> out = new ArrayList<>(scores.length);
        for (float v : scores) out.add(Float.isNaN(v) ? null : Math.round(v * 1e4f) / 1e4f);
        return out;
    }

    /**
     * A fresh one-line tracker of {@code detector} ({@link #DETECTORS}) at {@code sensitivity}, by
     * its baseline in images; the LSTM steps every {@code lstmWindow} images, the p-chart on
     * subgroups of {@value #PCHART_SUBGROUP}.
     */
    static IntFunction<TrendTracker> tracker(String detector, double sensitivity, TrendLstm.Runner lstm, int lstmWindow) {
        return switch (detector) {
            case "lstm" -> b -> new LstmTrendTracker(TrendModels.forecaster(lstm), 1, lstmWindow, b, sensitivity);
            case "ewma" -> b -> new EwmaChart(1, b, EwmaChart.DEFAULT_LAMBDA, sensitivity);
            case "cusum" -> b -> new CusumChart(1, b, CusumChart.DEFAULT_K, sensitivity);
            case "pchart" -> b -> new PChart(1, b, PCHART_SUBGROUP, sensitivity);
            default -> throw new IllegalArgumentException("unknown detector '" + detector + "', expected one of " + DETECTORS);
        };
    }

    /** The other series with exactly the images of {@code s} (BSData names some series twice), or null. */
    private static String sameImagesAs(List<Series> series, Series s) {
        for (Series o : series) if (o != s && o.files().equals(s.files())) return o.name();
        return null;
    }

    private static double sensitivity(Map<String, Double> sensitivities, String detector) {
        Double v = sensitivities.get(detector);
        if (v == null) throw new IllegalArgumentException("no matched sensitivity for detector '" + detector + "'");
        return v;
    }

    /** The capture time in a BSData file name: the second field, yymmddhhmmss ("" when absent). */
    public static String captureTime(String file) {
        String[] parts = file.split("_");
        return parts.length > 1 ? parts[1] : "";
    }
}
