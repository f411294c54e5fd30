package io.sightline.station;

import com.lmax.disruptor.EventHandler;
import io.sightline.inference.BatchClassifier;

/**
 * Runs after every preprocess shard: stages each readable frame's tensor into the classifier's
 * batch and runs one {@code session.run} per batch ({@link Batcher} decides when), writing the
 * defect scores back into the slots. A failed run leaves the batch's scores NaN and marks the
 * frames as errors, so each becomes a fail-safe reject downstream.
 */
final class InferenceHandler implements EventHandler<FrameEvent>, Batcher.Runner<FrameEvent>, AutoCloseable {
    private final BatchClassifier classifier;
    private final Batcher<FrameEvent> batcher;
    private long failedBatches;

    InferenceHandler(BatchClassifier classifier) {
        this.classifier = classifier;
        this.batcher = new Batcher<>(new FrameEvent[classifier.maxBatch()], this);
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        if (e.status == FrameEvent.STATUS_OK) {
            classifier.stage(batcher.pending(), e.tensor.floats());
            batcher.onEntry(e, endOfBatch);
        } else {
            batcher.onEntry(null, endOfBatch);
        }
    }

    @Override
    public void run(FrameEvent[] items, int count) {
        try {
            classifier.run(count);
            long now = System.nanoTime();
            for (int i = 0; i < count; i++) {
                items[i].defectScore = classifier.defectScore(i);
                items[i].inferredNanos = now;
            }
        } catch (RuntimeException ex) {
            failedBatches++;
            for (int i = 0; i < count; i++) items[i].status = FrameEvent.STATUS_ERROR;
        }
    }

    /**
     * Runs every batch size once before the cameras start: TensorFlow optimises the graph on the
     * first run of each shape, which would otherwise make the first parts late.
     */
    void warmUp() {
        for (int n = 1; n <= classifier.maxBatch(); n = n < classifier.maxBatch() ? Math.min(n * 2, classifier.maxBatch()) : n + 1) {
            classifier.run(n);
        }
    }

    Batcher<FrameEvent> batcher() {
        return batcher;
    }

    long failedBatches() {
        return failedBatches;
    }

    @Override
    public void close() {
        classifier.close();
    }
}
