package io.sightline.station.cli;

import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.station.Station;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationStats;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a station command says when its station has stopped: the summary on standard error, the
 * {@code --json} object on standard output, and the exit code: 4 if the station stopped the line
 * itself, 3 if the counters do not balance, else 0.
 *
 * <p>{@code details} adds what the demo shows beside the summary: the views, the outputs' health,
 * the trend alarms, the journal, the reject images and the ejector timing.
 */
final class StationReport {
    private final StationLauncher.Launched launched;
    private final StationStats stats;
    private final PrintStream err;
    private final boolean details;

    StationReport(StationLauncher.Launched launched, StationStats stats, PrintStream err, boolean details) {
        this.launched = launched;
        this.stats = stats;
        this.err = err;
        this.details = details;
    }

    /**
     * Prints the summary (and the details); returns the JSON object, {@code head} right after the
     * figures.
     *
     * @param startNanos when the station started: trend alarm times are seconds after it
     */
    Map<String, Object> print(Map<String, Object> head, long startNanos) {
        Station station = launched.station();
        StationStats s = stats;
        printSummary(err, s);
        int views = launched.file().lines().get(0).views().size();
        SinkHealth health = launched.sink().health();
        List<Map<String, Object>> alarms = trendAlarms(station.trendAlarms(), startNanos);
        if (details) {
            if (views > 1) {
                err.printf("views: %d per line %s; parts decided without a view %d, frames after their part was decided %d,"
                        + " parts decided early (window full) %d%n", views,
                        launched.file().lines().get(0).views().stream().map(v -> v.name()).toList(),
                        station.sourceStats().stream().mapToLong(SourceStats::missingViews).sum(), s.lateViews(), s.partWindowOverflows());
            }
            var sinks = launched.file().reject().sinks();
            boolean networked = sinks != null && (sinks.mqtt() != null || sinks.modbus() != null || sinks.kafka() != null || sinks.opcua() != null);
            if (networked || !health.up()) {
                err.printf("outputs: %s, %d buffered, %d dropped%s%n", health.up() ? "up" : "DOWN", health.buffered(), health.dropped(),
                        health.lastError() == null ? "" : " (" + health.lastError() + ")");
            }
            if (!launched.trend().trackers().isEmpty()) err.printf("trend alarms: %d%s%n", alarms.size(), alarms.isEmpty() ? "" : " " + alarms);
            for (String rising : classesRising(station.trendAlarms(), launched.file(), startNanos)) err.println("trend: " + rising);
        }
        Map<String, Object> journal = new LinkedHashMap<>();
        if (launched.journal() != null) {
            journal.put("path", launched.journal().file().toString());
            journal.put("appended", launched.journal().appended());
            journal.put("trendRows", launched.journal().trendRows());
            if (details) err.printf("decision journal: %d outcomes appended to %s%n", launched.journal().appended(), launched.journal().file());
        }
        if (station.lineStopReason() != null) {
            journal.put("lineStopped", station.lineStopReason());
            if (details) err.println("THE STATION STOPPED THE LINE: " + station.lineStopReason());
        }
        Map<String, Object> m = figures(s);
        m.putAll(head);
        m.put("sources", sources(station, err));
        if (details) {
            m.put("trendAlarms", alarms);
            long[] refused = station.trendRefusedAndDropped();
            m.put("trendInvalidScores", refused[0]);
            m.put("trendAlarmsNotRecorded", refused[1]);
        }
        m.put("journal", journal);
        if (details) {
            m.put("rejectImages", Map.of("saved", station.rejectImagesSaved(), "skipped", station.rejectImagesSkipped()));
            long[] ej = station.ejectorCounts();
            if (ej != null) {
                m.put("ejector", Map.of("fired", ej[0], "passed", ej[1], "undecidedAtEjector", ej[2], "maxLagMs", round(ej[3] / 1e6)));
            }
        }
        m.put("outputs", Map.of("up", health.up(), "buffered", health.buffered(), "dropped", health.dropped()));
        return m;
    }

    /** 4 if the station stopped the line itself, 3 if the counters do not balance, else 0. */
    int exitCode() {
        if (launched.station().lineStopReason() != null) return 4;
        return stats.balanced() && stats.inFlight() == 0 ? 0 : 3;
    }

    /**
     * Each defect class alarm raised, for people, with the line's name and the class's forecast:
     * "crack rising on line-1 at 35.2 s (part 1234, rate-cusum): expected 5.20 % in the next 500
     * parts (90 %: 3.80-7.07 %)".
     */
    static List<String> classesRising(List<TrendAlarm> all, io.sightline.station.config.StationFile file, long startNanos) {
        List<String> out = new ArrayList<>();
        for (TrendAlarm a : all) {
            if (!a.raised() || a.defectClass() == null) continue;
            String line = a.line() < file.lines().size() ? file.lines().get(a.line()).name() : "line " + a.line();
            TrendAlarm.Forecast f = a.forecast();
            String expected = f == null ? "" : String.format(java.util.Locale.ROOT, ": expected %.2f %% in the next %d parts (%.0f %%: %.2f-%.2f %%)",
                    100 * f.rate(), f.horizonParts(), 100 * f.level(), 100 * f.lower(), 100 * f.upper());
            out.add(String.format(java.util.Locale.ROOT, "%s rising on %s at %.1f s (part %d, %s)%s", a.defectClass(), line,
                    (a.timeNanos() - startNanos) / 1e9, a.partIndex(), a.detector(), expected));
        }
        return out;
    }

    /**
     * Raised alarms for the summary: line, detector, defect class (null: the whole line), time (s
     * after start), part index, and the forecast the alarm carried (the LSTM's, or the class's).
     */
    static List<Map<String, Object>> trendAlarms(List<TrendAlarm> all, long startNanos) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var a : all) {
            if (!a.raised()) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", a.line());
            m.put("detector", a.detector());
            m.put("class", a.defectClass());
            m.put("time", round((a.timeNanos() - startNanos) / 1e9));
            m.put("partIndex", a.partIndex());
            TrendAlarm.Forecast f = a.forecast();
            if (f != null) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("rate", round6(f.rate()));
                fm.put("lower", round6(f.lower()));
                fm.put("upper", round6(f.upper()));
                fm.put("level", f.level());
                fm.put("horizonParts", f.horizonParts());
                m.put("forecast", fm);
            }
            out.add(m);
        }
        return out;
    }

    /** Six decimals, or null (JSON has no NaN). */
    private static Double round6(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
    }

    /** Each camera's figures for the JSON; a camera with anything to report also gets a line on {@code err}. */
    static List<Map<String, Object>> sources(Station station, PrintStream err) {
        List<Map<String, Object>> sourcesJson = new ArrayList<>();
        for (SourceStats ss : station.sourceStats()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("line", ss.line());
            if (ss.view() != null) sm.put("view", ss.view());
            sm.put("name", ss.name());
            sm.put("live", ss.live());
            sm.put("frames", ss.frames());
            sm.put("unreadable", ss.unreadable());
            sm.put("missed", ss.missed());
            sm.put("repeated", ss.repeated());
            sm.put("skipped", ss.skipped());
            sm.put("reconnects", ss.reconnects());
            sm.put("connected", ss.connected());
            sm.put("handedOver", ss.handedOver());
            if (ss.lastError() != null) sm.put("lastError", ss.lastError());
            if (ss.view() != null) {
                sm.put("missingViews", ss.missingViews());
                sm.put("lateViews", ss.lateViews());
            }
            sourcesJson.add(sm);
            if (ss.unreadable() + ss.missed() + ss.repeated() + ss.skipped() + ss.reconnects() + ss.missingViews()
                    + ss.lateViews() > 0 || !ss.connected()) {
                err.printf("source %s: %d frames, %d unreadable, %d missed ids, %d repeated, %d skipped, %d reconnects%s%s%n",
                        ss.name(), ss.frames(), ss.unreadable(), ss.missed(), ss.repeated(), ss.skipped(), ss.reconnects(),
                        ss.view() != null ? ", " + ss.missingViews() + " parts without this view, " + ss.lateViews() + " late" : "",
                        ss.lastError() != null ? " (last error: " + ss.lastError() + ")" : "");
            }
        }
        return sourcesJson;
    }

    /** The figures every station command reports first. */
    private Map<String, Object> figures(StationStats s) {
        var pkg = launched.model();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("captured", s.captured());
        m.put("passed", s.passed());
        m.put("rejected", s.rejected());
        m.put("failsafe", s.failSafe());
        m.put("failsafeByReason", s.failSafeByReason());
        m.put("inFlight", s.inFlight());
        m.put("defective", s.defective());
        m.put("escapes", s.escapes());
        m.put("falseRejects", s.falseRejects());
        m.put("throughputFps", round(s.throughputFps()));
        m.put("elapsedSeconds", round(s.elapsedSeconds()));
        m.put("latencyMs", Map.of("p50", round(s.latencyP50Ms()), "p99", round(s.latencyP99Ms()), "p999", round(s.latencyP999Ms()),
                "max", round(s.latencyMaxMs())));
        m.put("batch", Map.of("mean", round(s.meanBatch()), "max", s.maxBatchSeen()));
        m.put("cameraOverruns", s.cameraOverruns());
        m.put("model", Map.of("path", pkg.dir().toString(), "version", pkg.info().version(), "name", pkg.info().name()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    static void printSummary(PrintStream err, StationStats s) {
        err.println("── summary ─────────────────────────────────────────────");
        err.printf("captured %d = passed %d + rejected %d + fail-safe %d%s%n", s.captured(), s.passed(), s.rejected(),
                s.failSafe(), s.balanced() && s.inFlight() == 0 ? "  (balanced)" : "  (NOT BALANCED, in flight " + s.inFlight() + ")");
        err.printf("fail-safe by reason: %s%n", s.failSafeByReason());
        err.printf("ground truth: %d defective, %d escaped, %d good parts rejected%n", s.defective(), s.escapes(), s.falseRejects());
        err.printf("throughput %.1f parts/s over %.1f s; capture-to-decision p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                s.throughputFps(), s.elapsedSeconds(), s.latencyP50Ms(), s.latencyP99Ms(), s.latencyMaxMs());
        err.printf("inference batches: mean %.2f, max %d; camera overruns %d%n", s.meanBatch(), s.maxBatchSeen(), s.cameraOverruns());
    }
}
