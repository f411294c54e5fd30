package io.sightline.postprocess;

import java.io.PrintStream;
import java.time.Instant;

/**
 * Writes one line per reject signal: time, line, part id, reason, score, and how long before its
 * ejector deadline the signal was issued. For demos and commissioning; plants use a PLC sink.
 */
public final class LoggingRejectSink implements RejectSink {
    private final PrintStream out;
    private final boolean closeOut;
    private long signals;

    private final boolean logResults;

    public LoggingRejectSink(PrintStream out, boolean closeOut) {
        this(out, closeOut, false);
    }

    /** @param logResults also log every part's result, pass included */
    public LoggingRejectSink(PrintStream out, boolean closeOut, boolean logResults) {
        this.out = out;
        this.closeOut = closeOut;
        this.logResults = logResults;
    }

    @Override
    public synchronized void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        long slackMicros = (deadlineNanos - System.nanoTime()) / 1_000;
        signals++;
        out.printf("%s reject line=%d part=%d reason=%s score=%s deadlineInUs=%d%n",
                Instant.now(), line, partId, reason.reason(),
                Float.isNaN(defectScore) ? "none" : String.format("%.4f", defectScore), slackMicros);
    }

    /** Results are logged only when asked for (every part is a lot of lines). */
    @Override
    public synchronized void result(int line, long partId, Outcome outcome, float defectScore) {
        if (!logResults) return;
        out.printf("%s result line=%d part=%d decision=%s reason=%s score=%s%n", Instant.now(), line, partId,
                outcome.decision(), outcome.reason(),
                Float.isNaN(defectScore) ? "none" : String.format("%.4f", defectScore));
    }

    @Override
    public synchronized void trendAlarm(io.sightline.postprocess.trend.TrendAlarm a) {
        out.printf("%s trend-alarm %s line=%d part=%d detector=%s%s value=%.4f limit=%.4f rule=\"%s\"%n", Instant.now(),
                a.raised() ? "raised" : "cleared", a.line(), a.partIndex(), a.detector(),
                a.defectClass() == null ? "" : " class=" + a.defectClass(), a.value(), a.limit(), a.rule());
    }

    public synchronized long signals() {
        return signals;
    }

    @Override
    public synchronized void close() {
        out.flush();
        if (closeOut) out.close();
    }
}
