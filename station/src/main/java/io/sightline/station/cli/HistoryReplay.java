package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.PartStreams;
import io.sightline.postprocess.trend.StreamReplay;
import io.sightline.postprocess.trend.model.TrendModels;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sightline eval-trend --history CSV...}: the translation between the command line and
 * {@link StreamReplay}, which does the work.
 *
 * <pre>
 *   read every history CSV and the changes CSV, check every stream is long enough  (errors: nothing printed)
 *   per stream: StreamReplay.replay (progress on standard error, one line per stream)
 *   print the table, or the JSON {"streams": [...], "setup": {...}} as the last line
 * </pre>
 *
 * The detectors alarm at the station's defaults ({@link TrendSetup}): each was set to one false
 * alarm per 2,000 in-control parts on eval-trend's synthetic calibration suite. They are not
 * matched again on the streams replayed; the false alarms before a change show how far the match
 * carries to them.
 */
final class HistoryReplay {
    static final Map<String, Double> SENSITIVITIES = Map.of("lstm", TrendSetup.LSTM_LIMIT, "ewma", TrendSetup.EWMA_L,
            "cusum", TrendSetup.CUSUM_H, "pchart", TrendSetup.PCHART_C);

    private HistoryReplay() {}

    static int run(List<Path> history, Path changesCsv, int horizon, int baseline, Path modelDir, boolean json) throws Exception {
        if (horizon < 1) throw new IllegalArgumentException("--horizon: expected at least 1 part, got " + horizon);
        if (baseline < TrendModels.WINDOW) {
            throw new IllegalArgumentException("--baseline: expected at least " + TrendModels.WINDOW + " parts, got " + baseline);
        }
        List<PartStreams.Stream> streams = PartStreams.read(history);
        List<PartStreams.Change> changes = changesCsv == null ? List.of() : PartStreams.readChanges(changesCsv, streams);
        Map<PartStreams.Stream, List<Integer>> byStream = new LinkedHashMap<>();
        for (PartStreams.Stream s : streams) {
            List<Integer> cs = new ArrayList<>();
            for (PartStreams.Change c : changes) {
                if (c.file().equals(s.file().toString()) && c.line().equals(s.line())) cs.add(c.partIndex());
            }
            byStream.put(s, cs);
        }
        StreamReplay.Setup check = new StreamReplay.Setup(horizon, baseline, TrendModels.WINDOW, SENSITIVITIES, null);
        for (var e : byStream.entrySet()) StreamReplay.check(e.getKey(), e.getValue(), check);

        String lstmNote;
        TrendLstm.Runner runner = null;
        if (baseline != TrendModels.BASELINE) {
            lstmNote = "not run: the LSTM was trained for a " + TrendModels.BASELINE + "-part baseline, --baseline is " + baseline;
        } else {
            Natives.tensorflow();
            runner = TrendLstm.Runner.load(modelDir);
            lstmNote = modelDir.toString();
        }
        Progress progress = new Progress(System.err);
        List<StreamReplay.Result> results = new ArrayList<>();
        try {
            if (runner != null) TrendSetup.checkModel(runner, TrendModels.WINDOW, baseline);
            StreamReplay.Setup setup = new StreamReplay.Setup(horizon, baseline, TrendModels.WINDOW, SENSITIVITIES,
                    runner == null ? null : TrendModels.forecaster(runner));
            int i = 0;
            for (var e : byStream.entrySet()) {
                long t0 = System.nanoTime();
                PartStreams.Stream s = e.getKey();
                results.add(StreamReplay.replay(s, e.getValue(), setup));
                progress.step(String.format(Locale.ROOT, "eval-trend: stream %d/%d %s line %s: %d parts in %.1f s", ++i, byStream.size(),
                        s.name(), s.line(), s.parts(), (System.nanoTime() - t0) / 1e9));
            }
            progress.end();
        } finally {
            if (runner != null) runner.close();
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(json(results, horizon, baseline, lstmNote, check.ewmaLambda())));
        } else {
            print(results, horizon, lstmNote);
        }
        return 0;
    }

    static Map<String, Object> json(List<StreamReplay.Result> results, int horizon, int baseline, String lstmNote, double lambda) {
        List<Object> streams = new ArrayList<>();
        List<String> passFailOnly = new ArrayList<>();
        for (StreamReplay.Result r : results) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", r.stream().name());
            s.put("line", r.stream().line());
            s.put("parts", r.stream().parts());
            s.put("rejects", r.stream().rejects());
            Map<String, Object> detectors = new LinkedHashMap<>();
            for (var e : r.detectors().entrySet()) {
                StreamReplay.Judged j = e.getValue();
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("brierSkill", j.brierSkill() == null ? null : Math.round(j.brierSkill() * 1e4) / 1e4);
                d.put("alarms", j.alarms());
                d.put("falseAlarmsBeforeChange", j.falseAlarmsBeforeChange());
                d.put("delayParts", j.delayParts());
                detectors.put(e.getKey(), d);
            }
            s.put("detectors", detectors);
            streams.add(s);
            if (!r.stream().scored()) passFailOnly.add(r.stream().name() + " line " + r.stream().line());
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("horizonParts", horizon);
        setup.put("baselineParts", baseline);
        setup.put("scoredParts", "from part " + (baseline + TrendModels.WINDOW) + " (baseline + one LSTM window) to the stream's "
                + "last " + horizon + " parts, which have no full horizon and are left out");
        setup.put("ewmaForecastLambda", lambda);
        Map<String, Object> limits = new LinkedHashMap<>();
        for (String d : StreamReplay.DETECTORS) limits.put(d, SENSITIVITIES.get(d));
        setup.put("alarmLimits", limits);
        setup.put("falseAlarmMatching", "station defaults, each matched to 1 false alarm per 2,000 in-control parts on the "
                + "synthetic calibration suite; not matched again on these streams");
        setup.put("lstm", lstmNote);
        setup.put("passFailOnly", passFailOnly);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("streams", streams);
        out.put("setup", setup);
        return out;
    }

    private static void print(List<StreamReplay.Result> results, int horizon, String lstmNote) {
        PrintStream out = System.out;
        for (StreamReplay.Result r : results) {
            PartStreams.Stream s = r.stream();
            out.printf(Locale.ROOT, "%s line %s: %d parts, %d rejects%s; forecasts scored on %d parts, the last %d left out (no full "
                    + "horizon)%n", s.name(), s.line(), s.parts(), s.rejects(), s.scored() ? "" : " (pass/fail only)", r.scoredParts(),
                    r.excludedParts());
            out.printf("  %-8s %12s %8s %26s %16s%n", "detector", "Brier skill", "alarms", "false alarms before change", "delay (parts)");
            for (var e : r.detectors().entrySet()) {
                StreamReplay.Judged j = e.getValue();
                out.printf(Locale.ROOT, "  %-8s %12s %8s %26s %16s%n", e.getKey(),
                        j.brierSkill() == null ? "-" : String.format(Locale.ROOT, "%.4f", j.brierSkill()), dash(j.alarms()),
                        dash(j.falseAlarmsBeforeChange()), dash(j.delayParts()));
            }
        }
        out.printf("(Brier skill of the forecast that a part in the next %d is rejected, against the line's expanding mean rate: "
                + "above 0 it knows something the mean does not; LSTM: %s; alarms at the station's default limits)%n", horizon, lstmNote);
    }

    private static String dash(Object v) {
        return v == null ? "-" : v.toString().replace(" ", "");
    }
}
