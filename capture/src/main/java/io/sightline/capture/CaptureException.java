package io.sightline.capture;

/** A frame could not be produced or read; the message names the source and what went wrong. */
public class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
