package io.sightline.station.ring;

import io.sightline.capture.CapturedFrame;
import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.Preprocessor;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One camera's frames handed to the ring without a copy, for a source whose pixels are
 * {@linkplain io.sightline.capture.FrameSource#stablePixels() stable} (a replay): each distinct
 * frame gets, the first time it is seen, a view of its memory ({@link NativeBuffer#wrap}) and a
 * preprocessing view of its line's region of interest; every later grab of it finds them here.
 * A slot then carries the frame's own pixels ({@link FrameEvent#framePixels()}) instead of a 1.3 MB
 * {@code memcpy} into its buffer.
 *
 * <pre>
 *   grab() -> frame --first sight: wrap + View (once)--> Entry --fill--> slot.borrowedPixels / borrowedView
 *   lookups: IdentityHashMap.get, no allocation; more than MAX_FRAMES distinct frames: null (copy as before)
 * </pre>
 *
 * Lives as long as the ring: the views are closed by {@link StationRing#close()}, after the cameras and
 * workers have stopped and before the station closes its sources (which own the memory).
 */
final class BorrowedFrames implements AutoCloseable {
    /** Distinct frames remembered; a source with more (it was not a fixed replay after all) is copied beyond them. */
    static final int MAX_FRAMES = 4096;

    /** A frame's memory as the slot reads it. */
    record Entry(NativeBuffer pixels, Preprocessor.View view) {}

    private final LineSetup setup;
    private final Map<CapturedFrame, Entry> entries = new IdentityHashMap<>();

    BorrowedFrames(LineSetup setup) {
        this.setup = setup;
    }

    /** The frame's entry, made on its first sight; null when {@link #MAX_FRAMES} are remembered already (copy it). Camera thread only. */
    Entry entry(CapturedFrame frame) {
        Entry e = entries.get(frame);
        if (e != null) return e;
        if (entries.size() >= MAX_FRAMES) return null;
        NativeBuffer pixels = NativeBuffer.wrap(frame.pixels(), frame.sizeBytes());
        e = new Entry(pixels, new Preprocessor.View(setup.spec(), pixels.bytes(), frame.width(), frame.height(), frame.stride()));
        entries.put(frame, e);
        return e;
    }

    @Override
    public void close() {
        for (Entry e : entries.values()) {
            e.view().close();
            e.pixels().close();
        }
        entries.clear();
    }
}
