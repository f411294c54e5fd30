package io.sightline.station.web;

/**
 * Changes a running station's reject threshold: what {@code POST /api/thresholds} calls once the
 * request passed the server's checks (token, loopback, JSON, a threshold in (0, 1], a line the
 * station has). The station side implements it; the server only validates and forwards.
 */
@FunctionalInterface
public interface ThresholdControl {
    /**
     * Sets the reject threshold of one line, or of every line.
     *
     * @param line the line, or null for every line
     * @param threshold the new threshold, in (0, 1]
     * @param requestedBy who asked, for the station's log and journal: e.g. {@code "http 127.0.0.1 (token)"},
     *                    or {@code "alice via http 10.0.0.7 (token)"} when the request names its operator
     * @return what was done, for the operator (e.g. "line 1: threshold 0.6 (was 0.5)")
     * @throws IllegalArgumentException when the station refuses the value: the client gets 400 with its message
     */
    String apply(Integer line, float threshold, String requestedBy);

    /** The threshold the line runs at now; NaN when this control cannot tell (the dashboard then shows the configured one). */
    default float current(int line) {
        return Float.NaN;
    }
}
