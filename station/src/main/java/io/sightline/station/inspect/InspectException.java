package io.sightline.station.inspect;

/** An inspection request refused, with the HTTP status to answer and a message naming the problem. */
public final class InspectException extends Exception {
    private final int status;

    public InspectException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400 (corrupt image), 404 (unknown line), 413 (too large), 415 (wrong type), 422 (wrong size), 503 (queue full). */
    public int status() {
        return status;
    }
}
