package io.sightline.postprocess.trend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges the trend detectors on one recorded part stream: how well the forecasters forecast, and
 * when each detector alarms.
 *
 * <pre>
 *   parts 0 .. n-1 of one (file, line), each (score or NaN, rejected)
 *     forecasts, made before part t from parts 0 .. t-1, of P(a reject among parts t .. t+N-1):
 *       mean : the expanding mean reject rate m_t             -> 1 - (1 - m_t)^N        (the reference)
 *       ewma : the EWMA of the reject indicator p_t           -> 1 - (1 - p_t)^N
 *              (lambda = 0.1 / N per part, bias-corrected: early on it is the plain mean)
 *       lstm : the station's published forecast (LstmTrendTracker#forecastRate): the LSTM's rate
 *              r = min(1, p0 e^f) (f: ln of the coming rate / the line's in-control rate p0, held
 *              until its next window) blended with the line's EWMA and mean rates by their record
 *              on the parts seen so far (ForecastBlend), within the LSTM's interval -> 1 - (1 - r)^N
 *       lstmAlone : the LSTM's own r, unblended (a row of its own: its skill alone)
 *     outcome y_t = 1 when a part in t .. t+N-1 is rejected
 *     scored parts: baseline + window <= t < n - N  (the last N have no full horizon: left out)
 *     Brier = mean (forecast - y)^2;  skill = 1 - Brier / Brier(mean)    (null when Brier(mean) = 0)
 *   alarms: each detector at the sensitivity given, every alarm acknowledged at once (the line's
 *     statistic restarts), as TrendEvaluation counts them; per change point c (in part order):
 *       delay = first alarm at or after c, before the next change, minus c (null: missed)
 *       false alarms before it = alarms from the end of the baseline (or the previous change,
 *       leaving out the alarm that detected it) up to c
 * </pre>
 *
 * A stream with no score at all (pass/fail only) feeds every detector the reject indicator (1 or
 * 0) as its score; in a scored stream a part without a score (a fail-safe reject) is skipped by the
 * score charts, as the station does, and counted by the forecasts.
 */
public final class StreamReplay {
    public static final List<String> DETECTORS = List.of("lstm", "ewma", "cusum", "pchart");
    /** The row with the LSTM's own forecast, unblended: skill only. */
    public static final String LSTM_ALONE = "lstmAlone";

    /**
     * What the replay is run with.
     *
     * @param horizon N, parts ahead the forecast looks
     * @param baseline parts each detector learns the in-control level from
     * @param window the LSTM's window (the scored parts start after the baseline and one window)
     * @param sensitivities per detector name, the sensitivity (limit) its alarms use
     * @param lstm the LSTM forecaster, or null when there is none (its fields are then null)
     */
    public record Setup(int horizon, int baseline, int window, Map<String, Double> sensitivities, TrendForecaster lstm) {
        public Setup {
            if (horizon < 1) throw new IllegalArgumentException("--horizon: expected at least 1 part, got " + horizon);
            if (baseline < 10) throw new IllegalArgumentException("the baseline needs at least 10 parts, got " + baseline);
            for (String d : DETECTORS) {
                if (!sensitivities.containsKey(d)) throw new IllegalArgumentException("no sensitivity for " + d);
            }
        }

        /** The fewest parts a stream needs: the baseline, one window, one scored part and its horizon. */
        public int minParts() {
            return baseline + window + 1 + horizon;
        }

        /** Per-part EWMA weight of the reject-rate forecast. */
        public double ewmaLambda() {
            return 0.1 / horizon;
        }
    }

    /** One detector on one stream; null where it does not apply. */
    public record Judged(Double brierSkill, Integer alarms, List<Integer> falseAlarmsBeforeChange, List<Integer> delayParts) {}

    /**
     * @param scoredParts parts whose forecast was scored
     * @param excludedParts the last parts, without a full horizon, left out of the scoring
     */
    public record Result(PartStreams.Stream stream, int scoredParts, int excludedParts, double brierMean,
                         Map<String, Judged> detectors) {}

    private StreamReplay() {}

    /**
     * Refuses a stream the setup cannot judge, before anything is replayed.
     *
     * @throws IllegalArgumentException when the stream is too short for the setup, or a change lies in the baseline
     */
    public static void check(PartStreams.Stream s, List<Integer> changes, Setup setup) {
        if (s.parts() < setup.minParts()) {
            throw new IllegalArgumentException(s.file() + " line " + s.line() + ": " + s.parts() + " parts, fewer than the "
                    + setup.minParts() + " a stream needs (baseline " + setup.baseline() + " + window " + setup.window()
                    + " + 1 + horizon " + setup.horizon() + "); lower --horizon or --baseline");
        }
        for (int c : changes) {
            if (c < setup.baseline()) {
                throw new IllegalArgumentException(s.file() + " line " + s.line() + ": change at part " + c + " lies in the "
                        + setup.baseline() + "-part baseline");
            }
        }
    }

    /**
     * @param changes the stream's change points, in any order
     * @throws IllegalArgumentException as {@link #check}
     */
    public static Result replay(PartStreams.Stream s, List<Integer> changes, Setup setup) {
        check(s, changes, setup);
        int n = s.parts();
        int[] cps = changes.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        float[] fed = s.fed();
        int start = setup.baseline() + setup.window();
        int end = n - setup.horizon(); // scored: start <= t < end
        double[] brier = brier(s, setup, start, end);
        int scored = end - start;
        Double skillEwma = skill(brier[1], brier[0]);
        Double skillLstm = setup.lstm() == null ? null : skill(brier[2], brier[0]);
        Double skillLstmAlone = setup.lstm() == null ? null : skill(brier[3], brier[0]);
        TrendForecaster model = setup.lstm();

        Map<String, Judged> judged = new LinkedHashMap<>();
        Map<String, Double> sens = setup.sensitivities();
        TrendTracker[] trackers = {
            model == null ? null : new LstmTrendTracker(model, 1, setup.window(), setup.baseline(), sens.get("lstm")),
            new EwmaChart(1, setup.baseline(), EwmaChart.DEFAULT_LAMBDA, sens.get("ewma")),
            new CusumChart(1, setup.baseline(), CusumChart.DEFAULT_K, sens.get("cusum")),
            new PChart(1, setup.baseline(), PChart.DEFAULT_SUBGROUP, sens.get("pchart"))};
        Double[] skills = {skillLstm, skillEwma, null, null};
        for (int d = 0; d < trackers.length; d++) {
            if (trackers[d] == null) {
                judged.put(DETECTORS.get(d), new Judged(null, null, null, null));
                continue;
            }
            long[] raised = alarms(trackers[d], fed, s.rejected());
            judged.put(DETECTORS.get(d), judge(skills[d], raised, cps, setup.baseline()));
        }
        judged.put(LSTM_ALONE, new Judged(skillLstmAlone, null, null, null));
        return new Result(s, scored, n - end, brier[0], judged);
    }

    /** Brier skills of the forecasts scored on parts {@code from .. n - horizon - 1}; null where they do not apply. */
    public record Skills(Double lstm, Double ewma, int scoredParts) {}

    /**
     * The forecasts' Brier skill on the stream's parts from {@code from} on (e.g. a held-out last
     * fifth), every forecaster having seen the stream from its start.
     */
    public static Skills skills(PartStreams.Stream s, Setup setup, int from) {
        check(s, List.of(), setup);
        int start = Math.max(from, setup.baseline() + setup.window());
        int end = s.parts() - setup.horizon();
        if (end <= start) {
            throw new IllegalArgumentException(s.file() + " line " + s.line() + ": no part from " + from + " has a full horizon of "
                    + setup.horizon() + " parts after it (the stream has " + s.parts() + ")");
        }
        double[] brier = brier(s, setup, start, end);
        return new Skills(setup.lstm() == null ? null : skill(brier[2], brier[0]), skill(brier[1], brier[0]), end - start);
    }

    /** Mean Brier scores of the mean, EWMA, LSTM (published) and LSTM (alone) forecasts over parts start .. end - 1. */
    private static double[] brier(PartStreams.Stream s, Setup setup, int start, int end) {
        int h = setup.horizon();
        float[] fed = s.fed();
        int[] future = futureReject(s.rejected(), h);
        double[] brier = new double[4];
        TrendForecaster model = setup.lstm();
        LstmTrendTracker lstm = model == null ? null
                : new LstmTrendTracker(model, 1, setup.window(), setup.baseline(), setup.sensitivities().get("lstm"));
        double lambda = setup.ewmaLambda();
        double ewmaSum = 0;
        double ewmaWeight = 0;
        long rejects = 0;
        for (int t = 0; t < end; t++) {
            if (t >= start) {
                double mean = (double) rejects / t;
                double ewma = ewmaSum / ewmaWeight;
                double y = future[t];
                brier[0] += sq(atLeastOne(mean, h) - y);
                brier[1] += sq(atLeastOne(ewma, h) - y);
                if (lstm != null) {
                    double f = lstm.forecastRate(0);
                    brier[2] += sq(atLeastOne(Double.isNaN(f) ? mean : f, h) - y);
                    double alone = lstm.lstmRate(0);
                    brier[3] += sq(atLeastOne(Double.isNaN(alone) ? mean : alone, h) - y);
                }
            }
            double x = s.rejected()[t] ? 1 : 0;
            if (s.rejected()[t]) rejects++;
            ewmaSum = lambda * x + (1 - lambda) * ewmaSum;
            ewmaWeight = lambda + (1 - lambda) * ewmaWeight;
            if (lstm != null) lstm.update(0, t, t, fed[t], s.rejected()[t]);
        }
        for (int i = 0; i < brier.length; i++) brier[i] /= end - start;
        return brier;
    }

    /** Part indices of the alarms raised, each acknowledged at once. */
    static long[] alarms(TrendTracker t, float[] scores, boolean[] rejected) {
        List<Long> raised = new ArrayList<>();
        t.setListener(a -> {
            if (!a.raised()) return;
            raised.add(a.partIndex());
            t.restartLine(a.line());
        });
        for (int i = 0; i < rejected.length; i++) t.update(0, i, i, scores[i], rejected[i]);
        if (t instanceof LstmTrendTracker l) l.flush();
        t.setListener(TrendTracker.Listener.NONE);
        return raised.stream().mapToLong(Long::longValue).toArray();
    }

    static Judged judge(Double skill, long[] alarms, int[] changes, int baseline) {
        if (changes.length == 0) return new Judged(skill, alarms.length, null, null);
        List<Integer> falseBefore = new ArrayList<>();
        List<Integer> delays = new ArrayList<>();
        long from = baseline;
        long detection = -1; // the alarm that detected the previous change
        for (int i = 0; i < changes.length; i++) {
            long c = changes[i];
            long next = i + 1 < changes.length ? changes[i + 1] : Long.MAX_VALUE;
            int before = 0;
            Long first = null;
            for (long a : alarms) {
                if (a >= from && a < c && a != detection) before++;
                if (first == null && a >= c && a < next) first = a;
            }
            falseBefore.add(before);
            delays.add(first == null ? null : (int) (first - c));
            detection = first == null ? -1 : first;
            from = c;
        }
        return new Judged(skill, alarms.length, falseBefore, delays);
    }

    /** 1 where a part in t .. t+h-1 is rejected, for t < n - h + 1. */
    static int[] futureReject(boolean[] rejected, int h) {
        int n = rejected.length;
        int[] prefix = new int[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + (rejected[i] ? 1 : 0);
        int[] y = new int[Math.max(0, n - h + 1)];
        for (int t = 0; t < y.length; t++) y[t] = prefix[t + h] - prefix[t] > 0 ? 1 : 0;
        return y;
    }

    /** P(at least one reject in h parts) at a constant rate p. */
    public static double atLeastOne(double p, int h) {
        return 1 - Math.pow(1 - Math.max(0, Math.min(1, p)), h);
    }

    private static Double skill(double brier, double reference) {
        return reference > 0 ? 1 - brier / reference : null;
    }

    private static double sq(double v) {
        return v * v;
    }
}
