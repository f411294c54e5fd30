package io.sightline.station.outcome;

import io.sightline.natives.NativeBuffer;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Frames saved off the decision thread: a few preallocated pixel buffers and one writer thread.
 * What the reject images ({@link RejectImages}) and the review queue
 * ({@code io.sightline.station.review.ReviewQueue}) both do.
 *
 * <pre>
 *   decision thread: claim() a free buffer (none: -1, the caller counts a skip) ▸ copy the frame and
 *                    its details into slot i ▸ submit(i)
 *   writer thread:   job.write(i, pixels) ▸ the buffer is free again (an exception is kept as lastError)
 * </pre>
 *
 * <p>{@link #claim()} and {@link #submit(int)} never block and allocate nothing (slot numbers are
 * cached {@code Integer}s: at most {@value #MAX_BUFFERS} buffers).
 */
public final class FrameWriter implements AutoCloseable {
    /** Slot numbers stay within the JVM's cached Integers. */
    public static final int MAX_BUFFERS = 64;

    /** Writes slot {@code slot}'s frame, on the writer thread. */
    public interface Job {
        void write(int slot, NativeBuffer pixels) throws IOException;
    }

    private final NativeBuffer[] buffers;
    private final ArrayBlockingQueue<Integer> free;
    private final ArrayBlockingQueue<Integer> work;
    private final Job job;
    private final Thread writer;
    private volatile boolean closed;
    private volatile String lastError;

    /** @param bytesEach each buffer's size: the largest frame it will hold */
    public FrameWriter(String threadName, int buffers, long bytesEach, Job job) {
        if (buffers < 1 || buffers > MAX_BUFFERS) throw new IllegalArgumentException("frame writer buffers: expected 1 to " + MAX_BUFFERS + ", got " + buffers);
        this.buffers = new NativeBuffer[buffers];
        this.free = new ArrayBlockingQueue<>(buffers);
        this.work = new ArrayBlockingQueue<>(buffers);
        this.job = job;
        for (int i = 0; i < buffers; i++) {
            this.buffers[i] = NativeBuffer.allocate(bytesEach);
            free.add(i);
        }
        this.writer = new Thread(this::writeLoop, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /** A free slot for the caller to fill, or -1 when the writer is behind. */
    public int claim() {
        Integer slot = free.poll();
        return slot == null ? -1 : slot;
    }

    /** Slot {@code slot}'s pixel buffer. */
    public NativeBuffer buffer(int slot) {
        return buffers[slot];
    }

    /** Hands a filled slot to the writer. */
    public void submit(int slot) {
        work.add(slot);
    }

    private void writeLoop() {
        while (!closed || !work.isEmpty()) {
            Integer slot;
            try {
                slot = work.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (slot == null) continue;
            try {
                job.write(slot, buffers[slot]);
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage();
            } finally {
                free.add(slot);
            }
        }
    }

    /** The last write's error, or null. */
    public String lastError() {
        return lastError;
    }

    /** Writes what is queued (up to 10 s), then frees the buffers. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) return; // still writing: leave its buffers to the process
        for (NativeBuffer b : buffers) b.close();
    }
}
