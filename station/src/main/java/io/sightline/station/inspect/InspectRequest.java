package io.sightline.station.inspect;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One slot of the {@link InspectQueue}: an image an API client sent, preprocessed into the model's
 * input, and what the model said about it. Preallocated once per queue place and reused.
 *
 * <pre>
 *   FREE ──acquire (server thread)──▶ filled: line, tensor ──submit──▶ QUEUED
 *   QUEUED ──claim (a worker, CAS)──▶ CLAIMED ──run──▶ DONE (scores, probabilities, box, map) ──▶ waiter wakes
 *   QUEUED ──the waiter gives up (CAS)──▶ CANCELLED ──the worker that polls it──▶ back to the free list
 * </pre>
 *
 * <p>The worker's side ({@link InspectRows}) writes only primitives into the preallocated arrays and
 * allocates nothing; the server thread that submitted the request reads them after {@link #await}.
 */
public final class InspectRequest {
    static final int FREE = 0;
    static final int QUEUED = 1;
    static final int CLAIMED = 2;
    static final int DONE = 3;
    static final int CANCELLED = 4;

    final AtomicInteger state = new AtomicInteger(FREE);
    /** The model's input, HWC, normalised. */
    final float[] tensor;
    final float[] probs;
    /** The defect map's cells (row-major), when the model has one. */
    final float[] map;
    /** The defect box in model input pixels: x, y, width, height, peak x, peak y. */
    final int[] box = new int[6];
    int line;
    float score;
    boolean hasBox;
    /** Null when scored; else why the run failed. */
    String error;
    long queuedNanos;
    long inferredNanos;
    /** Rows in the batch it ran in, camera frames included. */
    int batchRows;
    /** The model version that scored it ({@link Inspector#identity}; null: the inspector's own model). */
    java.util.Map<String, String> model;

    InspectRequest(int floatsPerImage, int classes, int mapCells) {
        this.tensor = new float[floatsPerImage];
        this.probs = new float[classes];
        this.map = new float[mapCells];
    }

    /** Marks the request answered and wakes its waiter; any thread. */
    void finish() {
        synchronized (this) {
            state.set(DONE);
            notifyAll();
        }
    }

    /**
     * Waits until a worker answered, at most {@code timeoutNanos}. A request no worker has taken by
     * then is cancelled (the worker that finds it frees it); one a worker is running is waited for.
     *
     * @return true when answered; false when cancelled (the caller must not release it)
     */
    boolean await(long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        synchronized (this) {
            while (state.get() != DONE) {
                long left = end - System.nanoTime();
                if (left <= 0 && state.compareAndSet(QUEUED, CANCELLED)) return false;
                // claimed: a batch is running with it, and ends in milliseconds
                wait(Math.max(1, left / 1_000_000L));
            }
        }
        return true;
    }
}
