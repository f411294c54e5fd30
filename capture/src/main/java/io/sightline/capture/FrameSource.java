package io.sightline.capture;

/**
 * Anything that produces frames: a synthetic part camera, a video file, a stream, a camera.
 *
 * <p>A source is driven by one thread. {@link #grab()} returns the next frame in a buffer the
 * source owns ({@link CapturedFrame}, reused by every call), or {@code null} at the end of a finite
 * source. A frame that cannot be read is a {@link CaptureException}, never a silently skipped part:
 * the station turns it into a fail-safe reject; a {@link SourceLostException} says the source itself
 * is gone (a {@link ReconnectingSource} re-opens it). Steady-state grabs allocate nothing.
 *
 * <p>Each frame carries its part id ({@link CapturedFrame#sequence()}) and capture time.
 */
public interface FrameSource extends AutoCloseable {
    /** A short name for logs and reports, e.g. {@code synthetic:line-0}. */
    String name();

    /** The largest frame this source produces; the station sizes its slots from it. */
    int maxWidth();

    int maxHeight();

    /**
     * Channels of every frame: 1 (8-bit gray) or 3 (8-bit BGR, interleaved). The station sizes its
     * slots from it and refuses a line whose model expects other channels.
     */
    default int channels() {
        return 1;
    }

    /** The next frame, or {@code null} when a finite source is exhausted. */
    CapturedFrame grab() throws CaptureException;

    /**
     * True when the source paces itself (a stream, a free-running or hardware-triggered camera):
     * {@code grab()} waits for the next frame, and the frame's capture time is its own. False for
     * sources that produce a frame whenever asked (synthetic camera, video file, image folder):
     * the station's trigger schedule paces those.
     */
    default boolean live() {
        return false;
    }

    /**
     * True when every frame this source returns keeps its pixels, unchanged and readable, until the
     * source is closed, whatever is grabbed after it (a replay of recorded frames). The station then
     * hands the ring the frame's own buffer instead of copying it into a slot. False (the default)
     * for sources that reuse their buffer from one grab to the next: a renderer, a decoder, a
     * camera driver's buffer ring.
     */
    default boolean stablePixels() {
        return false;
    }

    /**
     * Frames the source received but dropped on purpose, counted: older frames of a lagging stream
     * overtaken by a newer one (a station inspects the newest), frames the driver lost. Each is a
     * gap in the part ids too.
     */
    default long skipped() {
        return 0;
    }

    /**
     * Called from another thread to stop: a {@code grab()} blocked waiting for a live frame returns
     * {@code null} soon, and so does every grab after it. Sources that never block need not act.
     */
    default void wakeUp() {
    }

    @Override
    void close();
}
