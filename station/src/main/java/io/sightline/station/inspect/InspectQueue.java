package io.sightline.station.inspect;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded side queue between the inspection API and whoever runs the model: the station's
 * inspection workers (spare rows of their camera batches, and idle moments) or, in
 * {@code sightline serve}, an {@link InspectWorker} of its own.
 *
 * <pre>
 *   server thread: acquire() ─ no free slot: null (the API answers 503) ─▶ fill ─▶ submit()
 *   worker:        poll() (never blocks; the station's workers) or take() (serve's worker)
 *                  ─▶ claimed requests run in a batch ─▶ finish() wakes the server thread
 *   server thread: release() after the answer was read
 * </pre>
 *
 * <p>Capacity is the number of preallocated {@link InspectRequest} slots: requests waiting, running
 * and being answered together. Beyond it a request is refused at once rather than queued, so a
 * burst of API calls can never grow memory or hold a camera frame back.
 */
public final class InspectQueue {
    private final ArrayBlockingQueue<InspectRequest> free;
    private final ArrayBlockingQueue<InspectRequest> pending;
    private final int floatsPerImage;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();

    /**
     * @param capacity requests in the queue at once (1 to 1024)
     * @param floatsPerImage the model's input size in floats
     * @param classes the model's classes
     * @param mapCells the defect map's cells (0 without a map)
     */
    public InspectQueue(int capacity, int floatsPerImage, int classes, int mapCells) {
        if (capacity < 1 || capacity > 1024) throw new IllegalArgumentException("inspect queue capacity: expected 1 to 1024, got " + capacity);
        this.free = new ArrayBlockingQueue<>(capacity);
        this.pending = new ArrayBlockingQueue<>(capacity);
        this.floatsPerImage = floatsPerImage;
        for (int i = 0; i < capacity; i++) free.add(new InspectRequest(floatsPerImage, classes, mapCells));
    }

    /** A free slot, or null when every slot is taken (counted as refused). */
    InspectRequest acquire() {
        InspectRequest r = free.poll();
        if (r == null) refused.incrementAndGet();
        return r;
    }

    /** Hands a filled slot to the workers. */
    void submit(InspectRequest r) {
        r.error = null;
        r.queuedNanos = System.nanoTime();
        r.state.set(InspectRequest.QUEUED);
        pending.add(r); // never full: there are only as many slots as places
    }

    /** Returns an answered slot. */
    void release(InspectRequest r) {
        r.state.set(InspectRequest.FREE);
        answered.incrementAndGet();
        free.add(r);
    }

    /** The next waiting request, claimed for the caller; null when none waits. Never blocks, allocates nothing. */
    InspectRequest poll() {
        InspectRequest r;
        while ((r = pending.poll()) != null) {
            if (r.state.compareAndSet(InspectRequest.QUEUED, InspectRequest.CLAIMED)) return r;
            r.state.set(InspectRequest.FREE); // cancelled by its waiter, which left it to us
            free.add(r);
        }
        return null;
    }

    /** As {@link #poll()}, waiting up to {@code timeoutMillis} for one. */
    InspectRequest take(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            InspectRequest r = poll();
            if (r != null) return r;
            long left = end - System.nanoTime();
            if (left <= 0) return null;
            InspectRequest next = pending.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) return null;
            if (next.state.compareAndSet(InspectRequest.QUEUED, InspectRequest.CLAIMED)) return next;
            next.state.set(InspectRequest.FREE);
            free.add(next);
        }
    }

    /** Whether a request waits (a cheap look, for a worker deciding whether to fill spare rows). */
    public boolean hasWaiting() {
        return !pending.isEmpty();
    }

    int floatsPerImage() {
        return floatsPerImage;
    }

    /** Requests refused because the queue was full. */
    public long refused() {
        return refused.get();
    }

    /** Requests answered (scored or failed). */
    public long answered() {
        return answered.get();
    }
}
