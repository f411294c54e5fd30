package io.sightline.station.ring;

/**
 * Gathers consecutive ring entries into one inference batch.
 *
 * <p>Flush rules: a batch is run as soon as it holds {@code maxBatch} frames, and when the caller
 * closes it ({@code endOfBatch}, or {@link #flushPending()}) if it holds any. The caller decides
 * when to close: the inspection workers close at the end of a Disruptor batch unless they hold a
 * small batch back for company (see {@link InspectionHandler}); under load the backlog the ring
 * already holds makes full batches.
 *
 * @param <T> the batched item (a ring slot)
 */
final class Batcher<T> {
    /** Runs one batch of {@code count} items held in {@code items[0..count)}. */
    interface Runner<T> {
        void run(T[] items, int count);
    }

    private final T[] items;
    private final Runner<T> runner;
    private int count;
    private long batches;
    private long frames;
    private final long[] sizeHistogram;

    /**
     * @param storage the batch's item array, typed by the caller (its length is the max batch):
     *                a generic {@code new Object[]} would fail the runner's typed parameter
     */
    Batcher(T[] storage, Runner<T> runner) {
        if (storage.length < 1) throw new IllegalArgumentException("max batch must be at least 1, got " + storage.length);
        this.items = storage;
        this.runner = runner;
        this.sizeHistogram = new long[storage.length + 1];
    }

    /**
     * One ring entry. {@code item} is null for an entry that is not inferred (a fail-safe frame),
     * which still ends a Disruptor batch.
     */
    void onEntry(T item, boolean endOfBatch) {
        if (item != null) {
            items[count++] = item;
        }
        if (count == items.length || (endOfBatch && count > 0)) {
            flush();
        }
    }

    /** The oldest pending item, or null when nothing is pending. */
    T oldestPending() {
        return count == 0 ? null : items[0];
    }

    /** Runs what is pending now, if anything (a worker that stopped waiting for company). */
    void flushPending() {
        if (count > 0) flush();
    }

    private void flush() {
        int n = count;
        count = 0;
        batches++;
        frames += n;
        sizeHistogram[n]++;
        try {
            runner.run(items, n);
        } finally {
            java.util.Arrays.fill(items, 0, n, null);
        }
    }

    int pending() {
        return count;
    }

    int maxBatch() {
        return items.length;
    }

    long batches() {
        return batches;
    }

    long frames() {
        return frames;
    }

    /** Count of batches by size; index = batch size. Read after the handler has stopped. */
    long[] sizeHistogram() {
        return sizeHistogram.clone();
    }
}
