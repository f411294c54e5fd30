package io.sightline.station;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.station.outcome.EjectorOutput;
import java.util.List;

/**
 * What a station is built with besides its config, model and cameras: where its results go (the
 * reject sink: ejector, PLC, broker, log; the trend trackers, each watching all lines or those
 * {@code trendLines[t]} marks; the decision journal, null: none; the rejected parts' images, null:
 * none; the station's own ejector timing, null: none) and the cameras' undistortion (null: none),
 * which is not an output but is set up the same way.
 *
 * <p>{@code clock} is the station's one wall clock (default {@link java.time.Clock#systemDefaultZone()}): what
 * names and shows the time of day (reject images' file names, the dashboard's time and its journal
 * look-back). Nothing that decides a part reads it: deadlines, rates, latencies and ages run on
 * {@link System#nanoTime()}, so a step of the wall clock (NTP, an operator) moves no deadline. The
 * journal gets the same clock from whoever opens it ({@code DecisionJournal.open}).
 */
public record StationAttachments(RejectSink sink, List<TrendTracker> trackers, boolean[][] trendLines, DecisionJournal journal,
                                 RejectImageSettings rejectImages, EjectorOutput ejector, io.sightline.preprocess.Undistorter undistorter,
                                 java.time.Clock clock) {
    /**
     * Where rejected parts' images go and how long they stay.
     *
     * @param maxBytes the folder's size limit: the oldest images go first
     * @param maxAge images older than this are deleted
     */
    public record RejectImageSettings(java.nio.file.Path dir, long maxBytes, java.time.Duration maxAge) {}

    public StationAttachments {
        if (sink == null) throw new IllegalArgumentException("a station needs a reject sink");
        trackers = List.copyOf(trackers);
        if (clock == null) throw new IllegalArgumentException("a station needs a wall clock (Clock.systemDefaultZone() for the system's)");
    }

    public static StationAttachments of(RejectSink sink) {
        return new StationAttachments(sink, List.of(), null, null, null, null, null, java.time.Clock.systemDefaultZone());
    }

    public StationAttachments withTrend(List<TrendTracker> trackers, boolean[][] trendLines) {
        return new StationAttachments(sink, trackers, trendLines, journal, rejectImages, ejector, undistorter, clock);
    }

    public StationAttachments withJournal(DecisionJournal journal) {
        return new StationAttachments(sink, trackers, trendLines, journal, rejectImages, ejector, undistorter, clock);
    }

    public StationAttachments withRejectImages(RejectImageSettings settings) {
        return new StationAttachments(sink, trackers, trendLines, journal, settings, ejector, undistorter, clock);
    }

    /**
     * The station times the ejector itself: each part reaches {@code output} the reject delay after
     * its capture, rejected if decided so or still undecided (see {@link io.sightline.postprocess.RejectScheduler}).
     */
    public StationAttachments withEjector(EjectorOutput output) {
        return new StationAttachments(sink, trackers, trendLines, journal, rejectImages, output, undistorter, clock);
    }

    /**
     * The cameras' calibration: every frame is undistorted before its ROI (each worker remaps into
     * its own buffer). Its frame size must be the cameras'. The caller closes it after the station.
     */
    public StationAttachments withUndistortion(io.sightline.preprocess.Undistorter u) {
        return new StationAttachments(sink, trackers, trendLines, journal, rejectImages, ejector, u, clock);
    }

    /** The station's wall clock (see the class comment); the composition root passes one down to all that read it. */
    public StationAttachments withClock(java.time.Clock c) {
        return new StationAttachments(sink, trackers, trendLines, journal, rejectImages, ejector, undistorter, c);
    }
}
