package io.sightline.station.cli;

import io.sightline.inference.TrendLstm;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.EwmaChart;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.PChart;
import io.sightline.postprocess.trend.TrendLimit;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.postprocess.trend.WindowFeatures;
import io.sightline.postprocess.trend.model.TrendModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The trend trackers a command line asks for ({@code --trend lstm,cusum}), each at the
 * sensitivity that gave one false alarm per 2,000 in-control parts in {@code ./sightline
 * eval-trend} (charts 2026-11-24; the LSTM's limit, a multiple of the line's in-control rate that
 * its forecast interval's lower end must pass, 2026-12-08, models/trend trained with degradations
 * and windows of 1, 2 and 5): the station's defaults until the line's own history tunes them, or
 * the config's {@code trend.limit}.
 */
final class TrendSetup implements AutoCloseable {
    static final double LSTM_LIMIT = 0.85;
    static final double EWMA_L = 5.5547;
    static final double CUSUM_H = 13.4609;
    static final double PCHART_C = 3.0313;
    static final Set<String> NAMES = Set.of("lstm", "ewma", "cusum", "pchart");

    private final List<TrendTracker> trackers = new ArrayList<>();
    private final List<boolean[]> watches = new ArrayList<>();
    private final List<TrendLstm.Runner> lstm = new ArrayList<>();

    /**
     * Each line's detectors as the command line names them.
     *
     * @param spec comma-separated detector names for every line, or "none"
     * @param perLine overrides, each {@code LINE=LIST} (LIST as {@code spec})
     */
    static List<List<String>> byLine(String spec, List<String> perLine, int lines) {
        List<List<String>> byLine = new ArrayList<>();
        List<String> all = List.copyOf(parse("--trend", spec));
        for (int line = 0; line < lines; line++) byLine.add(all);
        for (String override : perLine) {
            int eq = override.indexOf('=');
            int line;
            try {
                line = eq < 0 ? -1 : Integer.parseInt(override.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                line = -1;
            }
            if (line < 0 || line >= lines) {
                throw new IllegalArgumentException("--trend-line: expected LINE=LIST with LINE in 0.." + (lines - 1)
                        + " and LIST detectors from " + NAMES + " or none, got '" + override + "'");
            }
            byLine.set(line, List.copyOf(parse("--trend-line " + line, override.substring(eq + 1))));
        }
        return byLine;
    }

    /**
     * @param byLine each line's detector names (checked: from {@link #NAMES})
     * @param trendModel the LSTM package (used when "lstm" is asked for)
     */
    TrendSetup(List<List<String>> byLine, Path trendModel) {
        this(byLine, java.util.Collections.nCopies(byLine.size(), trendModel), null);
    }

    /**
     * @param byLine each line's detector names (checked: from {@link #NAMES})
     * @param modelByLine each line's LSTM package (lines that share one share a tracker: one session run for them all)
     * @param limit the LSTM's limit ({@code trend.limit}), or null for {@link #LSTM_LIMIT} times the in-control rate
     */
    TrendSetup(List<List<String>> byLine, List<Path> modelByLine, TrendLimit limit) {
        int lines = byLine.size();
        Set<String> names = new LinkedHashSet<>();
        for (List<String> s : byLine) names.addAll(s);
        int window = TrendModels.WINDOW;
        int baseline = TrendModels.BASELINE;
        TrendLimit lstmLimit = limit != null ? limit : TrendLimit.multiple(LSTM_LIMIT);
        try {
            for (String name : names) {
                boolean[] w = new boolean[lines];
                for (int line = 0; line < lines; line++) w[line] = byLine.get(line).contains(name);
                if (!name.equals("lstm")) {
                    watches.add(w);
                    switch (name) {
                        case "ewma" -> trackers.add(new EwmaChart(lines, baseline, EwmaChart.DEFAULT_LAMBDA, EWMA_L));
                        case "cusum" -> trackers.add(new CusumChart(lines, baseline, CusumChart.DEFAULT_K, CUSUM_H));
                        default -> trackers.add(new PChart(lines, baseline, PChart.DEFAULT_SUBGROUP, PCHART_C));
                    }
                    continue;
                }
                Set<Path> models = new LinkedHashSet<>();
                for (int line = 0; line < lines; line++) if (w[line]) models.add(modelByLine.get(line));
                for (Path model : models) {
                    boolean[] mine = new boolean[lines];
                    for (int line = 0; line < lines; line++) mine[line] = w[line] && modelByLine.get(line).equals(model);
                    TrendLstm.Runner runner = TrendLstm.Runner.load(model);
                    lstm.add(runner);
                    checkModel(runner, window, baseline);
                    watches.add(mine);
                    trackers.add(new LstmTrendTracker(TrendModels.forecaster(runner), lines, window, baseline, lstmLimit));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Set<String> parse(String option, String spec) {
        Set<String> names = new LinkedHashSet<>();
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) return names;
        for (String part : spec.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(option + ": unknown detector '" + part.trim() + "' (expected a comma-separated list of "
                        + NAMES + ", or none)");
            }
            names.add(name);
        }
        return names;
    }

    /** Per tracker (in {@link #trackers()} order), the lines it watches. */
    boolean[][] watches() {
        return watches.toArray(new boolean[0][]);
    }

    /** The package must have been trained for the window and baseline the tracker uses. */
    static void checkModel(TrendLstm.Runner model, int window, int baseline) {
        if (model.features() != WindowFeatures.FEATURES) {
            throw new IllegalArgumentException("trend model " + model.dir() + " reads " + model.features() + " features per window; this "
                    + "Sightline makes " + WindowFeatures.FEATURES + " (" + String.join(", ", WindowFeatures.NAMES) + "): train it again with "
                    + "train-trend (a line's own: train-trend --journal, from models/trend)");
        }
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
        for (TrendLstm.Runner r : lstm) r.close();
    }
}
