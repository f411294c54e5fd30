package io.sightline.station.web;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.LineCounters;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.SinkHealth;
import io.sightline.station.Station;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationStats;
import io.sightline.station.telemetry.StationTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON views of the station server: {@code /api/state} (counters per line and camera, sources,
 * trend, sinks, errors) and {@code /api/rejects} (the decision journal's newest rejects), built as
 * plain maps for Jackson. Read-only: nothing here changes the station.
 */
final class StationViews {
    private static final Logger LOG = LoggerFactory.getLogger(StationServer.class);

    private final Station station;
    private final StationServer.Options options;

    StationViews(Station station, StationServer.Options options) {
        this.station = station;
        this.options = options;
    }

    // ---- GET /api/state

    /** {@code GET /api/state}: the station's counters, lines, cameras, trend and errors. */
    Map<String, Object> state() {
        StationStats s = station.snapshot();
        LineCounters c = station.lineCounters();
        StationTelemetry t = station.telemetry();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("station", options.name());
        m.put("time", station.clock().instant().toString());
        m.put("uptimeSeconds", round(s.elapsedSeconds(), 3));
        m.put("lineStopped", station.lineStopReason());
        // Each line's outcomes are read before its captured count: a part is counted captured before its
        // outcome, so in flight (the difference) is never negative unless a part had two outcomes.
        long[] sum = new long[5]; // captured, passed, rejected, failsafe, in flight
        boolean balanced = true;
        List<Object> lines = new ArrayList<>();
        for (int line = 0; line < t.lines(); line++) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("line", line);
            long passed = c.count(line, Outcome.PASS);
            long rejected = c.count(line, Outcome.REJECT_DEFECT);
            long failsafe = 0;
            Map<String, Long> byReason = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                if (!o.isFailSafe()) continue;
                long n = c.count(line, o);
                byReason.put(o.reason(), n);
                failsafe += n;
            }
            long captured = c.capturedCount(line);
            long inFlight = captured - passed - rejected - failsafe;
            balanced &= inFlight >= 0;
            sum[0] += captured;
            sum[1] += passed;
            sum[2] += rejected;
            sum[3] += failsafe;
            sum[4] += inFlight;
            l.put("captured", captured);
            l.put("passed", passed);
            l.put("rejected", rejected);
            l.put("failsafe", failsafe);
            l.put("failsafeByReason", byReason);
            l.put("inFlight", inFlight);
            l.put("threshold", threshold(line));
            lines.add(l);
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("captured", sum[0]);
        totals.put("passed", sum[1]);
        totals.put("rejected", sum[2]);
        totals.put("failsafe", sum[3]);
        totals.put("inFlight", sum[4]);
        totals.put("balanced", balanced);
        totals.put("throughputFps", round(s.throughputFps(), 2));
        totals.put("latencyMs", Map.of("p50", round(s.latencyP50Ms(), 3), "p99", round(s.latencyP99Ms(), 3), "max", round(s.latencyMaxMs(), 3)));
        totals.put("meanBatch", round(s.meanBatch(), 2));
        m.put("totals", totals);
        m.put("lines", lines);
        List<Object> cameras = new ArrayList<>();
        List<SourceStats> sources = station.sourceStats();
        for (int i = 0; i < sources.size(); i++) {
            SourceStats ss = sources.get(i);
            Map<String, Object> cam = new LinkedHashMap<>();
            cam.put("index", i);
            cam.put("line", ss.line());
            cam.put("view", ss.view());
            cam.put("name", ss.name());
            cam.put("live", ss.live());
            cam.put("frames", ss.frames());
            cam.put("unreadable", ss.unreadable());
            cam.put("missed", ss.missed());
            cam.put("repeated", ss.repeated());
            cam.put("skipped", ss.skipped());
            cam.put("reconnects", ss.reconnects());
            cam.put("connected", ss.connected());
            cam.put("lastError", ss.lastError());
            StationTelemetry.Frame f = i < t.cameras() ? t.latestFrame(i, false) : null;
            if (f == null) {
                cam.put("latest", null);
            } else {
                Map<String, Object> latest = new LinkedHashMap<>();
                latest.put("partId", f.partId());
                latest.put("decision", f.outcome().decision());
                latest.put("reason", f.outcome().reason());
                latest.put("label", FrameImages.label(f.outcome()));
                latest.put("score", number(f.score()));
                latest.put("ageSeconds", round(f.ageSeconds(), 3));
                latest.put("version", f.version());
                latest.put("width", f.width());
                latest.put("height", f.height());
                latest.put("defectBox", FrameImages.boxJson(f.defectBox()));
                cam.put("latest", latest);
            }
            cameras.add(cam);
        }
        m.put("cameras", cameras);
        SinkHealth h = t.sinkHealth();
        Map<String, Object> sink = new LinkedHashMap<>();
        sink.put("up", h.up());
        sink.put("buffered", h.buffered());
        sink.put("dropped", h.dropped());
        sink.put("lastError", h.lastError());
        sink.put("failures", s.sinkFailures());
        m.put("sink", sink);
        m.put("ring", Map.of("size", t.ringSize(), "occupancy", t.ringOccupancy()));
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("configured", (double) t.configuredThreshold());
        thresholds.put("adjustable", options.thresholds() != null);
        m.put("thresholds", thresholds);
        m.put("model", ModelRequests.state(station));
        m.put("review", station.review() == null ? null : station.review().figures());
        m.put("trend", trend(t));
        m.put("journal", options.journal() != null);
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("handlerErrors", station.handlerErrors());
        errors.put("watchdogExpired", station.expiredByWatchdog());
        errors.put("rejectImagesSaved", station.rejectImagesSaved());
        errors.put("rejectImagesSkipped", station.rejectImagesSkipped());
        m.put("errors", errors);
        return m;
    }

    private double threshold(int line) {
        ThresholdControl control = options.thresholds();
        float now = Float.NaN;
        if (control != null) {
            try {
                now = control.current(line);
            } catch (RuntimeException e) {
                LOG.warn("threshold control could not tell line {}'s threshold: {}", line, e.toString());
            }
        }
        return round(Float.isNaN(now) ? station.telemetry().configuredThreshold() : now, 4);
    }

    /** The LSTM's interval: "forecast" {rate, lower, upper, level, horizonParts} and the samples' "lower", "upper". */
    private static void forecast(Map<String, Object> d, Map<String, Object> samples, StationTelemetry.Band b) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("rate", d.get("statistic"));
        f.put("lower", number(b.lower()));
        f.put("upper", number(b.upper()));
        f.put("level", b.level());
        f.put("horizonParts", b.horizonParts());
        d.put("forecast", f);
        List<Object> lo = new ArrayList<>(b.lowers().length);
        List<Object> hi = new ArrayList<>(b.uppers().length);
        for (int i = 0; i < b.lowers().length; i++) {
            lo.add(number((float) b.lowers()[i]));
            hi.add(number((float) b.uppers()[i]));
        }
        samples.put("lower", lo);
        samples.put("upper", hi);
    }

    private static Map<String, Object> trend(StationTelemetry t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("detectors", t.trendDetectors());
        out.put("classes", t.trendClasses());
        List<Object> lines = new ArrayList<>();
        for (int line = 0; line < t.lines(); line++) {
            List<Object> detectors = new ArrayList<>();
            for (StationTelemetry.TrendSeries s : t.trend(line)) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("name", s.detector());
                d.put("watched", s.watched());
                d.put("statistic", number(s.statistic()));
                d.put("limit", number(s.limit()));
                d.put("alarmed", s.alarmed());
                d.put("alarmsRaised", s.alarmsRaised());
                int n = s.secondsAgo().length;
                List<Object> ago = new ArrayList<>(n);
                List<Object> values = new ArrayList<>(n);
                List<Object> limits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ago.add(round(s.secondsAgo()[i], 2));
                    values.add(number((float) s.values()[i]));
                    limits.add(number((float) s.limits()[i]));
                }
                Map<String, Object> samples = new LinkedHashMap<>(Map.of("secondsAgo", ago, "value", values, "limit", limits));
                if (s.forecast() != null) forecast(d, samples, s.forecast());
                d.put("samples", samples);
                List<Object> alarms = new ArrayList<>();
                for (StationTelemetry.AlarmMarker a : s.alarms()) {
                    Map<String, Object> am = new LinkedHashMap<>();
                    am.put("secondsAgo", round(a.secondsAgo(), 2));
                    am.put("part", a.partIndex());
                    am.put("value", number((float) a.value()));
                    am.put("limit", number((float) a.limit()));
                    am.put("raised", a.raised());
                    am.put("rule", a.rule());
                    alarms.add(am);
                }
                d.put("alarms", alarms);
                detectors.add(d);
            }
            lines.add(Map.of("line", line, "detectors", detectors, "classes", classTrend(t, line)));
        }
        out.put("lines", lines);
        return out;
    }

    /**
     * The line's rate of each defect class: {@code [{class, detector, statistic, limit, alarmed, alarmsRaised, baselineRate,
     * forecast {rate, lower, upper, level, horizonParts, limitRate}, samples}]}.
     */
    private static List<Object> classTrend(StationTelemetry t, int line) {
        List<Object> out = new ArrayList<>();
        for (StationTelemetry.ClassSeries c : t.classTrend(line)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", c.defectClass());
            m.put("detector", c.detector());
            m.put("statistic", number(c.statistic()));
            m.put("limit", number(c.limit()));
            m.put("alarmed", c.alarmed());
            m.put("alarmsRaised", c.alarmsRaised());
            m.put("baselineRate", number(c.baselineRate()));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("rate", number(c.expectedRate()));
            f.put("lower", number(c.forecast().lower()));
            f.put("upper", number(c.forecast().upper()));
            f.put("level", c.forecast().level());
            f.put("horizonParts", c.forecast().horizonParts());
            f.put("limitRate", number(c.limitRate()));
            m.put("forecast", f);
            List<Object> ago = new ArrayList<>(c.values().length);
            List<Object> values = new ArrayList<>(c.values().length);
            for (int i = 0; i < c.values().length; i++) {
                ago.add(round(c.secondsAgo()[i], 2));
                values.add(number((float) c.values()[i]));
            }
            m.put("samples", Map.of("secondsAgo", ago, "value", values));
            out.add(m);
        }
        return out;
    }

    // ---- GET /api/rejects

    /** {@code GET /api/rejects?limit=N&line=L}: the journal's newest rejects. */
    Map<String, Object> rejects(Map<String, String> query) {
        int limit = StationServer.intParam(query, "limit", 20, 1, StationServer.MAX_REJECTS);
        int lines = station.telemetry().lines();
        Integer line = query.containsKey("line") ? StationServer.intParam(query, "line", 0, 0, lines - 1) : null;
        Path journal = options.journal();
        if (journal == null) throw new StationServer.HttpError(404, "no decision journal is configured for this station");
        List<DecisionJournal.Entry> found = latestRejects(journal, line, limit, station.clock().instant());
        List<Object> rows = new ArrayList<>();
        for (DecisionJournal.Entry e : found) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", e.id());
            r.put("line", e.line());
            r.put("part", e.part());
            r.put("camera", e.camera());
            r.put("captured", micros(e.captureMicros()));
            r.put("decided", micros(e.decidedMicros()));
            r.put("score", number(e.score()));
            r.put("decision", e.decision());
            r.put("reason", e.reason());
            DecisionJournal.Box b = e.defectBox();
            r.put("defectBox", b == null ? null : FrameImages.boxJson(new int[] {b.x(), b.y(), b.width(), b.height()}));
            rows.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("journal", journal.toString());
        m.put("rejects", rows);
        return m;
    }

    /**
     * The journal's newest rejects (defect and fail-safe), newest first. The journal reads oldest
     * first, so this looks back over widening windows until it has {@code limit} of them, from
     * {@code now} (the station's clock). A step of the wall clock since the journal was opened only
     * changes how many windows that takes: the last one has no bound.
     */
    static List<DecisionJournal.Entry> latestRejects(Path journal, Integer line, int limit, Instant now) {
        long[] windowsSeconds = {10, 60, 600, 3600, 86_400, -1};
        int cap = 20_000;
        List<DecisionJournal.Entry> found = new ArrayList<>();
        for (long w : windowsSeconds) {
            Instant since = w < 0 ? null : now.minusSeconds(w);
            found.clear();
            boolean truncated = false;
            try {
                for (String decision : List.of("reject", "failsafe")) {
                    List<DecisionJournal.Entry> part = DecisionJournal.query(journal, line, since, decision, cap);
                    truncated |= part.size() == cap;
                    found.addAll(part);
                }
            } catch (DecisionJournal.JournalException e) {
                throw new StationServer.HttpError(503, e.getMessage());
            }
            if (found.size() >= limit || w < 0 || truncated) break;
        }
        found.sort(Comparator.comparingLong(DecisionJournal.Entry::id).reversed());
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }

    /** A float as JSON: its shortest decimal form, null for NaN. */
    private static Object number(float v) {
        return Float.isFinite(v) ? (Object) Double.valueOf(Float.toString(v)) : null;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? (Object) v : null;
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    private static String micros(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000).toString();
    }
}
