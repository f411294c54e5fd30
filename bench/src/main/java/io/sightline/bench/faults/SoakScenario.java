package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.station.StationAttachments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A soak: the line's triggered cameras at 80 % of the maximum sustainable rate (found as the
 * overload scenario finds it, {@link OverloadScenario#maxRate}) for an hour (full length; the
 * {@code --scale} shortens it), with the decision journal on, while a {@link MemorySampler} takes
 * the heap used after a full GC and the RSS every few seconds (5 s; a tenth of a soak shorter than
 * 50 s, at least 1 s).
 *
 * <p>It is not a fault: the "fault" phase is the soak itself, between two short phases at the
 * same rate. What must show: every part accounted for, the journal holding every outcome, and
 * memory that does not grow: the start, end and least-squares slope (MB per hour) of the heap
 * after GC and of the RSS are the soak's figures. Alone on the machine 80 % of the sustainable
 * rate leaves the station room and there is no fail-safe; on a machine shared with other work the
 * station may shed a stall's frames as {@code ring-full} or {@code late} (counted and reported,
 * as in the overload), so those are the reasons the soak allows.
 */
final class SoakScenario implements FaultScenario {
    static final double RATE_FRACTION = 0.8;
    static final double FULL_SECONDS = 3600;

    private final double fullSeconds;

    SoakScenario() {
        this(FULL_SECONDS);
    }

    /** @param fullSeconds the soak's full length, before the context's scale (a test shortens it further) */
    SoakScenario(double fullSeconds) {
        this.fullSeconds = fullSeconds;
    }

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public String fault() {
        return "none: triggered cameras at 80 % of the maximum sustainable rate for " + Math.round(fullSeconds / 60)
                + " min (full length), heap after GC and RSS sampled";
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        FaultContext.MaxRate max = OverloadScenario.maxRate(ctx);
        double fps = RATE_FRACTION * max.fps();
        Timeline t = new Timeline(ctx.seconds(10, 2), ctx.seconds(fullSeconds, 10), ctx.seconds(10, 2));
        double interval = Math.max(1, Math.min(5, t.faultSeconds() / 10));
        ctx.log().printf(Locale.ROOT, "soak: %.0f frames/s (80 %% of %.0f) for %.0f s, memory sampled every %.0f s%n", fps, max.fps(),
                t.faultSeconds(), interval);
        List<FrameSource> sources = new ArrayList<>();
        for (int i = 0; i < FaultContext.LINES; i++) {
            sources.add(new TriggeredCamera("triggered:line-" + i, ctx.replay(i), t, fps / FaultContext.LINES, fps / FaultContext.LINES));
        }
        Path journalFile = ctx.newDir("soak-").resolve("journal.db");
        OutcomeLog log = new OutcomeLog(t);
        StationRun.Figures f;
        MemorySampler memory;
        long journaled;
        try (DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"line-0", "line-1"},
                ctx.model().info().name() + " " + ctx.model().info().version(), "none", false)) {
            MemorySampler[] sampler = new MemorySampler[1];
            try {
                f = StationRun.run(ctx.config(fps / FaultContext.LINES, FaultContext.RELAXED_DEADLINE_MILLIS), ctx.model(), sources,
                        StationAttachments.of(log).withJournal(journal), t, new StationRun.Hooks() {
                            @Override
                            public void atFaultStart() {
                                sampler[0] = new MemorySampler(interval, ctx.log());
                            }

                            @Override
                            public void atFaultEnd() throws InterruptedException {
                                sampler[0].close();
                            }
                        });
            } finally {
                if (sampler[0] != null) sampler[0].close();
            }
            memory = sampler[0];
            journaled = journal.appended();
        }
        MemorySampler.Series heap = memory.heap();
        MemorySampler.Series rss = memory.rss();
        long failSafe = log.failSafe(Timeline.Phase.BEFORE) + log.failSafe(Timeline.Phase.FAULT) + log.failSafe(Timeline.Phase.AFTER);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("maxSustainableFps", StationRun.round(max.fps()));
        d.put("search", max.how());
        d.put("soakFps", StationRun.round(fps));
        d.put("soakSeconds", StationRun.round(t.faultSeconds()));
        d.put("sampleIntervalS", interval);
        d.put("samples", memory.samples().size());
        d.put("maxForcedGcMs", StationRun.round(memory.maxGcMs()));
        d.put("failSafe", failSafe);
        d.put("heapAfterGcStartMb", StationRun.round(heap.startMb()));
        d.put("heapAfterGcEndMb", StationRun.round(heap.endMb()));
        d.put("heapAfterGcSlopeMbPerHour", StationRun.round(heap.slopeMbPerHour()));
        d.put("rssStartMb", StationRun.round(rss.startMb()));
        d.put("rssEndMb", StationRun.round(rss.endMb()));
        d.put("rssSlopeMbPerHour", StationRun.round(rss.slopeMbPerHour()));
        d.put("decidedDuringSoakFps", StationRun.round((log.normal(Timeline.Phase.FAULT) + log.failSafe(Timeline.Phase.FAULT)) / t.faultSeconds()));
        d.put("journaled", journaled);
        String notes = String.format(Locale.ROOT, "%.0f frames/s for %.0f s (80 %% of %.0f sustainable), %d fail-safe; %d samples:"
                        + " heap after GC %.1f -> %.1f MB (%+.1f MB/h), RSS %.0f -> %.0f MB (%+.1f MB/h)",
                fps, t.faultSeconds(), max.fps(), failSafe, memory.samples().size(), heap.startMb(), heap.endMb(), heap.slopeMbPerHour(),
                rss.startMb(), rss.endMb(), rss.slopeMbPerHour());
        return StationRun.result(this, f, log, t, Set.of(Outcome.FAILSAFE_RING_FULL, Outcome.FAILSAFE_LATE), memory.samples().size() >= 3
                && journaled == f.stats().captured(), notes, d);
    }
}
