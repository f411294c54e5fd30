package io.sightline.station;

import com.lmax.disruptor.RingBuffer;
import io.sightline.postprocess.Outcome;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Enforces reject deadlines even when the pipeline stalls. Every {@code checkIntervalNanos} it
 * scans the frames that are published but not yet decided; any whose ejector deadline has passed
 * is claimed and recorded as a fail-safe reject right then, so a hung inference or a stalled
 * handler can never let a part reach the ejector without a decision. The decision handler later
 * finds the claim taken and discards its late decision.
 *
 * <p>Slots in the scanned range cannot be reused under the watchdog: the ring cannot wrap past the
 * decision handler's sequence, and the scan never goes below it.
 */
final class DeadlineWatchdog implements Runnable {
    private final RingBuffer<FrameEvent> ring;
    private final LongSupplier decidedSequence;
    private final OutcomeRecorder recorder;
    private final long checkIntervalNanos;
    private volatile boolean running = true;
    private volatile long expired;

    DeadlineWatchdog(RingBuffer<FrameEvent> ring, LongSupplier decidedSequence, OutcomeRecorder recorder,
                     long checkIntervalNanos) {
        this.ring = ring;
        this.decidedSequence = decidedSequence;
        this.recorder = recorder;
        this.checkIntervalNanos = checkIntervalNanos;
    }

    @Override
    public void run() {
        while (running) {
            scanOnce(System.nanoTime());
            LockSupport.parkNanos(checkIntervalNanos);
        }
    }

    /** One pass; returns the number of frames expired. Package-private for tests. */
    int scanOnce(long nowNanos) {
        int count = 0;
        long last = ring.getCursor();
        for (long s = decidedSequence.getAsLong() + 1; s <= last; s++) {
            if (!ring.isAvailable(s)) continue;
            FrameEvent e = ring.get(s);
            if (e.sequence != s || nowNanos - e.deadlineNanos <= 0 || !e.isPending()) continue;
            if (e.claimOutcome()) {
                recorder.record(e.line, e.partId, e.truth, Outcome.FAILSAFE_LATE, Float.NaN,
                        e.captureNanos, e.deadlineNanos, nowNanos);
                count++;
            }
        }
        if (count > 0) expired += count;
        return count;
    }

    long expired() {
        return expired;
    }

    void stop() {
        running = false;
    }
}
