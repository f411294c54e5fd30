package io.sightline.postprocess.trend.model;

import io.sightline.inference.TrendLstm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Each detector's false alarms against its delay on the BSData series as its sensitivity moves
 * away from the one matched on the synthetic suite: the comparison at equal false alarms on the
 * real series, which a single matched setting per detector cannot give.
 *
 * <pre>
 *   per detector (the LSTM once per window in {@link #LSTM_WINDOWS}) and factor in {@link #FACTORS}:
 *     sensitivity = matched x factor --SeriesAccounting over every series--> detected,
 *     false alarms before the change per series, mean delay in images
 * </pre>
 *
 * A larger sensitivity is a stricter detector for every kind here (the LSTM's limit multiple,
 * EWMA's L, CUSUM's h, the p-chart's c).
 */
public final class SeriesTradeOff {
    /** Multiples of each detector's matched sensitivity. */
    public static final double[] FACTORS = {0.7, 1, 1.25, 1.5, 2, 3};
    /** The LSTM's windows, in images, each a curve of its own. */
    public static final int[] LSTM_WINDOWS = {1, 2};

    private SeriesTradeOff() {}

    /**
     * {@code {curve: [{factor, sensitivity, detected, missed, falseAlarmsBeforeChangePerSeries,
     * meanDelayImages, ...}]}}, the curves named {@code lstmWindow1}, {@code lstmWindow2},
     * {@code ewma}, {@code cusum} and {@code pchart}.
     */
    public static Map<String, List<Map<String, Object>>> sweep(List<BsdataTrend.Series> series, Map<String, Double> matched,
                                                               TrendLstm.Runner lstm) {
        for (String detector : BsdataTrend.DETECTORS) {
            if (matched.get(detector) == null) throw new IllegalArgumentException("no matched sensitivity for detector '" + detector + "'");
        }
        Map<String, List<Map<String, Object>>> curves = new LinkedHashMap<>();
        for (String detector : BsdataTrend.DETECTORS) {
            double base = matched.get(detector);
            int[] windows = detector.equals("lstm") ? LSTM_WINDOWS : new int[] {0};
            for (int window : windows) {
                List<Map<String, Object>> curve = new ArrayList<>();
                for (double factor : FACTORS) {
                    double sensitivity = base * factor;
                    IntFunction<io.sightline.postprocess.trend.TrendTracker> make = BsdataTrend.tracker(detector, sensitivity, lstm,
                            Math.max(1, window));
                    List<SeriesAccounting.Outcome> outcomes = new ArrayList<>();
                    List<Integer> changes = new ArrayList<>();
                    for (BsdataTrend.Series s : series) {
                        outcomes.add(SeriesAccounting.run(make.apply(s.baseline()), s.scores(), s.rejected(), s.changeAt()));
                        changes.add(s.changeAt());
                    }
                    Map<String, Object> point = new LinkedHashMap<>();
                    point.put("factor", factor);
                    point.put("sensitivity", Math.round(sensitivity * 1e4) / 1e4);
                    point.putAll(SeriesAccounting.summary(outcomes, changes));
                    curve.add(point);
                }
                curves.put(window == 0 ? detector : "lstmWindow" + window, curve);
            }
        }
        return curves;
    }
}
