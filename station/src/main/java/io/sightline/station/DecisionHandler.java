package io.sightline.station;

import com.lmax.disruptor.EventHandler;
import io.sightline.postprocess.DecisionPolicy;
import io.sightline.postprocess.Outcome;

/**
 * The last handler: turns each frame's state into its one outcome. A frame whose deadline has
 * passed is a fail-safe reject whatever its score (the ejector has already acted); an unreadable or
 * failed frame is a fail-safe reject; otherwise the policy decides from the score. If the deadline
 * watchdog already recorded the frame as late, the decision is discarded and counted. Every
 * decided part then goes to the line's trend trackers ({@link TrendStage}).
 */
final class DecisionHandler implements EventHandler<FrameEvent> {
    private final DecisionPolicy policy;
    private final OutcomeRecorder recorder;
    private final TrendStage trend;
    private final RejectImages images;
    private long discardedLate;

    DecisionHandler(DecisionPolicy policy, OutcomeRecorder recorder, TrendStage trend) {
        this(policy, recorder, trend, null);
    }

    /** @param images where rejected parts' frames are saved; null: nowhere */
    DecisionHandler(DecisionPolicy policy, OutcomeRecorder recorder, TrendStage trend, RejectImages images) {
        this.policy = policy;
        this.recorder = recorder;
        this.trend = trend;
        this.images = images;
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
            outcome = policy.decide(e.defectScore);
        }
        if (images != null && (outcome == Outcome.REJECT_DEFECT || outcome == Outcome.FAILSAFE_ERROR)) {
            images.offer(e.line, e.partId, outcome, e.pixels); // before the outcome frees the slot
        }
        recorder.record(e.line, e.partId, e.truth, outcome, e.defectScore, e.captureNanos, e.deadlineNanos, now);
        trend.onOutcome(e.line, e.partId, e.captureNanos, outcome, e.defectScore);
    }

    /** Frames the watchdog had already recorded as late when their decision arrived. */
    long discardedLate() {
        return discardedLate;
    }
}
