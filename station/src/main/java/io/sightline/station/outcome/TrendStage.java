package io.sightline.station.outcome;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.ClassRateTracker;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.postprocess.trend.TrendTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * The station's trend trackers, fed by the decision thread with every scored part:
 *
 * <pre>
 *   DecisionHandler --(line, part, capture time, score, rejected)--> each TrendTracker
 *                   --(line, part, capture time, the defect class it was rejected for)--> ClassRateTracker
 *        alarms --> the reject sink (same outputs as rejects) and the station's alarm record
 *               --> the decision journal's trend rows ({@link TrendRows}), with the LSTM's forecast once a minute per line
 * </pre>
 *
 * With a model of two or more defect classes (and at least one trend tracker), every line also
 * watches the rate of each defect class ({@link ClassRateTracker}): its alarms name the class.
 *
 * Fail-safe outcomes carry no score the line made and are not fed (they are counted by the
 * station itself). The alarm record keeps the first {@value #MAX_RECORDED} alarms for the summary.
 */
public final class TrendStage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrendStage.class);
    static final int MAX_RECORDED = 1000;
    static final int MAX_RECENT = 256;
    /** How often each line's LSTM forecast is journalled, in capture time: once a minute. */
    public static final long FORECAST_JOURNAL_NANOS = TrendRows.FORECAST_INTERVAL_NANOS;

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
    /** The rate of each defect class per line; null: the model has fewer than two defect classes, or no tracker runs. */
    private final ClassRateTracker classes;
    private final long[][] classRaised;
    /** The journal's trend rows; null: no journal. */
    private final TrendRows rows;

    public TrendStage(List<TrendTracker> trackers, RejectSink sink, int lines) {
        this(trackers, null, sink, lines, List.of());
    }

    /**
     * @param watches per tracker, the lines it watches; null: every tracker watches every line
     */
    public TrendStage(List<TrendTracker> trackers, boolean[][] watches, RejectSink sink, int lines) {
        this(trackers, watches, sink, lines, List.of());
    }

    /**
     * @param defectClasses the model's defect classes (its classes without the passing one), in the
     *     order of the indices given to {@link #onOutcome(int, long, long, Outcome, float, int)}; with
     *     fewer than two (a binary or anomaly model), or no tracker, nothing is tracked per class
     */
    public TrendStage(List<TrendTracker> trackers, boolean[][] watches, RejectSink sink, int lines, List<String> defectClasses) {
        this(trackers, watches, sink, lines, defectClasses, null, TrendRows.FORECAST_INTERVAL_NANOS);
    }

    /**
     * @param journal where alarms and the LSTM's forecasts are recorded ({@link TrendRows}); null: nowhere
     * @param forecastJournalNanos how often each line's forecast is journalled, in capture time
     */
    public TrendStage(List<TrendTracker> trackers, boolean[][] watches, RejectSink sink, int lines, List<String> defectClasses,
                      DecisionJournal journal, long forecastJournalNanos) {
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
        this.classes = trackers.isEmpty() || defectClasses.size() < 2 ? null
                : ClassRateTracker.matched(lines, defectClasses, io.sightline.postprocess.trend.model.TrendModels.BASELINE);
        this.classRaised = new long[classes == null ? 0 : defectClasses.size()][lines];
        LstmTrendTracker forecaster = null;
        boolean[] forecastLines = new boolean[lines];
        for (int t = 0; t < this.trackers.size(); t++) {
            if (this.trackers.get(t) instanceof LstmTrendTracker l) {
                forecaster = l;
                forecastLines = this.watches[t].clone();
            }
        }
        this.rows = journal == null ? null : new TrendRows(journal, forecaster, forecastLines, forecastJournalNanos);
        this.history = new TrendHistory(trackers.size() + classRaised.length, lines, TrendHistory.CAPACITY, TrendHistory.INTERVAL_NANOS);
        TrendTracker.Listener listener = alarm -> {
            // rare (an alarm, then its clearing); the log's appender is asynchronous and never blocks this thread
            if (alarm.raised()) {
                LOG.warn("trend alarm on {} ({}): {} at part {}: {} beyond {}", alarm.subject(), alarm.detector(), alarm.rule(),
                        alarm.partIndex(), alarm.value(), alarm.limit());
            } else {
                LOG.info("trend alarm cleared on {} ({}) at part {}", alarm.subject(), alarm.detector(), alarm.partIndex());
            }
            synchronized (alarms) {
                if (alarms.size() < MAX_RECORDED) alarms.add(alarm);
                else dropped++;
                if (recent.size() == MAX_RECENT) recent.pollFirst();
                recent.addLast(alarm);
                if (alarm.defectClass() == null) {
                    for (int t = 0; t < this.trackers.size(); t++) {
                        if (alarm.raised() && this.trackers.get(t).name().equals(alarm.detector()) && alarm.line() < lines) raised[t][alarm.line()]++;
                    }
                } else if (alarm.raised() && alarm.line() < lines) {
                    int c = defectClasses.indexOf(alarm.defectClass());
                    if (c >= 0) classRaised[c][alarm.line()]++;
                }
            }
            if (rows != null) rows.alarm(alarm, classes);
            try {
                sink.trendAlarm(alarm);
            } catch (RuntimeException e) {
                // the alarm is recorded; a sink failure must not stop the decision thread
            }
        };
        for (TrendTracker t : this.trackers) t.setListener(listener);
        if (classes != null) classes.setListener(listener);
    }

    boolean isEmpty() {
        return trackers.isEmpty();
    }

    /** Called by the decision thread for each part it decided, with no defect class known. */
    public void onOutcome(int line, long partId, long captureNanos, Outcome outcome, float defectScore) {
        onOutcome(line, partId, captureNanos, outcome, defectScore, -1);
    }

    /**
     * Called by the decision thread for each part it decided.
     *
     * @param defectClass the most probable of the model's defect classes (index in the list given at
     *     construction); counted for that class only when the part is rejected for a defect; -1: unknown
     */
    public void onOutcome(int line, long partId, long captureNanos, Outcome outcome, float defectScore, int defectClass) {
        if (outcome != Outcome.PASS && outcome != Outcome.REJECT_DEFECT) return;
        boolean rejected = outcome == Outcome.REJECT_DEFECT;
        for (int i = 0; i < trackers.size(); i++) {
            if (watches[i][line]) trackers.get(i).update(line, partId, captureNanos, defectScore, rejected);
        }
        if (classes != null) classes.update(line, partId, captureNanos, rejected ? defectClass : -1);
        if (!trackers.isEmpty()) history.maybeSample(line, partId, captureNanos, trackers, watches, classes);
        if (rows != null) rows.afterPart(line, partId, captureNanos);
    }

    /** The per-class tracker, or null when none runs (see the constructor). */
    public ClassRateTracker classTracker() {
        return classes;
    }

    /** Alarms the class's rate raised on the line so far. */
    public long raisedClassAlarms(int c, int line) {
        synchronized (alarms) {
            return classRaised[c][line];
        }
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

    /** Trend rows the journal could not take (read after the decision thread stopped). */
    public long trendRowsNotJournalled() {
        return rows == null ? 0 : rows.failures();
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
