package io.sightline.station.inspect;

import io.sightline.inference.BatchClassifier;

/**
 * One worker's view of the {@link InspectQueue}: it claims waiting API requests into the spare rows
 * of the batch it is about to run, and answers them from the same run. Used by the station's
 * inspection workers and by {@link InspectWorker}; one instance per worker thread (not thread-safe).
 *
 * <pre>
 *   rows [0, firstRow)              the worker's own frames (camera frames; none in serve)
 *   rows [firstRow, firstRow + n)   stage(): API requests claimed from the queue, their tensors copied in
 *   classifier.run(firstRow + n)
 *   complete(): score, class probabilities, defect box and map of each row into its request; its waiter wakes
 * </pre>
 *
 * <p>Allocates nothing: the requests are preallocated slots, and only primitives are copied.
 */
public final class InspectRows {
    private final InspectQueue queue;
    private final InspectRequest[] claimed;
    private int count;
    private int firstRow;

    /** @param maxRows the most rows one batch can give to requests (the classifier's max batch) */
    public InspectRows(InspectQueue queue, int maxRows) {
        if (maxRows < 1) throw new IllegalArgumentException("inspect rows: expected at least 1, got " + maxRows);
        this.queue = queue;
        this.claimed = new InspectRequest[maxRows];
    }

    /** Whether a request waits for a batch. */
    public boolean waiting() {
        return queue.hasWaiting();
    }

    /**
     * Claims up to {@code maxRows} waiting requests and stages them at rows {@code firstRow} on.
     *
     * @return how many were staged (0: none waited)
     */
    public int stage(BatchClassifier classifier, int firstRow, int maxRows) {
        if (count != 0) throw new IllegalStateException("inspect rows: the previous batch's " + count + " requests were not answered");
        this.firstRow = firstRow;
        return fill(classifier, maxRows);
    }

    /**
     * As {@link #stage(BatchClassifier, int, int)} from row 0, with {@code first} (already claimed
     * by {@link InspectQueue#take}) in row 0.
     */
    int stage(BatchClassifier classifier, InspectRequest first, int maxRows) {
        if (count != 0) throw new IllegalStateException("inspect rows: the previous batch's " + count + " requests were not answered");
        this.firstRow = 0;
        classifier.stage(0, first.tensor);
        claimed[count++] = first;
        return fill(classifier, maxRows);
    }

    private int fill(BatchClassifier classifier, int maxRows) {
        int limit = Math.min(maxRows, claimed.length);
        while (count < limit) {
            InspectRequest r = queue.poll();
            if (r == null) break;
            classifier.stage(firstRow + count, r.tensor);
            claimed[count++] = r;
        }
        return count;
    }

    /**
     * Answers the staged requests from the classifier's last run of {@code batchRows} rows.
     *
     * @param model the identity of the model version that ran ({@link Inspector#identity}; null: the inspector's own)
     */
    public void complete(BatchClassifier classifier, int batchRows, java.util.Map<String, String> model) {
        long now = System.nanoTime();
        for (int i = 0; i < count; i++) {
            InspectRequest r = claimed[i];
            int row = firstRow + i;
            r.score = classifier.defectScore(row);
            for (int k = 0; k < r.probs.length; k++) r.probs[k] = classifier.prob(row, k);
            r.hasBox = classifier.locate(row, r.box);
            if (classifier.hasDefectMap()) {
                int w = classifier.mapWidth();
                int h = classifier.mapHeight();
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) r.map[y * w + x] = classifier.mapValue(row, x, y);
            }
            r.inferredNanos = now;
            r.batchRows = batchRows;
            r.model = model;
            r.finish();
            claimed[i] = null;
        }
        count = 0;
    }

    /** Answers the staged requests with an error (the batch's run failed). */
    public void fail(String why) {
        for (int i = 0; i < count; i++) {
            claimed[i].error = why;
            claimed[i].finish();
            claimed[i] = null;
        }
        count = 0;
    }

    /** Requests staged and not answered yet. */
    public int staged() {
        return count;
    }
}
