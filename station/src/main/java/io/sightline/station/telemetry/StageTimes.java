package io.sightline.station.telemetry;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * How long the inspection workers' stages take, for the metrics and the dashboard:
 *
 * <pre>
 *   inspection worker i (the only writer of its recorders, allocation-free):
 *       preprocess one frame  --nanos-->  preprocess[i]
 *       session.run one batch --nanos-->  inference[i],  batch size --> batches[i]
 *   reader (a metrics scrape, the dashboard; any thread, serialised here):
 *       each recorder's interval --added to--> the stage's running total since start
 * </pre>
 *
 * <p>HdrHistogram's {@link SingleWriterRecorder} costs its writer two ordered stores and an
 * increment per value and never blocks it: the reader swaps the recorder's histograms under it.
 * Values past {@link #MAX_NANOS} are counted at it.
 */
public final class StageTimes {
    /** Longest stage time tracked (a minute): longer ones are recorded as this. */
    static final long MAX_NANOS = 60_000_000_000L;

    /** One worker's recorders; written by that worker's thread only. */
    public static final class Worker {
        private final SingleWriterRecorder preprocessNanos = new SingleWriterRecorder(MAX_NANOS, 2);
        private final SingleWriterRecorder inferenceNanos = new SingleWriterRecorder(MAX_NANOS, 2);
        private final SingleWriterRecorder batchSizes;

        private Worker(int maxBatch) {
            batchSizes = new SingleWriterRecorder(Math.max(2, maxBatch), 3);
        }

        public void preprocessed(long nanos) {
            preprocessNanos.recordValue(clamp(nanos, MAX_NANOS));
        }

        public void inferred(long nanos, int batchSize) {
            inferenceNanos.recordValue(clamp(nanos, MAX_NANOS));
            batchSizes.recordValue(batchSize);
        }

        private static long clamp(long v, long max) {
            return v < 0 ? 0 : Math.min(v, max);
        }
    }

    public enum Kind { PREPROCESS, INFERENCE, BATCH }

    private final Worker[] workers;
    private final Histogram[] totals = new Histogram[Kind.values().length];
    private final Histogram[] scratch = new Histogram[Kind.values().length];

    public StageTimes(int workers, int maxBatch) {
        this.workers = new Worker[workers];
        for (int i = 0; i < workers; i++) this.workers[i] = new Worker(maxBatch);
        for (Kind k : Kind.values()) {
            long highest = k == Kind.BATCH ? Math.max(2, maxBatch) : MAX_NANOS;
            int digits = k == Kind.BATCH ? 3 : 2;
            totals[k.ordinal()] = new Histogram(highest, digits);
            scratch[k.ordinal()] = new Histogram(highest, digits);
        }
    }

    public Worker worker(int i) {
        return workers[i];
    }

    /**
     * The stage's values since start (nanoseconds, or frames per batch), every worker's together.
     * The histogram is the reader's own: use it inside {@code synchronized (this)} or copy it.
     */
    synchronized Histogram total(Kind kind) {
        Histogram total = totals[kind.ordinal()];
        Histogram interval = scratch[kind.ordinal()];
        for (Worker w : workers) {
            SingleWriterRecorder r = switch (kind) {
                case PREPROCESS -> w.preprocessNanos;
                case INFERENCE -> w.inferenceNanos;
                case BATCH -> w.batchSizes;
            };
            r.getIntervalHistogramInto(interval);
            total.add(interval);
        }
        return total;
    }
}
