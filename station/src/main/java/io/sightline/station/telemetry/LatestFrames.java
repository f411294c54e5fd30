package io.sightline.station.telemetry;

import io.sightline.natives.NativeBuffer;
import io.sightline.postprocess.Outcome;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bytedeco.javacpp.Pointer;

/**
 * Each camera's latest decided frame, for the dashboard: a copy taken on the decision thread at
 * most every {@link #INTERVAL_NANOS}, with the frame's outcome, score and, for a defect reject by a
 * model with a defect map, its defect box (frame pixels).
 *
 * <pre>
 *   decision thread: frame decided, its camera's copy older than the interval
 *       --seqlock: version odd ▸ memcpy into the camera's preallocated buffer ▸ part, outcome, score
 *         ▸ version even--> (never waits, allocates nothing)
 *   reader (the web server): version even? ▸ copy out ▸ version unchanged? else again
 * </pre>
 *
 * <p>A frame the camera could not deliver (unreadable) has no pixels and is not copied. Readers are
 * serialised per camera with {@link #close()}, so a reader never copies from freed memory; the
 * decision thread takes no lock (it has stopped before the station closes this).
 */
public final class LatestFrames implements AutoCloseable {
    /** A copy at most 4 times a second per camera: the dashboard shows 2. */
    public static final long INTERVAL_NANOS = 250_000_000L;
    private static final int READ_ATTEMPTS = 20;

    /**
     * One camera's latest frame as a reader got it; {@code pixels} is null when not asked for,
     * {@code defectBox} ({x, y, width, height}, frame pixels) when the frame has none.
     */
    public record Copy(int camera, int line, int view, int width, int height, byte[] pixels, long partId, Outcome outcome,
                float score, int[] defectBox, long decidedNanos, long version) {}

    private final int[] firstCamera;
    private final int[] lineOf;
    private final int[] viewOf;
    private final int[] widths;
    private final int[] heights;
    /** Per camera: bytes per frame, width x height x channels. */
    private final int[] frameBytes;
    private final NativeBuffer[] buffers;
    private final Object[] locks;
    /** Per camera: 0 never written; odd while the decision thread writes; even when complete. */
    private final AtomicLongArray versions;
    private final long[] lastCopyNanos;
    private final long[] partIds;
    private final int[] outcomes;
    private final float[] scores;
    /** Per camera: its frame's defect box x, y, width, height (width 0: none). */
    private final int[] boxes;
    private final long[] decidedNanos;
    private final long intervalNanos;

    /**
     * @param viewsPerLine each line's number of cameras (views)
     * @param widths each line's frame width
     * @param heights each line's frame height
     */
    public LatestFrames(int[] viewsPerLine, int[] widths, int[] heights, long intervalNanos) {
        this(viewsPerLine, widths, heights, null, intervalNanos);
    }

    /**
     * @param channels each line's frame channels (1 gray, 3 BGR); null: all gray
     */
    public LatestFrames(int[] viewsPerLine, int[] widths, int[] heights, int[] channels, long intervalNanos) {
        int lines = viewsPerLine.length;
        this.firstCamera = new int[lines];
        int cameras = 0;
        for (int line = 0; line < lines; line++) {
            firstCamera[line] = cameras;
            cameras += viewsPerLine[line];
        }
        this.lineOf = new int[cameras];
        this.viewOf = new int[cameras];
        this.widths = new int[cameras];
        this.heights = new int[cameras];
        this.frameBytes = new int[cameras];
        this.buffers = new NativeBuffer[cameras];
        this.locks = new Object[cameras];
        for (int line = 0; line < lines; line++) {
            for (int v = 0; v < viewsPerLine[line]; v++) {
                int c = firstCamera[line] + v;
                lineOf[c] = line;
                viewOf[c] = v;
                this.widths[c] = widths[line];
                this.heights[c] = heights[line];
                this.frameBytes[c] = widths[line] * heights[line] * (channels == null ? 1 : channels[line]);
                locks[c] = new Object();
            }
        }
        this.versions = new AtomicLongArray(cameras);
        this.lastCopyNanos = new long[cameras];
        this.partIds = new long[cameras];
        this.outcomes = new int[cameras];
        this.scores = new float[cameras];
        this.boxes = new int[4 * cameras];
        this.decidedNanos = new long[cameras];
        this.intervalNanos = intervalNanos;
        try {
            for (int c = 0; c < cameras; c++) buffers[c] = NativeBuffer.allocate(frameBytes[c]);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    int cameras() {
        return buffers.length;
    }

    int line(int camera) {
        return lineOf[camera];
    }

    int view(int camera) {
        return viewOf[camera];
    }

    /**
     * Called by the decision thread for each frame it decided whose camera delivered pixels; copies it
     * if its camera's copy is old enough.
     *
     * @param boxWidth the defect box's width in frame pixels, 0 when the frame has none
     */
    public void offer(int line, int view, NativeBuffer pixels, long partId, Outcome outcome, float score, int boxX, int boxY,
                      int boxWidth, int boxHeight, long nowNanos) {
        int c = firstCamera[line] + view;
        long v = versions.get(c);
        if (v != 0 && nowNanos - lastCopyNanos[c] < intervalNanos) return;
        lastCopyNanos[c] = nowNanos;
        versions.set(c, v + 1);
        VarHandle.storeStoreFence(); // the odd version is seen before any byte of the new frame
        Pointer.memcpy(buffers[c].bytes(), pixels.bytes(), frameBytes[c]);
        partIds[c] = partId;
        outcomes[c] = outcome.ordinal();
        scores[c] = score;
        boxes[4 * c] = boxX;
        boxes[4 * c + 1] = boxY;
        boxes[4 * c + 2] = boxWidth;
        boxes[4 * c + 3] = boxHeight;
        decidedNanos[c] = nowNanos;
        versions.lazySet(c, v + 2);
    }

    /**
     * The camera's latest copied frame, consistent (never half of two frames); null when none was
     * copied yet, or the decision thread kept overwriting it while this tried to read.
     */
    Copy read(int camera, boolean withPixels) {
        synchronized (locks[camera]) {
            NativeBuffer buffer = buffers[camera];
            if (buffer == null) return null; // closed
            int size = frameBytes[camera];
            byte[] pixels = withPixels ? new byte[size] : null;
            for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
                long v1 = versions.get(camera);
                if (v1 == 0) return null;
                if ((v1 & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                if (pixels != null) buffer.bytes().get(pixels, 0, size);
                long part = partIds[camera];
                int outcome = outcomes[camera];
                float score = scores[camera];
                int bx = boxes[4 * camera];
                int by = boxes[4 * camera + 1];
                int bw = boxes[4 * camera + 2];
                int bh = boxes[4 * camera + 3];
                long decided = decidedNanos[camera];
                VarHandle.loadLoadFence(); // everything above is read before the version is checked again
                if (versions.get(camera) == v1) {
                    return new Copy(camera, lineOf[camera], viewOf[camera], widths[camera], heights[camera], pixels, part,
                            Outcome.ofOrdinal(outcome), score, bw > 0 ? new int[] {bx, by, bw, bh} : null, decided, v1 / 2);
                }
            }
            return null;
        }
    }

    @Override
    public void close() {
        for (int c = 0; c < buffers.length; c++) {
            synchronized (locks[c]) {
                NativeBuffer b = buffers[c];
                buffers[c] = null;
                if (b != null) b.close();
            }
        }
    }
}
