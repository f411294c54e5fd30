package io.sightline.station.outcome;

import io.sightline.postprocess.DecisionPolicy;
import io.sightline.postprocess.Outcome;

/**
 * The decision thresholds in force, one per line, changeable while the station runs (a config
 * reload, the dashboard's authenticated endpoint). The decision thread reads one volatile array per
 * frame and allocates nothing; a change publishes a new array, so a frame is decided wholly under
 * the old threshold or wholly under the new one.
 */
public final class LineThresholds {
    private volatile DecisionPolicy[] policies;

    public LineThresholds(int lines, float threshold) {
        DecisionPolicy p = new DecisionPolicy(threshold);
        DecisionPolicy[] all = new DecisionPolicy[lines];
        java.util.Arrays.fill(all, p);
        this.policies = all;
    }

    /** The decision for one scored frame of {@code line}. */
    public Outcome decide(int line, float defectScore) {
        return policies[line].decide(defectScore);
    }

    /** One line's threshold now; allocates nothing. */
    public float value(int line) {
        return policies[line].rejectThreshold();
    }

    public int lines() {
        return policies.length;
    }

    /** Each line's threshold now. */
    public float[] values() {
        DecisionPolicy[] p = policies;
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) out[i] = p[i].rejectThreshold();
        return out;
    }

    /** @throws IllegalArgumentException naming the line or value when either is out of range */
    public void check(Integer line, float threshold) {
        if (line != null && (line < 0 || line >= policies.length)) {
            throw new IllegalArgumentException("line: expected 0 to " + (policies.length - 1) + ", got " + line);
        }
        if (!(threshold > 0f && threshold <= 1f)) {
            throw new IllegalArgumentException("threshold: expected a score in (0, 1], got " + threshold);
        }
    }

    /**
     * Sets one line's threshold, or every line's ({@code line} null); returns the thresholds before.
     *
     * @throws IllegalArgumentException naming the line or value when either is out of range
     */
    public synchronized float[] set(Integer line, float threshold) {
        check(line, threshold);
        float[] before = values();
        DecisionPolicy p = new DecisionPolicy(threshold);
        DecisionPolicy[] next = policies.clone();
        if (line == null) java.util.Arrays.fill(next, p);
        else next[line] = p;
        policies = next;
        return before;
    }
}
