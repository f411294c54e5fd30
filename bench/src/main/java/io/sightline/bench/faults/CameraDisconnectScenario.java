package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.capture.ReconnectingSource;
import io.sightline.postprocess.Outcome;
import io.sightline.station.StationAttachments;
import io.sightline.station.telemetry.SourceStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Camera disconnect: line 0's network camera loses its link for 5 s (full length) and comes back;
 * line 1 carries on. The camera is wrapped in the station's real {@link ReconnectingSource} with its
 * default backoff (100 ms doubling to 5 s), exactly as {@code FrameSources} wraps streams and
 * cameras. The parts that passed while it was gone are counted from the camera's nominal rate and
 * must each be a fail-safe {@code missed} reject; after the reconnect, decisions are normal again.
 */
final class CameraDisconnectScenario implements FaultScenario {
    static final double FPS_PER_LINE = 100;

    @Override
    public String name() {
        return "camera-disconnect";
    }

    @Override
    public String fault() {
        return "line 0's network camera loses its link for 5 s, then comes back (line 1 carries on)";
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(5, 1.5), ctx.seconds(10, 3));
        NetworkCamera camera = new NetworkCamera("gige:line-0", ctx.replay(0), t, FPS_PER_LINE);
        try {
            ReconnectingSource line0 = new ReconnectingSource("gige:line-0", camera::open, ReconnectingSource.Backoff.DEFAULT,
                    FPS_PER_LINE);
            List<FrameSource> sources = new ArrayList<>();
            sources.add(line0);
            sources.add(new TriggeredCamera("triggered:line-1", ctx.replay(1), t, FPS_PER_LINE, FPS_PER_LINE));
            OutcomeLog log = new OutcomeLog(t);
            StationRun.Figures f = StationRun.run(ctx.config(FPS_PER_LINE, FaultContext.RELAXED_DEADLINE_MILLIS), ctx.model(),
                    sources, StationAttachments.of(log), t, StationRun.NO_HOOKS);
            SourceStats s0 = f.sources().get(0);
            SourceStats s1 = f.sources().get(1);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("reconnects", line0.reconnects());
            d.put("failedReconnectAttempts", line0.failedAttempts());
            d.put("outageMs", StationRun.round(line0.outageNanos() / 1e6));
            d.put("framesLostByNominalRate", line0.framesLost());
            d.put("missedLine0", s0.missed());
            d.put("missedLine1", s1.missed());
            d.put("lastError", s0.lastError());
            String notes = String.format(Locale.ROOT, "link down %.1f s; the source was out %.0f ms (backoff 100 ms doubling) and"
                            + " counted %d frames lost at %.0f fps, each a missed fail-safe; line 1 went on",
                    t.faultSeconds(), line0.outageNanos() / 1e6, line0.framesLost(), FPS_PER_LINE);
            return StationRun.result(this, f, log, t, Set.of(Outcome.FAILSAFE_MISSED), true, notes, d);
        } finally {
            camera.close();
        }
    }
}
