package io.sightline.station.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code eval-trend}'s false alarms against delay on the BSData series, one curve per detector as
 * {@link io.sightline.postprocess.trend.model.SeriesTradeOff} sweeps it: printed as a table, and
 * drawn (false alarms before the change per series across, mean delay in images up; the matched
 * setting of each curve ringed).
 */
final class TradeOffChart {
    private TradeOffChart() {}

    /** One line per curve: factor, false alarms per series and mean delay of each point (missed series in brackets). */
    static void print(PrintStream out, Map<String, List<Map<String, Object>>> curves) {
        if (curves == null) return;
        out.println("false alarms per series / mean delay in images, each detector's matched sensitivity scaled by x (missed series):");
        for (var e : curves.entrySet()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-12s", e.getKey()));
            for (Map<String, Object> p : e.getValue()) {
                b.append(String.format(Locale.ROOT, "  x%s %s/%s", p.get("factor"), p.get("falseAlarmsBeforeChangePerSeries"),
                        p.get("meanDelayImages")));
                if (((Number) p.get("missed")).intValue() > 0) b.append(" (").append(p.get("missed")).append(")");
            }
            out.println(b);
        }
    }

    /** Draws the curves to {@code png}. */
    static void write(Path png, Map<String, List<Map<String, Object>>> curves, String title) throws IOException {
        XYChart chart = new XYChartBuilder().width(760).height(560).title(title)
                .xAxisTitle("false alarms before the change, per series").yAxisTitle("mean delay after the change (images)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        java.util.List<Double> mx = new java.util.ArrayList<>();
        java.util.List<Double> my = new java.util.ArrayList<>();
        for (var e : curves.entrySet()) {
            List<Map<String, Object>> points = e.getValue().stream().filter(p -> p.get("meanDelayImages") != null).toList();
            if (points.isEmpty()) continue;
            double[] x = points.stream().mapToDouble(p -> number(p, "falseAlarmsBeforeChangePerSeries")).toArray();
            double[] y = points.stream().mapToDouble(p -> number(p, "meanDelayImages")).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
            for (Map<String, Object> p : points) {
                if (number(p, "factor") != 1) continue;
                mx.add(number(p, "falseAlarmsBeforeChangePerSeries"));
                my.add(number(p, "meanDelayImages"));
            }
        }
        if (!mx.isEmpty()) {
            XYSeries matched = chart.addSeries("as matched on the synthetic suite", mx, my);
            matched.setMarker(SeriesMarkers.DIAMOND);
            matched.setMarkerColor(java.awt.Color.BLACK);
            matched.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double number(Map<String, Object> point, String field) {
        return ((Number) point.get(field)).doubleValue();
    }
}
