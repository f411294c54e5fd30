package io.sightline.station;

import com.lmax.disruptor.EventHandler;
import io.sightline.preprocess.Preprocessor;
import java.util.List;

/**
 * Preprocesses the ring entries whose {@code sequence % shards == shard}: the Disruptor 4 way to
 * share work among N handlers (it has no WorkerPool). Each handler has its own OpenCV scratch
 * buffers, one per line, and writes into the slot's tensor area.
 */
final class PreprocessHandler implements EventHandler<FrameEvent>, AutoCloseable {
    private final int shard;
    private final int shards;
    private final Preprocessor[] perLine;
    private long errors;

    PreprocessHandler(int shard, int shards, List<LineSetup> lines) {
        this.shard = shard;
        this.shards = shards;
        this.perLine = new Preprocessor[lines.size()];
        for (int i = 0; i < perLine.length; i++) perLine[i] = new Preprocessor(lines.get(i).spec());
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        if (sequence % shards != shard || e.status != FrameEvent.STATUS_OK) return;
        try {
            perLine[e.line].process(e.roiViews[e.line], e.tensorView);
            e.preprocessedNanos = System.nanoTime();
        } catch (RuntimeException ex) {
            errors++;
            e.status = FrameEvent.STATUS_ERROR;
        }
    }

    long errors() {
        return errors;
    }

    @Override
    public void close() {
        for (Preprocessor p : perLine) p.close();
    }
}
