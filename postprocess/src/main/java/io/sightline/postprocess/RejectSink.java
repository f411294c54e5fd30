package io.sightline.postprocess;

/**
 * Where reject signals go: the ejector, a PLC, a broker, a log.
 *
 * <p>Called for every rejected part (defect or fail-safe) from the thread that recorded the
 * outcome, possibly several threads at once, so implementations are thread-safe. A sink must never
 * block the caller for long: one that is down buffers within a bound and counts what it drops.
 * Arguments are primitives so the caller allocates nothing.
 */
public interface RejectSink extends AutoCloseable {
    /**
     * @param line production line index
     * @param partId the part's id on its line
     * @param reason why it is rejected
     * @param defectScore the model's score, or NaN when the part was never scored
     * @param deadlineNanos {@link System#nanoTime()} at which the part reaches the ejector
     */
    void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos);

    /**
     * Every part's result, pass included, after it is journaled: for sinks that report per-part
     * results (a PLC's result registers, a broker's results topic). Same threading rules as
     * {@link #reject}.
     */
    default void result(int line, long partId, Outcome outcome, float defectScore) {}

    /** Whether the sink reaches its destination now, and what it buffered or dropped. */
    default SinkHealth health() {
        return SinkHealth.UP;
    }

    /**
     * A line's trend alarm, raised or cleared: the line is drifting towards scrap (or is back).
     * Sent to the same outputs as rejects; sinks that cannot carry it ignore it.
     */
    default void trendAlarm(io.sightline.postprocess.trend.TrendAlarm alarm) {}

    @Override
    default void close() {}
}
