package io.sightline.station;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendTracker;
import java.util.List;

/**
 * Where a station's results go: the reject sink (ejector, PLC, broker, log), the trend trackers
 * (each watching all lines, or those {@code trendLines[t]} marks), and the decision journal
 * (null: none).
 */
public record StationOutputs(RejectSink sink, List<TrendTracker> trackers, boolean[][] trendLines, DecisionJournal journal) {
    public StationOutputs {
        if (sink == null) throw new IllegalArgumentException("a station needs a reject sink");
        trackers = List.copyOf(trackers);
    }

    public static StationOutputs of(RejectSink sink) {
        return new StationOutputs(sink, List.of(), null, null);
    }

    public StationOutputs withTrend(List<TrendTracker> trackers, boolean[][] trendLines) {
        return new StationOutputs(sink, trackers, trendLines, journal);
    }

    public StationOutputs withJournal(DecisionJournal journal) {
        return new StationOutputs(sink, trackers, trendLines, journal);
    }
}
