package io.sightline.station.outcome;

import io.sightline.postprocess.RejectScheduler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The station's own ejector timing: one {@link RejectScheduler} per line on the clock (travel =
 * the reject delay), fed by the cameras (a part is captured) and the outcome recorder (a part is
 * decided), and advanced by a ticking thread that hands each part to the {@link EjectorOutput} when it
 * reaches the ejector.
 *
 * <pre>
 *   camera thread:    captured(line, part, captureNanos)    -> the line's FIFO
 *   recorder threads: decided(line, part, reject)
 *   ejector thread:   every TICK: advance(now) per line     -> EjectorOutput.onPart(line, part, action, due, now)
 * </pre>
 */
public final class EjectorStage implements AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final RejectScheduler[] lines;
    private final AtomicLong fired = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final Thread ticker;
    private volatile boolean running = true;

    public EjectorStage(int lineCount, long travelNanos, int capacity, EjectorOutput output) {
        this.lines = new RejectScheduler[lineCount];
        for (int i = 0; i < lineCount; i++) {
            int line = i;
            lines[i] = new RejectScheduler(travelNanos, capacity, (partId, action, due) -> {
                long now = System.nanoTime();
                if (action == RejectScheduler.Action.PASS) passed.incrementAndGet();
                else fired.incrementAndGet();
                if (action == RejectScheduler.Action.FIRE_LATE) late.incrementAndGet();
                maxLagNanos.accumulateAndGet(now - due, Math::max);
                output.onPart(line, partId, action, due, now);
            });
        }
        this.ticker = new Thread(this::tick, "sightline-ejector");
        ticker.setDaemon(true);
        ticker.start();
    }

    void captured(int line, long partId, long captureNanos) {
        RejectScheduler s = lines[line];
        synchronized (s) {
            s.captured(partId, captureNanos);
        }
    }

    void decided(int line, long partId, boolean reject) {
        RejectScheduler s = lines[line];
        synchronized (s) {
            s.decided(partId, reject);
        }
    }

    private void tick() {
        while (running) {
            advanceAll(System.nanoTime());
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    private void advanceAll(long now) {
        for (RejectScheduler s : lines) {
            synchronized (s) {
                s.advance(now);
            }
        }
    }

    /** Parts still between camera and ejector. */
    int inFlight() {
        int n = 0;
        for (RejectScheduler s : lines) {
            synchronized (s) {
                n += s.inFlight();
            }
        }
        return n;
    }

    public long fired() {
        return fired.get();
    }

    public long passed() {
        return passed.get();
    }

    /** Parts that reached the ejector undecided (rejected). */
    public long late() {
        return late.get();
    }

    /** Largest delay between a part's due time and its handling by the ejector thread. */
    public long maxLagNanos() {
        return maxLagNanos.get();
    }

    /** Waits (up to 30 s) until every part in flight has reached the ejector. */
    public void drain() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (running && inFlight() > 0 && System.nanoTime() - deadline < 0) LockSupport.parkNanos(TICK_NANOS);
    }

    /** Lets every part in flight reach the ejector, then stops. */
    @Override
    public void close() {
        drain();
        running = false;
        try {
            ticker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
