package io.sightline.bench;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;

/** Counts reject signals, allocation-free: the sink of the station stage benchmarks. */
final class CountingSink implements RejectSink {
    long rejects;

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        rejects++;
    }
}
