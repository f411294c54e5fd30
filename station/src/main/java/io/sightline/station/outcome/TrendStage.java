package io.sightline.station.outcome;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.postprocess.trend.TrendTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * The station's trend trackers, fed by the decision thread with every scored part:
 *
 * <pre>
 *   DecisionHandler --(line, part, capture time, score, rejected)--> each TrendTracker
 *        alarms --> the reject sink (same outputs as rejects) and the station's alarm record
 * </pre>
 *
 * Fail-safe outcomes carry no score the line made and are not fed (they are counted by the
 * station itself). The alarm record keeps the first {@value #MAX_RECORDED} alarms for the summary.
 */
public final class TrendStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrendStage.class);
    static final int MAX_RECORDED = 1000;
    static final int MAX_RECENT = 256;

    private final List<TrendTracker> trackers;
    /** watches[t][line]: whether tracker t watches the line (the config may choose detectors per line). */
    private final boolean[][] watches;
    private final List<TrendAlarm> alarms = new ArrayList<>();
    private long dropped;
    /** The latest alarms (the record above keeps the first ones), and raised ones per tracker and line; under {@code alarms}. */
    private final java.util.ArrayDeque<TrendAlarm> recent = new java.util.ArrayDeque<>();
    private final long[][] raised;
    /** Each tracker's recent statistic for other threads (dashboard, metrics). */
    private final TrendHistory history;

    public TrendStage(List<TrendTracker> trackers, RejectSink sink, int lines) {
        this(trackers, null, sink, lines);
    }

    /**
     * @param watches per tracker, the lines it watches; null: every tracker watches every line
     */
    public TrendStage(List<TrendTracker> trackers, boolean[][] watches, RejectSink sink, int lines) {
        for (TrendTracker t : trackers) {
            if (t.lines() < lines) {
                throw new IllegalArgumentException("trend tracker " + t.name() + " watches " + t.lines() + " lines, the station has " + lines);
            }
        }
        this.trackers = List.copyOf(trackers);
        if (watches != null && watches.length != trackers.size()) {
            throw new IllegalArgumentException(watches.length + " line selections for " + trackers.size() + " trend trackers");
        }
        this.watches = new boolean[trackers.size()][lines];
        for (int t = 0; t < trackers.size(); t++) {
            for (int line = 0; line < lines; line++) this.watches[t][line] = watches == null || watches[t][line];
        }
        this.raised = new long[trackers.size()][lines];
        this.history = new TrendHistory(trackers.size(), lines, TrendHistory.CAPACITY, TrendHistory.INTERVAL_NANOS);
        TrendTracker.Listener listener = alarm -> {
            // rare (an alarm, then its clearing); the log's appender is asynchronous and never blocks this thread
            if (alarm.raised()) {
                LOG.warn("trend alarm on line {} ({}): {} at part {}: {} beyond {}", alarm.line(), alarm.detector(), alarm.rule(),
                        alarm.partIndex(), alarm.value(), alarm.limit());
            } else {
                LOG.info("trend alarm cleared on line {} ({}) at part {}", alarm.line(), alarm.detector(), alarm.partIndex());
            }
            synchronized (alarms) {
                if (alarms.size() < MAX_RECORDED) alarms.add(alarm);
                else dropped++;
                if (recent.size() == MAX_RECENT) recent.pollFirst();
                recent.addLast(alarm);
                for (int t = 0; t < this.trackers.size(); t++) {
                    if (alarm.raised() && this.trackers.get(t).name().equals(alarm.detector()) && alarm.line() < lines) raised[t][alarm.line()]++;
                }
            }
            try {
                sink.trendAlarm(alarm);
            } catch (RuntimeException e) {
                // the alarm is recorded; a sink failure must not stop the decision thread
            }
        };
        for (TrendTracker t : this.trackers) t.setListener(listener);
    }

    boolean isEmpty() {
        return trackers.isEmpty();
    }

    /** Called by the decision thread for each part it decided. */
    public void onOutcome(int line, long partId, long captureNanos, Outcome outcome, float defectScore) {
        if (outcome != Outcome.PASS && outcome != Outcome.REJECT_DEFECT) return;
        boolean rejected = outcome == Outcome.REJECT_DEFECT;
        for (int i = 0; i < trackers.size(); i++) {
            if (watches[i][line]) trackers.get(i).update(line, partId, captureNanos, defectScore, rejected);
        }
        if (!trackers.isEmpty()) history.maybeSample(line, partId, captureNanos, trackers, watches);
    }

    public List<TrendTracker> trackers() {
        return trackers;
    }

    public boolean watches(int tracker, int line) {
        return watches[tracker][line];
    }

    public TrendHistory history() {
        return history;
    }

    /** The latest {@value #MAX_RECENT} alarms, raised and cleared, in order; safe from any thread. */
    public List<TrendAlarm> recentAlarms() {
        synchronized (alarms) {
            return List.copyOf(recent);
        }
    }

    /** Alarms tracker {@code t} raised on the line so far. */
    public long raisedAlarms(int t, int line) {
        synchronized (alarms) {
            return raised[t][line];
        }
    }

    /** Alarms so far, raised and cleared, in order; safe from any thread. */
    public List<TrendAlarm> alarms() {
        synchronized (alarms) {
            return List.copyOf(alarms);
        }
    }

    public long droppedAlarms() {
        synchronized (alarms) {
            return dropped;
        }
    }

    /** Invalid scores each tracker refused, summed over trackers and lines. */
    public long invalidScores() {
        long n = 0;
        for (TrendTracker t : trackers) for (int line = 0; line < t.lines(); line++) n += t.invalidScores(line);
        return n;
    }
}
