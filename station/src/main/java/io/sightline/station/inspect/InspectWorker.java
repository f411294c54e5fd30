package io.sightline.station.inspect;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;

/**
 * The inspection API's own worker when no station runs ({@code sightline serve}): one thread with
 * its own classifier that takes requests from the {@link InspectQueue} as they come and runs
 * whatever has gathered meanwhile in one batch ({@link InspectRows}, as a station worker's spare
 * rows). Under load the queue fills while a batch runs, so batches grow with the load.
 */
public final class InspectWorker implements AutoCloseable {
    private final BatchClassifier classifier;
    private final InspectRows rows;
    private final Thread thread;
    private volatile boolean running = true;
    private long batches;
    private long requests;

    /** Makes the classifier, runs every batch shape once, then starts the thread. */
    public InspectWorker(ModelPackage model, InspectQueue queue, int maxBatch) {
        this.classifier = model.newClassifier(maxBatch);
        classifier.warmUp();
        this.rows = new InspectRows(queue, maxBatch);
        this.thread = new Thread(() -> loop(queue), "sightline-inspect");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(InspectQueue queue) {
        while (running) {
            InspectRequest first;
            try {
                first = queue.take(100);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) continue;
            int n = rows.stage(classifier, first, classifier.maxBatch());
            try {
                classifier.run(n);
                rows.complete(classifier, n, null);
            } catch (RuntimeException e) {
                rows.fail("the model's run failed: " + e.getMessage());
            }
            batches++;
            requests += n;
        }
    }

    /** Batches run so far (read after close for exact figures). */
    public long batches() {
        return batches;
    }

    public long requests() {
        return requests;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        if (!thread.isAlive()) classifier.close();
    }
}
