package io.sightline.station.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.sightline.inference.Evaluation;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.preprocess.ImageDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What {@code sightline eval --report DIR} writes for a person to look at: {@code roc.png} (the
 * ROC curve with the operating point marked), {@code worst.png} (a contact sheet of the worst
 * misclassified images with their scores) and {@code report.md} tying them to the figures.
 *
 * <p>With a model that has a defect map, each cell of {@code worst.png} shows the image as the
 * model saw it with its defect map and box drawn over it ({@link DefectOverlay}); without one, the
 * image file as it is.
 */
public final class EvalReport {
    /** Cells on the contact sheet. */
    static final int SHEET_CELLS = 24;
    private static final int CELL = 240;
    private static final int LABEL_ROWS = 46;
    private static final int COLUMNS = 6;

    private EvalReport() {}

    /** One image's place on the contact sheet; {@code index} is its row in the scored images. */
    record Miss(int index, ImageDataset.Sample sample, String truth, String predicted, float score, boolean misclassified) {}

    /**
     * Writes the report of {@code scored} (by the model {@code info} describes) into {@code dir}:
     * with the defect maps drawn on the worst calls when {@code scored} has them.
     */
    public static List<Path> write(Path dir, String title, Evaluation e, ModelScoring.Scored scored, ModelInfo info) throws IOException {
        Files.createDirectories(dir);
        Path roc = dir.resolve("roc.png");
        Path sheet = dir.resolve("worst.png");
        Path md = dir.resolve("report.md");
        BitmapEncoder.saveBitmap(rocChart(title, e), roc.toString(), BitmapEncoder.BitmapFormat.PNG);
        List<Miss> worst = worst(e, scored.images().samples(), scored.probs(), scored.labels(), info.okIndex(), SHEET_CELLS);
        contactSheet(worst, sheet, scored, info);
        Files.writeString(md, markdown(title, e, worst, scored.maps() != null), StandardCharsets.UTF_8);
        return List.of(md, roc, sheet);
    }

    /**
     * The images on the wrong side of the decision, furthest first (escapes with the lowest defect
     * score, false rejects with the highest); when fewer than {@code limit} are wrong, the
     * closest calls on the right side fill the sheet, marked as such.
     */
    static List<Miss> worst(Evaluation e, List<ImageDataset.Sample> samples, float[][] probs, int[] labels, int okIndex,
                            int limit) {
        List<Miss> all = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            float score = Evaluation.defectScore(probs[i], okIndex);
            boolean defective = labels[i] != okIndex;
            boolean rejected = score >= e.threshold();
            int predicted = 0;
            for (int k = 1; k < probs[i].length; k++) if (probs[i][k] > probs[i][predicted]) predicted = k;
            all.add(new Miss(i, samples.get(i), e.classes().get(labels[i]), e.classes().get(predicted), score,
                    defective != rejected));
        }
        // wrongness: how far the score lies on the wrong side of the threshold (negative: right side)
        Comparator<Miss> byWrongness = Comparator.comparingDouble(m -> -wrongness(m, e.threshold(), e.classes().get(okIndex)));
        all.sort(byWrongness);
        return all.subList(0, Math.min(limit, all.size()));
    }

    private static double wrongness(Miss m, float threshold, String okName) {
        boolean defective = !m.truth().equals(okName);
        return defective ? threshold - m.score() : m.score() - threshold;
    }

    private static XYChart rocChart(String title, Evaluation e) {
        XYChart chart = new XYChartBuilder().width(640).height(600).title("ROC, ok vs any defect: " + title)
                .xAxisTitle("false-reject rate (good parts rejected)").yAxisTitle("defects caught (1 - escape rate)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        double[] x = e.roc().stream().mapToDouble(p -> p[0]).toArray();
        double[] y = e.roc().stream().mapToDouble(p -> p[1]).toArray();
        if (x.length > 1) {
            XYSeries curve = chart.addSeries(String.format(Locale.ROOT, "AUROC %.4f", e.auroc()), x, y);
            curve.setMarker(SeriesMarkers.NONE);
        }
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE);
        if (Double.isFinite(e.falseRejectRate()) && Double.isFinite(e.escapeRate())) {
            XYSeries op = chart.addSeries(String.format(Locale.ROOT, "threshold %.2f", e.threshold()),
                    new double[] {e.falseRejectRate()}, new double[] {1 - e.escapeRate()});
            op.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void contactSheet(List<Miss> cells, Path out, ModelScoring.Scored scored, ModelInfo info) {
        ModelScoring.Maps maps = scored.maps();
        int rows = Math.max(1, (cells.size() + COLUMNS - 1) / COLUMNS);
        try (Scalar white = new Scalar(255, 255, 255, 0);
             Mat sheet = new Mat(rows * (CELL + LABEL_ROWS), COLUMNS * CELL, CV_8UC3, white)) {
            for (int i = 0; i < cells.size(); i++) {
                Miss m = cells.get(i);
                int x0 = (i % COLUMNS) * CELL;
                int y0 = (i / COLUMNS) * (CELL + LABEL_ROWS);
                try (Mat img = maps != null ? DefectOverlay.modelView(scored.images().tensors()[m.index()], info)
                        : opencv_imgcodecs.imread(m.sample().path().toString(), opencv_imgcodecs.IMREAD_COLOR)) {
                    if (img != null && !img.empty()) {
                        double s = Math.min((double) (CELL - 8) / img.cols(), (double) (CELL - 8) / img.rows());
                        int w = Math.max(1, (int) (img.cols() * s));
                        int h = Math.max(1, (int) (img.rows() * s));
                        try (Mat small = new Mat(); Size size = new Size(w, h);
                             Rect r = new Rect(x0 + (CELL - w) / 2, y0 + (CELL - h) / 2, w, h);
                             Mat target = new Mat(sheet, r)) {
                            opencv_imgproc.resize(img, small, size, 0, 0, s > 1 ? opencv_imgproc.INTER_LINEAR : opencv_imgproc.INTER_AREA);
                            if (maps != null) DefectOverlay.draw(small, maps.values()[m.index()], maps);
                            small.copyTo(target);
                        }
                    }
                }
                Scalar colour = m.misclassified() ? new Scalar(0, 0, 200, 0) : new Scalar(90, 90, 90, 0);
                text(sheet, String.format(Locale.ROOT, "%s: %s, score %.3f", m.misclassified() ? "MISS" : "close",
                        m.truth(), m.score()), x0 + 4, y0 + CELL + 16, colour);
                text(sheet, shorten(m.sample().path().getFileName().toString(), 30), x0 + 4, y0 + CELL + 36,
                        new Scalar(60, 60, 60, 0));
                colour.close();
            }
            if (!opencv_imgcodecs.imwrite(out.toString(), sheet)) {
                throw new IllegalStateException("could not write " + out);
            }
        }
    }

    private static void text(Mat sheet, String s, int x, int y, Scalar colour) {
        try (Point p = new Point(x, y)) {
            opencv_imgproc.putText(sheet, s, p, opencv_imgproc.FONT_HERSHEY_SIMPLEX, 0.42, colour, 1,
                    opencv_imgproc.LINE_AA, false);
        }
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String markdown(String title, Evaluation e, List<Miss> worst, boolean withMaps) {
        StringBuilder b = new StringBuilder();
        b.append("# Evaluation: ").append(title).append("\n\n");
        b.append(String.format(Locale.ROOT, "- %d good and %d defective parts%n", e.okCount(), e.defectCount()));
        b.append(String.format(Locale.ROOT, "- AUROC (ok vs any defect, score 1 - p(ok)): %s%n", fmt(e.auroc())));
        b.append(String.format(Locale.ROOT, "- at threshold %.2f: escape rate %s, false-reject rate %s%n", e.threshold(),
                fmt(e.escapeRate()), fmt(e.falseRejectRate())));
        b.append(String.format(Locale.ROOT, "- accuracy (most probable class): %s%n%n", fmt(e.accuracy())));
        b.append("Confusion matrix (rows: true class, columns: most probable class)\n\n| |");
        for (String c : e.classes()) b.append(' ').append(c).append(" |");
        b.append("\n|---|");
        b.append("---|".repeat(e.classes().size())).append('\n');
        double[] recall = e.perClassRecall();
        for (int t = 0; t < e.classes().size(); t++) {
            b.append("| **").append(e.classes().get(t)).append("** |");
            for (int p = 0; p < e.classes().size(); p++) b.append(' ').append(e.confusion()[t][p]).append(" |");
            b.append('\n');
        }
        b.append("\nRecall per class: ");
        for (int t = 0; t < recall.length; t++) {
            b.append(t == 0 ? "" : ", ").append(e.classes().get(t)).append(' ').append(fmt(recall[t]));
        }
        b.append("\n\n![ROC](roc.png)\n\n## Worst calls\n\n![worst calls](worst.png)\n\n");
        if (withMaps) {
            b.append("Each image is shown as the model saw it, with its defect map over it: a heat colour (blue to red as "
                    + "p(defect) rises, clear where it is low) and, in magenta, the box of the cells at or above half the map's peak.\n\n");
        }
        b.append("| | file | true class | defect score |\n|---|---|---|---|\n");
        for (Miss m : worst) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f |%n", m.misclassified() ? "miss" : "close call",
                    m.sample().path(), m.truth(), m.score()));
        }
        return b.toString();
    }

    /** A figure to four decimals, {@code n/a} when it is not finite. */
    public static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }
}
