package io.sightline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Everything one {@code bench pipeline} run found, and its three renderings: the summary figures
 * (the {@code --json} line), a markdown report and two PNG plots (latency against offered rate
 * for each contender; the rates side by side).
 *
 * @param machine a line describing where it ran (CPU, cores, memory, JVM, OS)
 * @param command the command line that produced it
 * @param setup what was offered: lines, frame size, ROI, model, budget, deadline, step length
 * @param sightline the station's rate search
 * @param naive the naive rival's rate search (the median of its runs), or null when it was skipped
 * @param costs the ideal rival's per-stage costs
 * @param matmulFlops the machine's measured matmul FLOP/s
 * @param cnnFlopsPerFrame the CNN's FLOPs per frame
 * @param strong the strong rival's rate search (blocking queue, one batching thread), or null when skipped
 * @param naiveRuns the naive rival's max sustainable rate in each of its runs (empty when skipped)
 * @param precision the inference arithmetic of every contender: fp32 or bf16
 */
public record PipelineReport(String date, String machine, String command, Map<String, String> setup, int cores,
                             double latencyBudgetMs, RateSearch.Result sightline, RateSearch.Result naive,
                             List<StageCosts.Cost> costs, double matmulFlops, long cnnFlopsPerFrame,
                             RateSearch.Result strong, List<Double> naiveRuns, String precision) {

    public PipelineReport {
        naiveRuns = List.copyOf(naiveRuns);
    }

    public double sustainedFps() {
        return sightline.maxSustainableFps();
    }

    public double idealFps() {
        return StageCosts.idealFps(costs, cores);
    }

    public double floorFps() {
        return cnnFlopsPerFrame <= 0 ? 0 : matmulFlops / cnnFlopsPerFrame;
    }

    public double naiveFps() {
        return naive == null ? Double.NaN : naive.maxSustainableFps();
    }

    public double strongFps() {
        return strong == null ? Double.NaN : strong.maxSustainableFps();
    }

    /** The median of {@code runs}' max sustainable rates (the lower middle one of an even count). */
    public static RateSearch.Result median(List<RateSearch.Result> runs) {
        if (runs.isEmpty()) return null;
        List<RateSearch.Result> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(a.maxSustainableFps(), b.maxSustainableFps()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The figures of the {@code --json} line, in a stable order. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sustainedFps", round(sustainedFps()));
        m.put("idealFps", round(idealFps()));
        m.put("efficiency", round3(idealFps() > 0 ? sustainedFps() / idealFps() : 0));
        m.put("naiveFps", naive == null ? null : round(naiveFps()));
        m.put("speedupVsNaive", naive == null ? null : round3(naiveFps() > 0 ? sustainedFps() / naiveFps() : 0));
        m.put("floorFps", round(floorFps()));
        m.put("sustainedOverFloor", round3(floorFps() > 0 ? sustainedFps() / floorFps() : 0));
        m.put("p99Ms", sightline.atMax() == null ? null : round(sightline.atMax().p99Ms()));
        m.put("latencyBudgetMs", latencyBudgetMs);
        m.put("cores", cores);
        Map<String, Object> stageMicros = new LinkedHashMap<>();
        for (StageCosts.Cost c : costs) stageMicros.put(c.stage(), round(c.cpuMicrosPerFrame()));
        m.put("stageCpuMicrosPerFrame", stageMicros);
        m.put("matmulGflops", round(matmulFlops / 1e9));
        m.put("naiveRuns", naiveRuns.stream().map(PipelineReport::round).toList());
        m.put("strongFps", strong == null ? null : round(strongFps()));
        m.put("speedupVsStrong", strong == null ? null : round3(strongFps() > 0 ? sustainedFps() / strongFps() : 0));
        m.put("precision", precision);
        return m;
    }

    /** Writes {@code report.md}, {@code latency.png} and {@code throughput.png} into {@code dir}. */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path latency = dir.resolve("latency.png");
        Path rates = dir.resolve("throughput.png");
        Path md = dir.resolve("report.md");
        BitmapEncoder.saveBitmap(latencyChart(), latency.toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(rateChart(), rates.toString(), BitmapEncoder.BitmapFormat.PNG);
        Files.writeString(md, markdown(), StandardCharsets.UTF_8);
        return List.of(md, latency, rates);
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Sightline end-to-end benchmark\n\n");
        b.append("Run ").append(date).append(" on ").append(machine).append(".\n\n");
        b.append("```\n").append(command).append("\n```\n\n");
        b.append("| setting | value |\n|---|---|\n");
        setup.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        b.append("\nOpen-loop load: frames arrive on a fixed schedule whatever the pipeline does, and latency runs from each"
                + " frame's scheduled arrival to its outcome, so queueing is never hidden. A rate is sustainable when every"
                + " frame got an outcome, none was a fail-safe reject, and p99 latency was within ")
                .append(fmt(latencyBudgetMs)).append(" ms.\n\n");

        b.append("## Summary\n\n| contender | frames/s | relation |\n|---|---|---|\n");
        StepResult best = sightline.atMax();
        b.append("| **Sightline**, max sustainable | **").append(fmt(sustainedFps())).append("** | p99 ")
                .append(best == null ? "-" : fmt(best.p99Ms()) + " ms").append(" |\n");
        b.append("| ideal (cores / sum of stage costs) | ").append(fmt(idealFps())).append(" | efficiency ")
                .append(fmt3(idealFps() > 0 ? sustainedFps() / idealFps() : 0)).append(" |\n");
        if (naive != null) {
            StepResult nb = naive.atMax();
            b.append("| naive (thread pool, per-frame OpenCV and session.run), max sustainable | ").append(fmt(naiveFps()))
                    .append(" | Sightline is ").append(fmt3(naiveFps() > 0 ? sustainedFps() / naiveFps() : 0))
                    .append("x; naive p99 ").append(nb == null ? "-" : fmt(nb.p99Ms()) + " ms")
                    .append(naiveRuns.size() > 1 ? "; median of " + naiveRuns.size() + " runs: " + naiveRuns.stream().map(PipelineReport::fmt).toList() : "")
                    .append(" |\n");
        }
        if (strong != null) {
            StepResult sb = strong.atMax();
            b.append("| strong (blocking queue, one batching thread, same preprocessing and batched model), max sustainable | ")
                    .append(fmt(strongFps())).append(" | Sightline is ").append(fmt3(strongFps() > 0 ? sustainedFps() / strongFps() : 0))
                    .append("x; strong p99 ").append(sb == null ? "-" : fmt(sb.p99Ms()) + " ms").append(" |\n");
        }
        b.append("| compute floor (matmul FLOP/s / CNN FLOPs) | ").append(fmt(floorFps())).append(" | Sightline reaches ")
                .append(fmt3(floorFps() > 0 ? sustainedFps() / floorFps() : 0)).append(" of it |\n\n");
        b.append("![latency against offered rate](latency.png)\n\n![rates](throughput.png)\n\n");

        b.append("## Ideal: each stage alone\n\nCPU time of the whole process per frame, each stage run alone on the same"
                + " frames and model.\n\n| stage | CPU µs per frame | frames |\n|---|---|---|\n");
        double sum = 0;
        for (StageCosts.Cost c : costs) {
            b.append("| ").append(c.stage()).append(" | ").append(fmt(c.cpuMicrosPerFrame())).append(" | ")
                    .append(c.frames()).append(" |\n");
            sum += c.cpuMicrosPerFrame();
        }
        b.append("| **sum** | **").append(fmt(sum)).append("** | ").append(cores).append(" cores: ")
                .append(fmt(idealFps())).append(" frames/s |\n\n");

        b.append("## Compute floor\n\nA ").append("large float32 matmul through TensorFlow on every core: ")
                .append(fmt(matmulFlops / 1e9)).append(" GFLOP/s. The CNN needs ")
                .append(fmt(cnnFlopsPerFrame / 1e6)).append(" MFLOPs per frame, so no implementation on this CPU passes ")
                .append(fmt(floorFps())).append(" frames/s.\n\n");

        appendSteps(b, "Sightline", sightline);
        if (naive != null) appendSteps(b, "Naive", naive);
        if (strong != null) appendSteps(b, "Strong", strong);
        if (best != null) {
            b.append("## Sightline's inference batches at ").append(fmt(best.offeredFps())).append(" frames/s\n\n")
                    .append("| batch size | batches |\n|---|---|\n");
            long[] h = best.batchHistogram();
            for (int i = 1; i < h.length; i++) if (h[i] > 0) b.append("| ").append(i).append(" | ").append(h[i]).append(" |\n");
            b.append('\n');
        }
        return b.toString();
    }

    private void appendSteps(StringBuilder b, String name, RateSearch.Result r) {
        b.append("## ").append(name).append(": the steps of the rate search\n\n")
                .append("| offered/s | decided/s | p50 ms | p99 ms | p99.9 ms | max ms | fail-safe | mean batch | CPU | late arrivals | sustainable |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (StepResult s : r.steps()) {
            b.append("| ").append(fmt(s.offeredFps())).append(" | ").append(fmt(s.throughputFps())).append(" | ")
                    .append(fmt(s.p50Ms())).append(" | ").append(fmt(s.p99Ms())).append(" | ").append(fmt(s.p999Ms()))
                    .append(" | ").append(fmt(s.maxMs())).append(" | ").append(failSafe(s)).append(" | ")
                    .append(fmt(s.meanBatch())).append(" | ").append(fmt(100 * s.cpuUtilisation())).append("% | ")
                    .append(s.lateArrivals()).append(" | ").append(s.sustainable(latencyBudgetMs) ? "yes" : "no").append(" |\n");
        }
        b.append('\n');
    }

    private static String failSafe(StepResult s) {
        if (s.failSafe() == 0) return "0";
        List<String> parts = new ArrayList<>();
        s.failSafeByReason().forEach((k, v) -> {
            if (v > 0) parts.add(k + " " + v);
        });
        return s.failSafe() + " (" + String.join(", ", parts) + ")";
    }

    private XYChart latencyChart() {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Latency against offered rate (open loop)")
                .xAxisTitle("offered frames/s").yAxisTitle("latency from scheduled arrival, ms (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        addLatencySeries(chart, "Sightline", sightline);
        if (naive != null) addLatencySeries(chart, "naive", naive);
        if (strong != null) addLatencySeries(chart, "strong", strong);
        double maxX = 0;
        for (StepResult s : allSteps()) maxX = Math.max(maxX, s.offeredFps());
        XYSeries budget = chart.addSeries("budget " + fmt(latencyBudgetMs) + " ms", new double[] {0, Math.max(1, maxX)},
                new double[] {latencyBudgetMs, latencyBudgetMs});
        budget.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static void addLatencySeries(XYChart chart, String name, RateSearch.Result r) {
        List<StepResult> steps = new ArrayList<>(r.steps());
        steps.sort((a, c) -> Double.compare(a.offeredFps(), c.offeredFps()));
        double[] x = new double[steps.size()];
        double[] p50 = new double[steps.size()];
        double[] p99 = new double[steps.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = steps.get(i).offeredFps();
            p50[i] = Math.max(0.01, steps.get(i).p50Ms());
            p99[i] = Math.max(0.01, steps.get(i).p99Ms());
        }
        if (x.length == 0) return;
        chart.addSeries(name + " p50", x, p50);
        chart.addSeries(name + " p99", x, p99);
    }

    private CategoryChart rateChart() {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(560).title("Frames per second, same machine, same run")
                .xAxisTitle("contender").yAxisTitle("frames/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        List<String> names = new ArrayList<>(List.of("Sightline"));
        List<Double> values = new ArrayList<>(List.of(sustainedFps()));
        if (naive != null) {
            names.add("naive");
            values.add(naiveFps());
        }
        if (strong != null) {
            names.add("strong");
            values.add(strongFps());
        }
        names.add("ideal");
        values.add(idealFps());
        names.add("compute floor");
        values.add(floorFps());
        values.replaceAll(v -> (double) Math.round(v)); // whole frames/s: the bar labels print the value as it is
        chart.addSeries("frames/s", names, values);
        return chart;
    }

    private List<StepResult> allSteps() {
        List<StepResult> all = new ArrayList<>(sightline.steps());
        if (naive != null) all.addAll(naive.steps());
        if (strong != null) all.addAll(strong.steps());
        return all;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    private static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
