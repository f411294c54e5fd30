package io.sightline.station.cli;

import io.sightline.postprocess.trend.ClassRateCalibration;
import io.sightline.postprocess.trend.ClassRateTracker;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval-trend --classes}: the per-class trend's in-control false alarms on seeded synthetic
 * streams, and the matched h by class rate ({@link ClassRateCalibration}).
 *
 * <pre>
 *   the table of h by class rate that gives the per-class target on calibration seeds (what
 *       ClassRateTracker.MATCHED_H holds), then per rate false alarms per 10,000 parts on other seeds: with
 *       that table, with the shipped one, and with the old fixed h 5
 *   per line (five classes at the rates below, the shipped table): false alarms per 10,000 parts
 *   a class stepping to 3x and 5x its rate after the baseline: mean parts to its alarm, missed
 * </pre>
 */
final class ClassTrendEvaluation {
    static final long CALIBRATION_SEED = 11_000_000L;
    static final long EVALUATION_SEED = 13_000_000L;
    static final int STREAMS = 2000;
    static final int PARTS = 5_000;
    static final double[][] LINES = {{0.01, 0.01, 0.01, 0.01, 0.01}, {0.004, 0.01, 0.01, 0.02, 0.03}, {0.02, 0.02, 0.02, 0.02, 0.02},
            {0.002, 0.004, 0.005, 0.05, 0.08}};

    private ClassTrendEvaluation() {}

    static int run(boolean json) {
        PrintStream err = Progress.lines(System.err);
        double target = ClassRateCalibration.TARGET_PER_10K_PER_CLASS;
        err.printf(Locale.ROOT, "per-class trend (rate-cusum, shift %.0f): target %.2f false alarms per 10,000 in-control parts per class "
                + "(%d classes: %.1f per line, the line detectors' one per 2,000); %d streams x %d parts after a %d-part baseline%n",
                ClassRateTracker.DEFAULT_SHIFT, target, ClassRateCalibration.DEFAULT_CLASSES, ClassRateCalibration.TARGET_PER_10K_PER_LINE,
                STREAMS, PARTS, ClassRateCalibration.BASELINE);
        List<Map<String, Object>> table = new ArrayList<>();
        double[] grid = ClassRateCalibration.GRID;
        double[] fixed = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            err.printf(Locale.ROOT, "fixed h at class rate %.3f (%d of %d)%n", grid[i], i + 1, grid.length);
            fixed[i] = ClassRateCalibration.fixedH(grid[i], target, CALIBRATION_SEED, STREAMS, PARTS);
        }
        double[] matched = ClassRateCalibration.matchTable(fixed, target, CALIBRATION_SEED, STREAMS, PARTS,
                k -> err.printf(Locale.ROOT, "offset of the table: step %d of 12%n", k + 1));
        double[] shipped = ClassRateTracker.matchedTable();
        System.out.printf("%8s %8s %8s %12s %14s %10s %14s %12s%n", "rate", "fixed h", "h", "fa/10k cal", "fa/10k eval", "h shipped",
                "fa/10k shipped", "fa/10k h=5");
        for (int i = 0; i < grid.length; i++) {
            double rate = grid[i];
            double[] one = {rate, 0};
            double cal = ClassRateCalibration.falseAlarms(one, matched, CALIBRATION_SEED, STREAMS, PARTS).per10k();
            double eval = ClassRateCalibration.falseAlarms(one, matched, EVALUATION_SEED, STREAMS, PARTS).per10k();
            double inUse = ClassRateCalibration.falseAlarms(one, null, EVALUATION_SEED, STREAMS, PARTS).per10k();
            double fixedFive = ClassRateCalibration.falseAlarmsFixed(one, ClassRateTracker.DEFAULT_H, EVALUATION_SEED, STREAMS, PARTS).per10k();
            System.out.printf(Locale.ROOT, "%8.3f %8.3f %8.3f %12.2f %14.2f %10.3f %14.2f %12.2f%n", rate, fixed[i], matched[i], cal, eval,
                    shipped[i], inUse, fixedFive);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rate", rate);
            m.put("fixedH", Math.round(fixed[i] * 1000) / 1000.0);
            m.put("h", matched[i]);
            m.put("falseAlarmsPer10kCalibration", round(cal));
            m.put("falseAlarmsPer10k", round(eval));
            m.put("hShipped", shipped[i]);
            m.put("falseAlarmsPer10kShipped", round(inUse));
            m.put("falseAlarmsPer10kFixedH5", round(fixedFive));
            table.add(m);
        }
        System.out.println("matched h (ClassRateTracker.MATCHED_H): " + Arrays.toString(matched));
        double meanCal = ClassRateCalibration.meanOverGrid(matched, CALIBRATION_SEED, STREAMS, PARTS);
        double meanEval = ClassRateCalibration.meanOverGrid(matched, EVALUATION_SEED, STREAMS, PARTS);
        double meanShipped = ClassRateCalibration.meanOverGrid(shipped, EVALUATION_SEED, STREAMS, PARTS);
        System.out.printf(Locale.ROOT, "mean over the rates: %.2f (calibration seeds), %.2f (other seeds), shipped table %.2f%n", meanCal,
                meanEval, meanShipped);
        List<Map<String, Object>> lines = new ArrayList<>();
        System.out.printf("%-36s %14s %14s%n", "line: class rates", "fa/10k line", "fa/10k h=5");
        err.println("lines of five classes, and delays");
        for (double[] rates : LINES) {
            double line = ClassRateCalibration.falseAlarms(rates, null, EVALUATION_SEED, STREAMS, PARTS).per10k();
            double five = ClassRateCalibration.falseAlarmsFixed(rates, ClassRateTracker.DEFAULT_H, EVALUATION_SEED, STREAMS, PARTS).per10k();
            System.out.printf(Locale.ROOT, "%-36s %14.2f %14.2f%n", Arrays.toString(rates), line, five);
            lines.add(Map.of("rates", rates, "falseAlarmsPer10k", round(line), "falseAlarmsPer10kFixedH5", round(five)));
        }
        List<Map<String, Object>> delays = new ArrayList<>();
        System.out.printf("%-10s %10s %14s %8s%n", "class rate", "step to", "mean delay", "missed");
        for (double rate : new double[] {0.004, 0.01, 0.03}) {
            for (double multiple : new double[] {3, 5}) {
                double[] rates = {rate, 0.01, 0.01, 0.01, 0.01};
                double[] d = ClassRateCalibration.stepDelay(rates, 0, multiple, EVALUATION_SEED, STREAMS, 5000);
                System.out.printf(Locale.ROOT, "%-10.3f %9.0fx %14.0f %8.0f%n", rate, multiple, d[0], d[1]);
                delays.add(Map.of("rate", rate, "multiple", multiple, "meanDelayParts", round(d[0]), "missed", (int) d[1]));
            }
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("targetPer10kPerClass", target);
            out.put("targetPer10kPerLine", ClassRateCalibration.TARGET_PER_10K_PER_LINE);
            out.put("streams", STREAMS);
            out.put("partsPerStream", PARTS);
            out.put("table", table);
            out.put("meanPer10kPerClass", round(meanEval));
            out.put("meanPer10kPerClassShipped", round(meanShipped));
            out.put("lines", lines);
            out.put("delays", delays);
            System.out.println(Json.line(Map.of("classes", out)));
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
