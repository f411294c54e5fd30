package io.sightline.capture;

/**
 * The source itself is gone (connection closed, camera unplugged or powered off, stream ended
 * unexpectedly), as opposed to one frame that could not be read. A {@link ReconnectingSource}
 * re-opens the source when it sees this; everywhere else it is a {@link CaptureException} like any
 * other.
 */
public class SourceLostException extends CaptureException {
    private static final long serialVersionUID = 1L;

    public SourceLostException(String message) {
        super(message);
    }

    public SourceLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
