package io.sightline.bench.faults;

import io.sightline.postprocess.Outcome;
import io.sightline.station.CameraView;
import io.sightline.station.StationAttachments;
import io.sightline.station.telemetry.SourceStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Several views per part under camera loss: each of the two lines sees every part with two
 * hardware-triggered cameras ({@code top} and {@code side}, one trigger counter per line, the
 * station's {@code Station.createWithViews}), and line 0's side camera dies for 10 s (full length):
 * its triggers go on, as the parts pass it, but no frame comes out. A replacement is in its place
 * at the fault's end, and its first frame carries the line's trigger counter, which has moved on.
 *
 * <p>What must happen: every part still gets exactly one outcome. A part whose side view was lost
 * is a fail-safe {@code missing-view} reject (decided at its deadline by the watchdog, or as soon
 * as the replacement's first frame shows the gap), or a defect reject where its top view saw a
 * defect; no part is decided twice (the lost view's gap reaching an already decided part is a late
 * view, counted); the station counts exactly one missing view per lost frame; line 1 and the parts
 * before and after the fault are untouched.
 */
final class ViewLossScenario implements FaultScenario {
    static final double FPS_PER_LINE = 50;
    static final String[] VIEWS = {"top", "side"};

    @Override
    public String name() {
        return "view-camera-loss";
    }

    @Override
    public String fault() {
        return "2 views per part on each line; line 0's side camera dies for 10 s (its parts pass unseen), then a replacement";
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(10, 2), ctx.seconds(10, 3));
        List<List<CameraView>> views = new ArrayList<>();
        TriggeredCamera dying = null;
        for (int line = 0; line < FaultContext.LINES; line++) {
            List<CameraView> ofLine = new ArrayList<>();
            for (String view : VIEWS) {
                boolean dies = line == 0 && view.equals("side");
                TriggeredCamera c = new TriggeredCamera("triggered:line-" + line + "-" + view, ctx.replay(line), t, FPS_PER_LINE,
                        FPS_PER_LINE, dies);
                if (dies) dying = c;
                ofLine.add(new CameraView(view, c));
            }
            views.add(ofLine);
        }
        OutcomeLog log = new OutcomeLog(t);
        StationRun.Figures f = StationRun.runWithViews(ctx.config(FPS_PER_LINE, FaultContext.RELAXED_DEADLINE_MILLIS), ctx.model(),
                views, StationAttachments.of(log), t, StationRun.NO_HOOKS);
        Map<String, Object> d = new LinkedHashMap<>();
        long lost = dying.undelivered();
        long missingViews = 0;
        long missingElsewhere = 0;
        long lateViews = 0;
        Map<String, Long> missingByView = new LinkedHashMap<>();
        for (SourceStats s : f.sources()) {
            String key = "line-" + s.line() + "-" + s.view();
            missingByView.put(key, s.missingViews());
            lateViews += s.lateViews();
            if (s.line() == 0 && "side".equals(s.view())) missingViews = s.missingViews();
            else missingElsewhere += s.missingViews();
        }
        long missingViewOutcomes = log.count(Outcome.FAILSAFE_MISSING_VIEW);
        d.put("viewsPerLine", VIEWS.length);
        d.put("framesLost", lost);
        d.put("missingViewsOfLostCamera", missingViews);
        d.put("missingViewsElsewhere", missingElsewhere);
        d.put("missingViewsByView", missingByView);
        d.put("lateViews", lateViews);
        d.put("missingViewOutcomes", missingViewOutcomes);
        d.put("defectRejectsDuringFault", log.count(Timeline.Phase.FAULT, Outcome.REJECT_DEFECT));
        boolean exact = lost > 0 && missingViews == lost && missingElsewhere == 0;
        String notes = String.format(Locale.ROOT, "line 0's side camera lost %d frames; the station counted %d parts missing"
                        + " that view (%d elsewhere), %d of them missing-view fail-safes and the rest rejected on their top"
                        + " view's defect; %d late views ignored",
                lost, missingViews, missingElsewhere, missingViewOutcomes, lateViews);
        return StationRun.result(this, f, log, t, Set.of(Outcome.FAILSAFE_MISSING_VIEW), exact, notes, d);
    }
}
