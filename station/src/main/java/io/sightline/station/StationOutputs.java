package io.sightline.station;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendTracker;
import java.util.List;

/**
 * Where a station's results go: the reject sink (ejector, PLC, broker, log), the trend trackers
 * (each watching all lines, or those {@code trendLines[t]} marks), the decision journal
 * (null: none) and the rejected parts' images (null: none).
 */
public record StationOutputs(RejectSink sink, List<TrendTracker> trackers, boolean[][] trendLines, DecisionJournal journal,
                             RejectImageSettings rejectImages, EjectorOutput ejector) {
    /**
     * Where rejected parts' images go and how long they stay.
     *
     * @param maxBytes the folder's size limit: the oldest images go first
     * @param maxAge images older than this are deleted
     */
    public record RejectImageSettings(java.nio.file.Path dir, long maxBytes, java.time.Duration maxAge) {}

    public StationOutputs {
        if (sink == null) throw new IllegalArgumentException("a station needs a reject sink");
        trackers = List.copyOf(trackers);
    }

    public static StationOutputs of(RejectSink sink) {
        return new StationOutputs(sink, List.of(), null, null, null, null);
    }

    public StationOutputs withTrend(List<TrendTracker> trackers, boolean[][] trendLines) {
        return new StationOutputs(sink, trackers, trendLines, journal, rejectImages, ejector);
    }

    public StationOutputs withJournal(DecisionJournal journal) {
        return new StationOutputs(sink, trackers, trendLines, journal, rejectImages, ejector);
    }

    public StationOutputs withRejectImages(RejectImageSettings settings) {
        return new StationOutputs(sink, trackers, trendLines, journal, settings, ejector);
    }

    /**
     * The station times the ejector itself: each part reaches {@code output} the reject delay after
     * its capture, rejected if decided so or still undecided (see {@link io.sightline.postprocess.RejectScheduler}).
     */
    public StationOutputs withEjector(EjectorOutput output) {
        return new StationOutputs(sink, trackers, trendLines, journal, rejectImages, output);
    }
}
