package io.sightline.station;

import io.sightline.postprocess.Outcome;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.outcome.ViewAssembly;
import io.sightline.station.ring.StationRing;
import io.sightline.station.telemetry.StationStats;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A {@link StationStats} read from the station's parts: the outcome counters, the ring and the view assembly. */
final class StationSnapshots {
    private StationSnapshots() {
    }

    /**
     * Each counter is read once, so the figures returned add up even while parts flow.
     *
     * @param elapsed seconds since the start (0 before it)
     * @param stopped whether the station has stopped (the batch size histogram is read only then)
     */
    static StationStats of(OutcomeRecorder recorder, StationRing ring, ViewAssembly parts, int maxBatch, double elapsed, boolean stopped) {
        var c = recorder.counters();
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) if (o.isFailSafe()) byReason.put(o.reason(), c.total(o));
        long passed = c.passed();
        long rejected = c.rejectedForDefect();
        long failSafe = c.failSafe();
        long decided = passed + rejected + failSafe;
        long captured = c.capturedTotal(); // after the outcomes: a part is captured before it is decided, so in flight >= 0
        Histogram latency = recorder.totalLatency();
        long batches = ring.batches();
        long batchedFrames = ring.batchedFrames();
        long[] hist = stopped ? ring.batchSizeHistogram(maxBatch) : new long[0];
        int maxSeen = 0;
        for (int i = hist.length - 1; i > 0; i--) if (hist[i] > 0) { maxSeen = i; break; }
        long overruns = ring.overruns();
        return new StationStats(captured, passed, rejected, failSafe, byReason,
                captured - decided, recorder.defective(), recorder.escapes(), recorder.falseRejects(), elapsed,
                elapsed > 0 ? decided / elapsed : 0,
                percentileMs(latency, 50), percentileMs(latency, 99), percentileMs(latency, 99.9),
                latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0,
                batches == 0 ? 0 : (double) batchedFrames / batches, maxSeen, hist, overruns, recorder.sinkFailures(),
                parts.lateViews(), parts.overflows());
    }

    private static double percentileMs(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
