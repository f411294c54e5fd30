package io.sightline.postprocess.trend;

/**
 * Watches the stream of each line's parts and warns when the line drifts towards making scrap.
 *
 * <pre>
 *   per part: update(line, partIndex, time, defectScore, rejected)
 *       --invalid score (NaN, outside [0,1])--> counted in invalidScores(line), never used
 *       --the line's baseline (its first baselineParts parts): estimates the in-control level
 *       --detector statistic--> above the limit: TrendAlarm raised (once)
 *                               back below the clear level (hysteresis): TrendAlarm cleared
 * </pre>
 *
 * <p>Lines are independent: nothing one line feeds changes another's state. {@link #update}
 * allocates nothing unless it raises or clears an alarm. Not thread-safe: one thread feeds it
 * (the station's decision thread).
 */
public interface TrendTracker {
    /** Receives alarms as they are raised and cleared, on the feeding thread. */
    interface Listener {
        Listener NONE = alarm -> { };

        void onAlarm(TrendAlarm alarm);
    }

    /** "ewma", "cusum", "pchart", "lstm". */
    String name();

    int lines();

    /**
     * Feeds one part of {@code line}.
     *
     * @param defectScore 1 - p(ok), in [0, 1]; anything else is counted and ignored
     * @param rejected whether the part was rejected (for defect or fail-safe)
     */
    void update(int line, long partIndex, long timeNanos, float defectScore, boolean rejected);

    /** Whether the line's alarm is raised now. */
    boolean alarmed(int line);

    /** Scores of this line that were NaN or outside [0, 1]. */
    long invalidScores(int line);

    /** The current statistic of the line (NaN while the baseline is still being learnt). */
    double statistic(int line);

    /** The limit the statistic is compared with (NaN while the baseline is still being learnt). */
    double limit(int line);

    void setListener(Listener listener);

    /**
     * The tracker's one sensitivity parameter (a chart's limit factor, the LSTM's forecast limit):
     * higher means fewer alarms. {@link TrendEvaluation#matchFalseAlarmRate} sets it.
     */
    double sensitivity();

    void setSensitivity(double value);

    /**
     * Starts the line's statistic afresh and lowers its alarm without telling the listener, keeping
     * what the baseline learnt: what happens when an operator acknowledges an alarm. May be called
     * from the listener.
     */
    void restartLine(int line);

    /** Forgets everything learnt and seen, as if new. */
    void reset();
}
