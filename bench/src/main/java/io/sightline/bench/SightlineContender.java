package io.sightline.bench;

import io.sightline.capture.FrameSource;
import io.sightline.capture.ReplaySource;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.station.Station;
import io.sightline.station.StationConfig;
import io.sightline.station.TriggerSchedule;
import io.sightline.station.telemetry.StationStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The station itself: for every step a fresh {@link Station} with the given config, its camera
 * loops fed by replays of recorded frames on a {@link TriggerSchedule.Overrun#CATCH_UP catch-up}
 * schedule (open loop), and a sink that only counts. The model package is loaded once and shared
 * by the steps, as a station would keep it. Public for the fault scenarios' search of the rate to
 * overload ({@code io.sightline.bench.faults}).
 */
public final class SightlineContender implements Contender {
    private final ModelPackage model;
    private final List<ReplaySource> replays;
    private final StationConfig base;
    /** Started beside each step's station once it runs, closed before it stops (null: none). */
    private java.util.function.Function<Station, AutoCloseable> sideLoad;

    /**
     * @param replays one per line; each step runs on copies, the station closing them
     */
    public SightlineContender(ModelPackage model, List<ReplaySource> replays, StationConfig base) {
        if (replays.size() != base.lines()) {
            throw new IllegalArgumentException(base.lines() + " lines but " + replays.size() + " replays");
        }
        this.model = model;
        this.replays = replays;
        this.base = base.withOverrun(TriggerSchedule.Overrun.CATCH_UP);
    }

    /**
     * Other work each step's station does beside its lines (e.g. inspection API requests), so the
     * rate found sustainable is the rate with that work: {@code start} runs once the station has
     * started, and what it returns is closed before the station stops.
     */
    public SightlineContender withSideLoad(java.util.function.Function<Station, AutoCloseable> start) {
        this.sideLoad = start;
        return this;
    }

    @Override
    public String name() {
        return "sightline";
    }

    @Override
    public StepResult runStep(double offeredFps, double seconds) throws Exception {
        double perLine = offeredFps / base.lines();
        long framesPerLine = Math.max(1, Math.round(perLine * seconds));
        StationConfig config = base.withFps(perLine).withMaxFramesPerLine(framesPerLine);
        List<FrameSource> sources = new ArrayList<>();
        for (int i = 0; i < replays.size(); i++) sources.add(replays.get(i).copy("replay:line-" + i));
        StationStats s;
        long cpu;
        long wall;
        try (Station station = Station.create(config, model, sources, new NullSink())) {
            station.start(); // warms every batch shape before the first frame
            long cpu0 = CpuTime.processNanos();
            long t0 = System.nanoTime();
            try (AutoCloseable side = sideLoad == null ? null : sideLoad.apply(station)) {
                while (!station.camerasFinished()) Thread.sleep(5);
            }
            s = station.stop(Duration.ofSeconds(2));
            wall = System.nanoTime() - t0;
            cpu = CpuTime.processNanos() - cpu0;
        }
        long decided = s.passed() + s.rejected() + s.failSafe();
        return new StepResult(name(), offeredFps, s.elapsedSeconds(), s.captured(), decided, s.failSafe(),
                s.failSafeByReason(), s.throughputFps(), s.latencyP50Ms(), s.latencyP99Ms(), s.latencyP999Ms(),
                s.latencyMaxMs(), s.meanBatch(), s.batchHistogram(), CpuTime.utilisation(cpu, wall), s.cameraOverruns(),
                s.balanced() && s.inFlight() == 0);
    }

    @Override
    public void close() {
        // the replays and the model belong to the caller
    }

    /** Reject signals go nowhere: the benchmark measures the pipeline, not a PLC. */
    private static final class NullSink implements RejectSink {
        @Override
        public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        }
    }
}
