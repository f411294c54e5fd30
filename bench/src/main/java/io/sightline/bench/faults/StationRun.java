package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.station.CameraView;
import io.sightline.station.Station;
import io.sightline.station.StationAttachments;
import io.sightline.station.StationConfig;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One real station driven through a {@link Timeline}: built, started, its clock begun, the fault's
 * hooks called at the fault's start and end, stopped after the last phase (every part already
 * captured drains to its outcome), and its figures gathered.
 */
final class StationRun {
    private StationRun() {}

    /** What the scenario does at the fault's edges (stop or restart a server, say). */
    interface Hooks {
        default void atFaultStart() throws Exception {}

        default void atFaultEnd() throws Exception {}

        /** After the last phase, before the station stops (let a source catch up, say). */
        default void atEnd() throws Exception {}
    }

    static final Hooks NO_HOOKS = new Hooks() {};

    /**
     * @param camerasRunning no camera had stopped by itself when the last phase ended
     * @param lineStopReason why the station stopped its line by itself, or null
     * @param handlerErrors exceptions that escaped a stage handler into the ring
     */
    record Figures(StationStats stats, boolean camerasRunning, String lineStopReason, int handlerErrors,
                   long expiredByWatchdog, List<SourceStats> sources, double peakHeapMb, double peakRssMb,
                   boolean rssReset, long startNanos) {}

    static Figures run(StationConfig config, ModelPackage model, List<FrameSource> sources, StationAttachments outputs,
                       Timeline t, Hooks hooks) throws Exception {
        return run(() -> Station.create(config, model, sources, outputs), t, hooks);
    }

    /** As {@link #run(StationConfig, ModelPackage, List, StationAttachments, Timeline, Hooks)}, with several views per line. */
    static Figures runWithViews(StationConfig config, ModelPackage model, List<List<CameraView>> views, StationAttachments outputs,
                                Timeline t, Hooks hooks) throws Exception {
        return run(() -> Station.createWithViews(config, model, views, outputs), t, hooks);
    }

    private static Figures run(Supplier<Station> build, Timeline t, Hooks hooks) throws Exception {
        long startNanos = System.nanoTime();
        MemoryWatch memory = MemoryWatch.start();
        try (Station station = build.get()) {
            station.start();
            t.begin();
            Timeline.sleepUntil(t.faultStart());
            hooks.atFaultStart();
            Timeline.sleepUntil(t.faultEnd());
            hooks.atFaultEnd();
            Timeline.sleepUntil(t.end());
            hooks.atEnd();
            boolean running = !station.camerasFinished();
            String stopReason = station.lineStopReason();
            StationStats stats = station.stop(Duration.ofSeconds(10));
            return new Figures(stats, running, stopReason, station.handlerErrors(), station.expiredByWatchdog(),
                    station.sourceStats(), memory.peakHeapMb(), memory.peakRssMb(), memory.rssReset(), startNanos);
        }
    }

    /**
     * The scenario's result from the run's figures and its outcome log.
     *
     * @param faultReasons the fail-safe reasons this fault can cause
     * @param sideRecovered the scenario's own condition for recovery besides the decisions (a sink
     *                      back up and delivered); true when there is none
     */
    static ScenarioResult result(FaultScenario s, Figures f, OutcomeLog log, Timeline t, Set<Outcome> faultReasons,
                                 boolean sideRecovered, String notes, Map<String, Object> details) {
        return result(s, f, log, t, faultReasons, sideRecovered, false, notes, details);
    }

    /** @param stopsLine the fault's fail-safe is to stop the line (see {@link ScenarioResult#stopsLine()}) */
    static ScenarioResult result(FaultScenario s, Figures f, OutcomeLog log, Timeline t, Set<Outcome> faultReasons,
                                 boolean sideRecovered, boolean stopsLine, String notes, Map<String, Object> details) {
        StationStats stats = f.stats();
        long recoveredAt = log.recoveredAtNanos();
        // a fault whose fail-safe is a stopped line has no recovery: there, sideRecovered says the fail-safe held
        boolean recovered = stopsLine ? sideRecovered : recoveredAt != 0 && sideRecovered;
        List<String> reasons = new ArrayList<>();
        for (Outcome o : faultReasons) reasons.add(o.reason());
        List<String> unexpected = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            if (o.isFailSafe() && !faultReasons.contains(o) && log.count(o) > 0) unexpected.add(o.reason());
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("phasesSeconds", List.of(round(t.beforeSeconds()), round(t.faultSeconds()), round(t.afterSeconds())));
        all.put("stationFailSafeByReason", stats.failSafeByReason());
        all.put("latencyP99Ms", round(stats.latencyP99Ms()));
        all.put("meanBatch", round(stats.meanBatch()));
        all.put("handlerErrors", f.handlerErrors());
        all.put("expiredByWatchdog", f.expiredByWatchdog());
        all.putAll(details);
        return new ScenarioResult(s.name(), s.fault(), null, stats.captured(), log.byKind(), stats.captured() - log.total(),
                stats.balanced(), stats.inFlight(), round(f.peakHeapMb()), round(f.peakRssMb()), !f.rssReset(),
                recoveredAt == 0 || stopsLine ? null : round((recoveredAt - t.faultEnd()) / 1e6), recovered,
                f.camerasRunning() && f.lineStopReason() == null && log.normal(Timeline.Phase.AFTER) > 0,
                f.lineStopReason(), stopsLine,
                reasons, unexpected, log.failSafe(Timeline.Phase.BEFORE), log.normal(Timeline.Phase.AFTER),
                round((System.nanoTime() - f.startNanos()) / 1e9), notes, all);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
