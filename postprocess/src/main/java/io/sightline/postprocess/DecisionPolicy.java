package io.sightline.postprocess;

/**
 * Turns a defect score into PASS or REJECT. The threshold is the station's (config and
 * calibration), never the model's: the same model runs at different operating points on different
 * lines. A score that is not a number is never a pass.
 */
public final class DecisionPolicy {
    private final float rejectThreshold;

    /** @param rejectThreshold a part whose defect score is at or above this is rejected; in (0, 1] */
    public DecisionPolicy(float rejectThreshold) {
        if (!(rejectThreshold > 0f && rejectThreshold <= 1f)) {
            throw new IllegalArgumentException("decision threshold must be in (0, 1], got " + rejectThreshold);
        }
        this.rejectThreshold = rejectThreshold;
    }

    public float rejectThreshold() {
        return rejectThreshold;
    }

    public Outcome decide(float defectScore) {
        if (defectScore >= rejectThreshold) return Outcome.REJECT_DEFECT;
        if (defectScore < rejectThreshold) return Outcome.PASS;
        return Outcome.FAILSAFE_ERROR; // NaN: the model produced garbage for this frame
    }
}
