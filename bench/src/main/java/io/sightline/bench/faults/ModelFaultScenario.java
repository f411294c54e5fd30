package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.station.StationAttachments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model fails on some inputs: the station runs a real TensorFlow SavedModel generated from the
 * default one ({@link FaultModels}) that returns NaN for marked frames ({@code model-nan}), or whose
 * session run throws for every batch holding one ({@code model-throws}). For 10 s (full length)
 * every 10th frame of each line is marked ({@link MarkingSource}). The marked frames must be
 * fail-safe {@code error} rejects, every other frame decided on its merits, and the workers must go
 * on with the next batch. One inspection worker, so that a marked frame shares its batch with good
 * frames (batches of about 3 at this rate): the throwing model fails the whole batch.
 */
final class ModelFaultScenario implements FaultScenario {
    static final double FPS_PER_LINE = 200;
    static final int EVERY = 10;

    private final FaultModels.Kind kind;

    ModelFaultScenario(FaultModels.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind == FaultModels.Kind.NAN ? "model-nan" : "model-throws";
    }

    @Override
    public String fault() {
        return kind == FaultModels.Kind.NAN
                ? "the model returns NaN for every 10th frame for 10 s"
                : "the model's session run throws (CheckNumerics) for every batch holding one of every 10th frame, for 10 s";
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        ModelPackage model = ctx.faultModel(kind);
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(10, 2), ctx.seconds(5, 2));
        List<FrameSource> sources = new ArrayList<>();
        List<MarkingSource> markers = new ArrayList<>();
        for (int i = 0; i < FaultContext.LINES; i++) {
            TriggeredCamera camera = new TriggeredCamera("triggered:line-" + i, ctx.replay(i), t, FPS_PER_LINE, FPS_PER_LINE);
            MarkingSource m = new MarkingSource(camera, t, EVERY, SyntheticPartCamera.defaultRoi(camera.maxWidth(), camera.maxHeight()));
            markers.add(m);
            sources.add(m);
        }
        OutcomeLog log = new OutcomeLog(t);
        // one inspection worker: it gets every frame, 2.5 ms apart, so batches of several frames form at a
        // load the machine takes easily, and a marked frame shares its batch with good ones
        StationRun.Figures f = StationRun.run(ctx.config(FPS_PER_LINE, FaultContext.RELAXED_DEADLINE_MILLIS).withWorkers(1), model, sources,
                StationAttachments.of(log), t, StationRun.NO_HOOKS);
        long marked = 0;
        for (MarkingSource m : markers) marked += m.markedFrames();
        long errors = log.count(Outcome.FAILSAFE_ERROR);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", model.info().name());
        d.put("markedFrames", marked);
        d.put("errorsPerMarkedFrame", marked == 0 ? 0 : StationRun.round((double) errors / marked));
        d.put("normalDuringFault", log.normal(Timeline.Phase.FAULT));
        String notes = String.format(Locale.ROOT, "%d marked frames, %d error fail-safes (%.2f per marked frame); %d normal"
                        + " decisions during the fault, %d after it", marked, errors, marked == 0 ? 0.0 : (double) errors / marked,
                log.normal(Timeline.Phase.FAULT), log.normal(Timeline.Phase.AFTER));
        return StationRun.result(this, f, log, t, Set.of(Outcome.FAILSAFE_ERROR), true, notes, d);
    }
}
