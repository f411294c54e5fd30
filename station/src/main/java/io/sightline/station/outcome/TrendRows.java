package io.sightline.station.outcome;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.JournalTrends;
import io.sightline.postprocess.trend.ClassRateTracker;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendAlarm;
import java.util.concurrent.TimeUnit;

/**
 * The trend stage's rows in the decision journal ({@link JournalTrends}), written by the decision
 * thread:
 *
 * <pre>
 *   every alarm raised or cleared (any detector, and per defect class)   --> one row, with the class's or line's baseline rate
 *   each line's LSTM forecast, when the part's capture time is at least
 *   the cadence (default one minute) after the line's last forecast row  --> one row: rate, interval, level, horizon, limit
 * </pre>
 *
 * Per part this costs one comparison of two longs (no allocation); a row is written, in its own
 * transaction as the outcomes are, only when an alarm moves or the cadence is due. A journal that
 * cannot take a trend row does not stop the line (the next outcome's append will, if the journal is
 * gone): the row is counted and the first failure logged.
 */
final class TrendRows {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrendRows.class);
    /** How often each line's forecast is journalled, in capture time. */
    static final long FORECAST_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final DecisionJournal journal;
    private final LstmTrendTracker forecaster;
    private final boolean[] forecastLines;
    private final long intervalNanos;
    private final long[] lastForecastNanos;
    private final boolean[] forecastWritten;
    private long failures;

    /**
     * @param forecaster the LSTM tracker, or null: no forecast rows
     * @param forecastLines the lines the LSTM watches
     */
    TrendRows(DecisionJournal journal, LstmTrendTracker forecaster, boolean[] forecastLines, long intervalNanos) {
        if (intervalNanos <= 0) throw new IllegalArgumentException("forecast journal interval: expected > 0 ns, got " + intervalNanos);
        this.journal = journal;
        this.forecaster = forecaster;
        this.forecastLines = forecastLines.clone();
        this.intervalNanos = intervalNanos;
        this.lastForecastNanos = new long[forecastLines.length];
        this.forecastWritten = new boolean[forecastLines.length];
    }

    /** An alarm raised or cleared (decision thread, inside the tracker's update). */
    void alarm(TrendAlarm alarm, ClassRateTracker classes) {
        double baseRate = Double.NaN;
        if (alarm.defectClass() != null && classes != null) {
            int c = classes.classes().indexOf(alarm.defectClass());
            if (c >= 0) baseRate = classes.baselineRate(alarm.line(), c);
        } else if (forecaster != null && forecaster.name().equals(alarm.detector())) {
            baseRate = forecaster.baseRate(alarm.line());
        }
        write(alarm, alarm.raised() ? JournalTrends.EVENT_RAISED : JournalTrends.EVENT_CLEARED, baseRate);
    }

    /** After the trackers took a part of the line: the line's forecast, if the cadence is due and it has one. */
    void afterPart(int line, long partId, long captureNanos) {
        if (forecaster == null || !forecastLines[line]) return;
        if (forecastWritten[line] && captureNanos - lastForecastNanos[line] < intervalNanos) return;
        double rate = forecaster.forecastRate(line);
        if (Double.isNaN(rate)) return;
        forecastWritten[line] = true;
        lastForecastNanos[line] = captureNanos;
        double limit = forecaster.limit(line);
        var interval = forecaster.interval();
        write(new TrendAlarm(line, forecaster.name(), captureNanos, partId, rate, limit, forecaster.alarmed(line),
                forecaster.alarmed(line) ? "forecast, alarm raised" : "forecast",
                new TrendAlarm.Forecast(rate, forecaster.forecastLower(line), forecaster.forecastUpper(line), interval.level(),
                        interval.horizonParts(), limit)), JournalTrends.EVENT_FORECAST, forecaster.baseRate(line));
    }

    private void write(TrendAlarm alarm, String event, double baseRate) {
        try {
            journal.appendTrend(alarm, event, baseRate);
        } catch (DecisionJournal.JournalException e) {
            if (failures++ == 0) LOG.error("trend rows are not journalled: {}", e.getMessage());
        }
    }

    /** Trend rows the journal could not take. Decision thread, or after the station stopped. */
    long failures() {
        return failures;
    }
}
