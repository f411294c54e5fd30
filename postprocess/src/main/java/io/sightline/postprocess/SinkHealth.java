package io.sightline.postprocess;

/**
 * A sink's state, for the station's status and errors.
 *
 * @param up whether the destination is reachable now
 * @param buffered signals waiting to be delivered
 * @param dropped signals lost because the buffer was full (a station error: raise it)
 * @param lastError the last delivery or connection error, or null
 */
public record SinkHealth(boolean up, long buffered, long dropped, String lastError) {
    public static final SinkHealth UP = new SinkHealth(true, 0, 0, null);
}
