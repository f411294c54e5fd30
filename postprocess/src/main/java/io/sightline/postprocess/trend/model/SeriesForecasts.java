package io.sightline.postprocess.trend.model;

import io.sightline.inference.TrendLstm;
import io.sightline.postprocess.trend.PartStreams;
import io.sightline.postprocess.trend.StreamReplay;
import io.sightline.postprocess.trend.TrendForecaster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forecasts' Brier skill on the BSData series, scored as {@code eval-trend --history} scores a
 * recorded stream ({@link StreamReplay}): before each image after the baseline and one LSTM window,
 * each forecaster gives the probability that one of the next {@value #HORIZON_IMAGES} images is
 * rejected; skill = 1 - Brier / Brier of the series' expanding mean rate.
 *
 * <pre>
 *   per series: StreamReplay.replay(its scores, its baseline, LSTM window) --> skill of the LSTM's
 *               published forecast (lstm), of its own rate (lstmAlone), of the EWMA forecast (ewma)
 *   over all:   the mean skill, the pooled skill (1 - sum of Brier / sum of the reference's), and
 *               the series where the LSTM's skill is above 0 and at least EWMA's
 * </pre>
 *
 * A series whose reference Brier is 0 (no image after its baseline has a reject in its horizon)
 * gives no skill and is left out of the mean.
 */
public final class SeriesForecasts {
    /** Images ahead the forecast looks: a series has 69, its baseline 13 to 34 of them. */
    public static final int HORIZON_IMAGES = 10;
    static final List<String> FORECASTERS = List.of("lstm", StreamReplay.LSTM_ALONE, "ewma");

    private SeriesForecasts() {}

    /**
     * {@code {"horizonImages", "forecasters": {name: {"meanSkill", "pooledSkill", "series"}},
     * "lstmAtLeastEwma", "lstmAboveZero", "perSeries": {series name: {name: skill}}}}.
     */
    public static Map<String, Object> skills(List<BsdataTrend.Series> series, Map<String, Double> sensitivities, TrendLstm.Runner lstm,
                                             int lstmWindow) {
        TrendForecaster model = TrendModels.forecaster(lstm);
        Map<String, double[]> sums = new LinkedHashMap<>(); // skill sum, series, pooled Brier, pooled reference
        for (String f : FORECASTERS) sums.put(f, new double[4]);
        Map<String, Object> perSeries = new LinkedHashMap<>();
        int atLeastEwma = 0;
        int aboveZero = 0;
        int judged = 0;
        for (BsdataTrend.Series s : series) {
            PartStreams.Stream stream = new PartStreams.Stream(Path.of("bsdata"), s.name(), s.scores(), s.rejected(), true);
            var setup = new StreamReplay.Setup(HORIZON_IMAGES, s.baseline(), lstmWindow, sensitivities, model);
            StreamReplay.Result r = StreamReplay.replay(stream, s.changeAt() < 0 ? List.of() : List.of(s.changeAt()), setup);
            Map<String, Object> row = new LinkedHashMap<>();
            for (String f : FORECASTERS) {
                Double skill = r.detectors().get(f).brierSkill();
                row.put(f, skill == null ? null : Math.round(skill * 1e4) / 1e4);
                if (skill == null) continue;
                double[] sum = sums.get(f);
                sum[0] += skill;
                sum[1]++;
                sum[2] += (1 - skill) * r.brierMean() * r.scoredParts();
                sum[3] += r.brierMean() * r.scoredParts();
            }
            Double l = r.detectors().get("lstm").brierSkill();
            Double e = r.detectors().get("ewma").brierSkill();
            if (l != null && e != null) {
                judged++;
                if (l >= e) atLeastEwma++;
                if (l > 0) aboveZero++;
            }
            perSeries.put(s.name(), row);
        }
        Map<String, Object> forecasters = new LinkedHashMap<>();
        for (var e : sums.entrySet()) {
            double[] sum = e.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("meanSkill", sum[1] == 0 ? null : Math.round(sum[0] / sum[1] * 1e4) / 1e4);
            row.put("pooledSkill", sum[3] == 0 ? null : Math.round((1 - sum[2] / sum[3]) * 1e4) / 1e4);
            row.put("series", (int) sum[1]);
            forecasters.put(e.getKey(), row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("horizonImages", HORIZON_IMAGES);
        out.put("lstmWindowImages", lstmWindow);
        out.put("forecasters", forecasters);
        out.put("seriesJudged", judged);
        out.put("lstmAtLeastEwma", atLeastEwma);
        out.put("lstmAboveZero", aboveZero);
        out.put("perSeries", perSeries);
        return out;
    }
}
