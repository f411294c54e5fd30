package io.sightline.station.ring;

import io.sightline.natives.NativeBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * Where the inspection workers hand copies of scored frames to a shadow run (a candidate model that
 * scores the same frames as the live one, deciding nothing), without ever waiting for it.
 *
 * <pre>
 *  worker w, after its batch ran:  every sampleEvery-th scored frame ─▶ free slot in w's queue?
 *                                     yes: copy the model input (memcpy), line, part, live score
 *                                     no:  skipped (counted): the shadow is behind
 *  shadow thread:                   drain(sink): each queued frame handed to the sink, slot freed
 * </pre>
 *
 * <p>One single-producer single-consumer queue of {@value #SLOTS} preallocated slots per worker, so
 * a worker never contends with another and never allocates. Off (no shadow run) it costs a worker
 * one volatile read per batch.
 */
public final class ShadowTap implements AutoCloseable {
    /** Frames each worker's queue holds for the shadow. */
    public static final int SLOTS = 32;

    /** What the shadow does with a queued frame: the tensor is valid only during the call. */
    public interface Sink {
        void accept(int line, long partId, float liveScore, Pointer tensor);
    }

    private final int floats;
    private final NativeBuffer[][] tensors;
    private final int[][] lines;
    private final long[][] partIds;
    private final float[][] liveScores;
    private final AtomicLong[] heads;
    private final AtomicLong[] tails;
    private final long[] seen;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private volatile boolean active;
    private volatile int sampleEvery = 1;
    private boolean closed;

    ShadowTap(int workers, int floatsPerImage) {
        this.floats = floatsPerImage;
        this.tensors = new NativeBuffer[workers][];
        this.lines = new int[workers][SLOTS];
        this.partIds = new long[workers][SLOTS];
        this.liveScores = new float[workers][SLOTS];
        this.heads = new AtomicLong[workers];
        this.tails = new AtomicLong[workers];
        this.seen = new long[workers];
        for (int w = 0; w < workers; w++) {
            heads[w] = new AtomicLong();
            tails[w] = new AtomicLong();
        }
    }

    /**
     * Starts handing frames over: every {@code sampleEvery}-th frame each worker scores. The slots
     * are allocated on the first start.
     */
    public synchronized void start(int sampleEvery) {
        if (sampleEvery < 1) throw new IllegalArgumentException("sample: expected every 1st frame or a larger n, got " + sampleEvery);
        if (closed) throw new IllegalStateException("the station is closed");
        for (int w = 0; w < tensors.length; w++) {
            if (tensors[w] != null) continue;
            tensors[w] = new NativeBuffer[SLOTS];
            for (int i = 0; i < SLOTS; i++) tensors[w][i] = NativeBuffer.allocateFloats(floats);
        }
        this.sampleEvery = sampleEvery;
        this.active = true;
    }

    /** Stops handing frames over (the queues drain into nothing once the shadow stopped). */
    public void stop() {
        active = false;
    }

    /** Whether a shadow takes frames now. */
    boolean active() {
        return active;
    }

    /** Worker {@code worker} scored a frame (its thread only). */
    void offer(int worker, int line, long partId, float liveScore, NativeBuffer tensor) {
        if (seen[worker]++ % sampleEvery != 0) return;
        offered.incrementAndGet();
        long tail = tails[worker].get();
        if (tail - heads[worker].get() >= SLOTS) {
            skipped.incrementAndGet();
            return;
        }
        int i = (int) (tail % SLOTS);
        Pointer.memcpy(tensors[worker][i].floats(), tensor.floats(), (long) floats * Float.BYTES);
        lines[worker][i] = line;
        partIds[worker][i] = partId;
        liveScores[worker][i] = liveScore;
        tails[worker].lazySet(tail + 1);
    }

    /**
     * Hands up to {@code max} queued frames to {@code sink} (the shadow's thread only).
     *
     * @return how many
     */
    public int drain(Sink sink, int max) {
        int n = 0;
        for (int w = 0; w < heads.length && n < max; w++) {
            long head = heads[w].get();
            long tail = tails[w].get();
            while (head < tail && n < max) {
                int i = (int) (head % SLOTS);
                sink.accept(lines[w][i], partIds[w][i], liveScores[w][i], tensors[w][i].floats());
                head++;
                n++;
            }
            heads[w].lazySet(head);
        }
        return n;
    }

    /** Frames sampled for the shadow so far. */
    public long offered() {
        return offered.get();
    }

    /** Sampled frames dropped because the shadow's queue was full. */
    public long skipped() {
        return skipped.get();
    }

    /** Frees the slots; call once the workers have stopped. */
    @Override
    public synchronized void close() {
        closed = true;
        active = false;
        for (NativeBuffer[] ws : tensors) {
            if (ws == null) continue;
            for (NativeBuffer b : ws) b.close();
        }
    }
}
