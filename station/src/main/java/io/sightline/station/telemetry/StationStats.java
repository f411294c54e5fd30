package io.sightline.station.telemetry;

import java.util.Map;

/**
 * A station's figures at one moment, counted in parts (on a line with several views, a part is all
 * its views' frames). Once the station has drained, {@code inFlight} is 0 and
 * {@code captured == passed + rejected + failSafe}.
 *
 * @param rejected parts rejected for a defect (fail-safe rejects are counted apart)
 * @param failSafeByReason fail-safe rejects by {@link io.sightline.postprocess.Outcome#reason()}
 * @param defective ground-truth defective parts captured (synthetic cameras only)
 * @param escapes defective parts that passed
 * @param falseRejects good parts rejected, for any reason
 * @param throughputFps outcomes recorded per second of run time
 * @param latencyP50Ms capture-to-outcome latency percentiles, from the scheduled trigger time; 0 when
 *                     nothing was decided (ring-full rejects are not in them: they never queued)
 * @param batchHistogram batches by size (index = size); empty while running
 * @param lateViews on lines with several views: frames that came after their part was decided (no
 *                  second outcome; per view in {@link SourceStats#lateViews()})
 * @param partWindowOverflows on lines with several views: parts decided fail-safe early because the
 *                            line's window of parts in assembly was full
 */
public record StationStats(long captured, long passed, long rejected, long failSafe, Map<String, Long> failSafeByReason,
                           long inFlight, long defective, long escapes, long falseRejects, double elapsedSeconds,
                           double throughputFps, double latencyP50Ms, double latencyP99Ms, double latencyP999Ms,
                           double latencyMaxMs,
                           double meanBatch, int maxBatchSeen, long[] batchHistogram, long cameraOverruns,
                           long sinkFailures, long lateViews, long partWindowOverflows) {

    public boolean balanced() {
        return captured == passed + rejected + failSafe + inFlight;
    }
}
