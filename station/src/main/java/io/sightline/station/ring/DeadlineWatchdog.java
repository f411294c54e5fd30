package io.sightline.station.ring;

import com.lmax.disruptor.RingBuffer;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.PartAssembler;
import io.sightline.station.outcome.ViewAssembly;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Enforces reject deadlines even when the pipeline stalls. Every {@code checkIntervalNanos} it
 * scans the frames that are published but not yet decided; any whose ejector deadline has passed
 * is claimed and recorded as a fail-safe reject right then, so a hung inference or a stalled
 * handler can never let a part reach the ejector without a decision. The decision handler later
 * finds the claim taken and discards its late decision.
 *
 * <p>On a line with several views the watchdog sees parts: an expired frame is its view's late
 * outcome, and each pass also decides the parts whose deadline has passed while views are missing
 * or undecided ({@link ViewAssembly#expire}).
 *
 * <p>Slots in the scanned range cannot be reused under the watchdog: the ring cannot wrap past the
 * decision handler's sequence, and the scan never goes below it.
 */
final class DeadlineWatchdog implements Runnable {
    private final RingBuffer<FrameEvent> ring;
    private final LongSupplier decidedSequence;
    private final ViewAssembly parts;
    private final PartAssembler.Part decided = new PartAssembler.Part();
    private final long checkIntervalNanos;
    private volatile boolean running = true;
    private volatile long expired;
    private volatile long partsExpired;

    DeadlineWatchdog(RingBuffer<FrameEvent> ring, LongSupplier decidedSequence, ViewAssembly parts, long checkIntervalNanos) {
        this.ring = ring;
        this.decidedSequence = decidedSequence;
        this.parts = parts;
        this.checkIntervalNanos = checkIntervalNanos;
    }

    @Override
    public void run() {
        while (running) {
            scanOnce(System.nanoTime());
            LockSupport.parkNanos(checkIntervalNanos);
        }
    }

    /** One pass; returns the number of frames expired (parts decided at their deadline aside). Package-private for tests. */
    int scanOnce(long nowNanos) {
        int count = 0;
        long last = ring.getCursor();
        for (long s = decidedSequence.getAsLong() + 1; s <= last; s++) {
            if (!ring.isAvailable(s)) continue;
            FrameEvent e = ring.get(s);
            if (e.sequence != s || nowNanos - e.deadlineNanos <= 0 || !e.isPending()) continue;
            if (e.claimOutcome()) {
                parts.viewOutcome(e.line, e.view, e.partId, e.truth, Outcome.FAILSAFE_LATE, Float.NaN,
                        e.captureNanos, e.deadlineNanos, nowNanos, decided);
                count++;
            }
        }
        if (count > 0) expired += count;
        int partCount = parts.expire(nowNanos, decided);
        if (partCount > 0) partsExpired += partCount;
        return count;
    }

    long expired() {
        return expired;
    }

    /** Parts of lines with several views decided at their deadline (a view missing or undecided). */
    long partsExpired() {
        return partsExpired;
    }

    void stop() {
        running = false;
    }
}
