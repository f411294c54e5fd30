package io.sightline.postprocess;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every networked sink shares: callers never block. A signal is offered to a bounded queue
 * (full: dropped and counted, which {@link #health()} reports as a station error), and one
 * delivery thread hands the queue to {@link #deliver} in order, retrying a signal until it is
 * delivered, so a destination that is down only makes the queue grow. At most {@code capacity}
 * signals wait in the queue, plus the batch (at most as many again) the delivery thread is retrying.
 *
 * @param <M> one queued signal
 */
public abstract class BufferedSink<M> implements RejectSink {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BufferedSink.class);
    private static final long RETRY_MILLIS = 200;

    private final ArrayBlockingQueue<M> queue;
    private final int batchLimit;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread worker;
    private volatile String lastError;
    /** Signals of the batch the delivery thread holds while it retries: waiting too, though no longer queued. */
    private volatile int retrying;
    private volatile boolean up;
    private volatile boolean closed;

    protected BufferedSink(String threadName, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("sink buffer capacity must be at least 1, got " + capacity);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchLimit = Math.min(MAX_BATCH, capacity);
        this.worker = new Thread(this::deliverLoop, threadName);
        worker.setDaemon(true);
    }

    /** Subclasses call this at the end of their constructor. */
    protected final void startDelivery() {
        worker.start();
    }

    /** Most signals handed over in one {@link #deliverAll} call. */
    static final int MAX_BATCH = 500;

    /** Delivers one signal, or throws to have it retried. */
    protected abstract void deliver(M message) throws Exception;

    /**
     * Delivers signals in order; by default one {@link #deliver} each. A sink that can pipeline
     * (Kafka) sends them all and then waits for all. Throwing retries what is left in the batch
     * (a sink may remove the signals it did deliver before it throws; at least once: a destination
     * may see a signal twice, never zero times).
     */
    protected void deliverAll(java.util.List<M> batch) throws Exception {
        for (M m : batch) deliver(m);
    }

    /** Called after a delivery failure, before the retry (drop a broken connection, say). */
    protected void onFailure() {}

    protected final void offer(M message) {
        if (closed || !queue.offer(message)) dropped.incrementAndGet();
    }

    private void deliverLoop() {
        java.util.List<M> batch = new java.util.ArrayList<>();
        while (!closed || !batch.isEmpty() || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    M first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                    queue.drainTo(batch, batchLimit - 1);
                }
                retrying = batch.size();
                deliverAll(batch);
                delivered.addAndGet(batch.size());
                retrying = 0;
                if (!up) LOG.info("output {} up: delivering ({} waiting, {} dropped so far)", worker.getName(), queue.size(), dropped.get());
                up = true;
                lastError = null;
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (up || lastError == null) {
                    LOG.warn("output {} down: {}; buffering up to {} signals and retrying every {} ms", worker.getName(), e.getMessage(),
                            queue.remainingCapacity() + queue.size(), RETRY_MILLIS);
                }
                up = false;
                lastError = e.getMessage();
                onFailure();
                if (closed) return;
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Marks the destination reachable or not (a sink that checks its connection itself). */
    protected final void setUp(boolean value, String error) {
        if (value != up) {
            if (value) LOG.info("output {} up", worker.getName());
            else LOG.warn("output {} down: {}", worker.getName(), error);
        }
        up = value;
        if (error != null) lastError = error;
    }

    @Override
    public SinkHealth health() {
        return new SinkHealth(up, queue.size() + retrying, dropped.get(), lastError);
    }

    /** Signals the destination took. */
    public long delivered() {
        return delivered.get();
    }

    /** Stops taking signals and delivers what waits for up to 5 s. */
    @Override
    public void close() {
        closed = true;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
    }
}
