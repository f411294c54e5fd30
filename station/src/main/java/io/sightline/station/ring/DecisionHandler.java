package io.sightline.station.ring;

import com.lmax.disruptor.EventHandler;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.PartAssembler;
import io.sightline.station.outcome.LineThresholds;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.outcome.RejectImages;
import io.sightline.station.outcome.TrendStage;
import io.sightline.station.outcome.ViewAssembly;
import io.sightline.station.telemetry.LatestFrames;

/**
 * The last handler: turns each frame's state into its one outcome. A frame whose deadline has
 * passed is a fail-safe reject whatever its score (the ejector has already acted); an unreadable or
 * failed frame is a fail-safe reject; otherwise the line's threshold decides from the score. If the deadline
 * watchdog already recorded the frame as late, the decision is discarded and counted. Every
 * decided part then goes to the line's trend trackers ({@link TrendStage}).
 *
 * <p>On a line with several views the frame's outcome is its view's, and the part's one outcome
 * comes from the {@link ViewAssembly} once every view is in; the trend then sees the part (its
 * largest score), when every view was scored, with no defect class (no one view's class is the part's). A rejected view's frame is the one saved as an image.
 *
 * <p>A frame rejected for a defect by a model with a defect map carries its defect box (frame
 * pixels): the journal records it with the outcome (one-view lines; a part of several views has
 * none, as no one view's box is the part's), the saved image and the dashboard's frame draw it.
 */
final class DecisionHandler implements EventHandler<FrameEvent> {
    private final LineThresholds thresholds;
    private final OutcomeRecorder recorder;
    private final TrendStage trend;
    private final RejectImages images;
    private final ViewAssembly parts;
    private final String[][] viewNames;
    private final LatestFrames latest;
    private final PartAssembler.Part decided = new PartAssembler.Part();
    private long discardedLate;
    /** Where parts scored near their threshold are offered for review; null: nowhere. Set before the ring starts. */
    private io.sightline.station.review.ReviewQueue review;

    /** One-camera lines, no reject images (the stage benchmarks). */
    DecisionHandler(LineThresholds thresholds, OutcomeRecorder recorder, TrendStage trend) {
        this(thresholds, recorder, trend, null, ViewAssembly.none(recorder), new String[0][]);
    }

    /**
     * @param thresholds each line's decision threshold (changeable while running)
     * @param images where rejected parts' frames are saved; null: nowhere
     * @param parts where the outcomes of lines with several views are assembled into parts
     * @param viewNames per line, its views' names (for reject images)
     */
    DecisionHandler(LineThresholds thresholds, OutcomeRecorder recorder, TrendStage trend, RejectImages images, ViewAssembly parts,
                    String[][] viewNames) {
        this(thresholds, recorder, trend, images, parts, viewNames, null);
    }

    /** @param latest where each camera's latest decided frame is copied for the dashboard; null: nowhere */
    DecisionHandler(LineThresholds thresholds, OutcomeRecorder recorder, TrendStage trend, RejectImages images, ViewAssembly parts,
                    String[][] viewNames, LatestFrames latest) {
        this.latest = latest;
        this.thresholds = thresholds;
        this.recorder = recorder;
        this.trend = trend;
        this.images = images;
        this.parts = parts;
        this.viewNames = viewNames;
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        if (!e.claimOutcome()) {
            discardedLate++;
            return;
        }
        long now = System.nanoTime();
        Outcome outcome;
        if (now - e.deadlineNanos > 0) {
            outcome = Outcome.FAILSAFE_LATE;
        } else if (e.status == FrameEvent.STATUS_UNREADABLE) {
            outcome = Outcome.FAILSAFE_UNREADABLE;
        } else if (e.status != FrameEvent.STATUS_OK) {
            outcome = Outcome.FAILSAFE_ERROR;
        } else {
            outcome = thresholds.decide(e.line, e.defectScore);
        }
        boolean multiView = parts.multiView(e.line);
        int boxWidth = outcome == Outcome.REJECT_DEFECT && e.hasDefectBox ? e.boxWidth : 0; // 0: no box
        if (images != null && (outcome == Outcome.REJECT_DEFECT || outcome == Outcome.FAILSAFE_ERROR)) {
            // before the outcome frees the slot
            images.offer(e.line, e.partId, multiView ? viewNames[e.line][e.view] : null, outcome, e.framePixels(),
                    e.boxX, e.boxY, boxWidth, e.boxHeight);
        }
        if (review != null && e.status == FrameEvent.STATUS_OK && (outcome == Outcome.PASS || outcome == Outcome.REJECT_DEFECT)) {
            float threshold = thresholds.value(e.line);
            if (review.near(e.defectScore, threshold)) {
                review.offer(e.line, io.sightline.station.review.ReviewQueue.NEAR_THRESHOLD, e.framePixels(), e.defectScore, threshold, e.partId);
            }
        }
        if (!multiView) {
            recorder.record(e.line, e.partId, e.truth, outcome, e.defectScore, e.captureNanos, e.deadlineNanos, now,
                    e.boxX, e.boxY, boxWidth, e.boxHeight, e.status == FrameEvent.STATUS_OK ? e.model : -1);
            trend.onOutcome(e.line, e.partId, e.captureNanos, outcome, e.defectScore, e.defectClass);
        } else if (parts.viewOutcome(e.line, e.view, e.partId, e.truth, outcome, e.defectScore, e.captureNanos, e.deadlineNanos,
                now, decided)) {
            trend.onOutcome(e.line, decided.partId(), decided.captureNanos(), decided.outcome(), decided.defectScore());
        }
        // after the signal went out; the slot is still this handler's until it returns
        if (latest != null && e.status == FrameEvent.STATUS_OK) { // an unreadable frame has no pixels
            latest.offer(e.line, e.view, e.framePixels(), e.partId, outcome, e.defectScore, e.boxX, e.boxY, boxWidth, e.boxHeight, now);
        }
    }

    /** Offers parts scored near their threshold to {@code queue} (see {@link io.sightline.station.review.ReviewQueue}). */
    void reviewInto(io.sightline.station.review.ReviewQueue queue) {
        this.review = queue;
    }

    /** Frames the watchdog had already recorded as late when their decision arrived. */
    long discardedLate() {
        return discardedLate;
    }
}
