package io.sightline.station.cli;

import io.sightline.inference.TrendLstm;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.PChart;
import io.sightline.postprocess.trend.TrendTracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The trend trackers a command line asks for ({@code --trend lstm,cusum}), each at the
 * sensitivity that gave one false alarm per 2,000 in-control parts in {@code ./sightline
 * eval-trend} (2026-11-24, models/trend): the station's defaults until the line's own history
 * tunes them.
 */
final class TrendSetup implements AutoCloseable {
    static final double LSTM_LIMIT = 0.2929;
    static final double EWMA_L = 5.5547;
    static final double CUSUM_H = 13.4609;
    static final double PCHART_C = 3.0313;
    static final Set<String> NAMES = Set.of("lstm", "ewma", "cusum", "pchart");

    private final List<TrendTracker> trackers = new ArrayList<>();
    private TrendLstm.Runner lstm;

    /**
     * @param spec comma-separated detector names, or "none"
     * @param trendModel the LSTM package (used when "lstm" is asked for)
     */
    TrendSetup(String spec, int lines, Path trendModel) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) return;
        Set<String> names = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("--trend: unknown detector '" + part.trim() + "' (expected a comma-separated list of "
                        + NAMES + ", or none)");
            }
            names.add(name);
        }
        int window = TrendModels.WINDOW;
        int baseline = TrendModels.BASELINE;
        try {
            for (String name : names) {
                switch (name) {
                    case "lstm" -> {
                        lstm = TrendLstm.Runner.load(trendModel);
                        checkModel(lstm, window, baseline);
                        trackers.add(new LstmTrendTracker(TrendModels.forecaster(lstm), lines, window, baseline, LSTM_LIMIT));
                    }
                    case "ewma" -> trackers.add(new EwmaChart(lines, baseline, EwmaChart.DEFAULT_LAMBDA, EWMA_L));
                    case "cusum" -> trackers.add(new CusumChart(lines, baseline, CusumChart.DEFAULT_K, CUSUM_H));
                    default -> trackers.add(new PChart(lines, baseline, PChart.DEFAULT_SUBGROUP, PCHART_C));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The package must have been trained for the window and baseline the tracker uses. */
    static void checkModel(TrendLstm.Runner model, int window, int baseline) {
        Object w = model.description().get("window");
        Object b = model.description().get("baselineParts");
        if (!(w instanceof Number n) || n.intValue() != window || !(b instanceof Number m) || m.intValue() != baseline) {
            throw new IllegalArgumentException("trend model " + model.dir() + " was trained for windows of " + w + " parts and a baseline of "
                    + b + " parts; the station uses " + window + " and " + baseline);
        }
    }

    List<TrendTracker> trackers() {
        return trackers;
    }

    @Override
    public void close() {
        if (lstm != null) lstm.close();
    }
}
