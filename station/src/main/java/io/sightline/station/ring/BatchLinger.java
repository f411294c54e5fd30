package io.sightline.station.ring;

/**
 * When an inspection worker runs a batch smaller than its maximum: the holding-back rule of
 * {@link InspectionHandler}, apart from the clock so it can be tested on made-up times.
 *
 * <p>It keeps an average of the gap between the capture times of the worker's frames. A batch
 * held back runs once its oldest frame has waited {@code lingerNanos} since it was staged, or at
 * once when the next frame is not expected before then: holding only pays when company comes, so
 * a slow line never waits for nothing. Until two frames have been seen nothing is held.
 */
final class BatchLinger {
    /** Weight of the newest gap in the average: 1 / 2^shift. */
    private static final int GAP_SHIFT = 3;

    private final long lingerNanos;
    private long lastCaptureNanos;
    private boolean seenOne;
    private long meanGapNanos = Long.MAX_VALUE; // unknown: do not wait

    BatchLinger(long lingerNanos) {
        if (lingerNanos < 0) throw new IllegalArgumentException("linger must be 0 or more ns, got " + lingerNanos);
        this.lingerNanos = lingerNanos;
    }

    /** One more frame for this worker, captured at {@code captureNanos}. */
    void observeArrival(long captureNanos) {
        if (seenOne) {
            long gap = Math.max(0, captureNanos - lastCaptureNanos);
            meanGapNanos = meanGapNanos == Long.MAX_VALUE ? gap : meanGapNanos + ((gap - meanGapNanos) >> GAP_SHIFT);
        }
        seenOne = true;
        lastCaptureNanos = captureNanos;
    }

    /** The average gap between frames so far; {@link Long#MAX_VALUE} before two frames. */
    long meanGapNanos() {
        return meanGapNanos;
    }

    /**
     * Whether a batch held back should run now.
     *
     * @param pending frames in the batch
     * @param firstStagedNanos when its oldest frame was staged
     * @param nowNanos the time now, on the same clock
     */
    boolean shouldRun(int pending, long firstStagedNanos, long nowNanos) {
        if (pending == 0) return false;
        long waited = nowNanos - firstStagedNanos;
        return waited >= lingerNanos || meanGapNanos > lingerNanos - waited;
    }
}
