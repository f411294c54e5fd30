package io.sightline.capture;

/**
 * Anything that produces frames: a synthetic part camera, a video file, a stream, a camera.
 *
 * <p>A source is driven by one thread. {@link #grab()} returns the next frame in a buffer the
 * source owns ({@link CapturedFrame}, reused by every call), or {@code null} at the end of a finite
 * source. A frame that cannot be read is a {@link CaptureException}, never a silently skipped part:
 * the station turns it into a fail-safe reject. Steady-state grabs allocate nothing.
 */
public interface FrameSource extends AutoCloseable {
    /** A short name for logs and reports, e.g. {@code synthetic:line-0}. */
    String name();

    /** The largest frame this source produces; the station sizes its slots from it. */
    int maxWidth();

    int maxHeight();

    /** The next frame, or {@code null} when a finite source is exhausted. */
    CapturedFrame grab() throws CaptureException;

    @Override
    void close();
}
