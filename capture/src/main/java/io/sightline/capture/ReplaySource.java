package io.sightline.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays a fixed set of recorded frames in a loop, like a camera whose driver hands over a
 * finished buffer: {@link #grab()} costs nothing but the bookkeeping, so a pipeline fed by it pays
 * only for what it does with the frame. Used by the benchmarks to drive the station at rates a
 * synthetic renderer could not reach on the same cores, with the same parts every run. Its pixels
 * are {@linkplain #stablePixels() stable}, so the station hands the ring the recorded buffer itself
 * instead of copying 1.3 MB a frame, as a camera whose driver hands over its buffer would allow.
 *
 * <p>Frames keep their ground truth. Sequence numbers and capture times are the replay's own.
 * Allocates nothing per grab.
 */
public final class ReplaySource implements FrameSource {
    private final String name;
    private final CapturedFrame[] frames;
    private final int maxWidth;
    private final int maxHeight;
    private final int channels;
    private long sequence;
    private boolean closed;

    private ReplaySource(String name, CapturedFrame[] frames) {
        this.name = name;
        this.frames = frames;
        int w = 0;
        int h = 0;
        for (CapturedFrame f : frames) {
            w = Math.max(w, f.width());
            h = Math.max(h, f.height());
        }
        this.maxWidth = w;
        this.maxHeight = h;
        this.channels = frames.length == 0 ? 1 : frames[0].channels();
    }

    /**
     * Records {@code count} frames from {@code source} (copying their pixels) and returns a source
     * that replays them in order, forever. The given source is not closed.
     *
     * @throws CaptureException if the source fails or ends before {@code count} frames
     */
    public static ReplaySource record(String name, FrameSource source, int count) throws CaptureException {
        if (count < 1) throw new IllegalArgumentException("a replay needs at least 1 frame, got " + count);
        List<CapturedFrame> copies = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                CapturedFrame f = source.grab();
                if (f == null) {
                    throw new CaptureException("source " + source.name() + " ended after " + i + " of the " + count
                            + " frames to record");
                }
                copies.add(copy(f));
            }
        } catch (CaptureException | RuntimeException e) {
            copies.forEach(CapturedFrame::close);
            throw e;
        }
        return new ReplaySource(name, copies.toArray(new CapturedFrame[0]));
    }

    /** Another replay of the same frames (its own copies, so each can be closed on its own). */
    public ReplaySource copy(String newName) {
        checkOpen();
        CapturedFrame[] copies = new CapturedFrame[frames.length];
        for (int i = 0; i < frames.length; i++) copies[i] = copy(frames[i]);
        return new ReplaySource(newName, copies);
    }

    private static CapturedFrame copy(CapturedFrame f) {
        CapturedFrame c = new CapturedFrame(f.width(), f.height(), f.channels());
        org.bytedeco.javacpp.Pointer.memcpy(c.pixels(), f.pixels(), f.sizeBytes());
        c.set(f.width(), f.height(), f.sequence(), f.captureNanos(), f.truth());
        return c;
    }

    /** Frames in one loop of the replay. */
    public int length() {
        return frames.length;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return maxWidth;
    }

    @Override
    public int maxHeight() {
        return maxHeight;
    }

    @Override
    public int channels() {
        return channels;
    }

    /** True: the recorded frames' pixels never change (a grab only restamps a frame's sequence and time); they live until {@link #close()}. */
    @Override
    public boolean stablePixels() {
        return true;
    }

    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException("replay " + name + " is closed");
        CapturedFrame f = frames[(int) (sequence % frames.length)];
        f.set(f.width(), f.height(), sequence++, System.nanoTime(), f.truth());
        return f;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("replay " + name + " is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (CapturedFrame f : frames) f.close();
    }
}
