package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;
import java.util.List;

/**
 * Several sinks as one: every signal goes to each in turn. One sink's failure does not keep the
 * others from their signal (it is rethrown after all have had theirs, so it is still counted).
 */
public final class CompositeSink implements RejectSink {
    private final List<RejectSink> sinks;

    public CompositeSink(List<RejectSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        RuntimeException failure = null;
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).reject(line, partId, reason, defectScore, deadlineNanos);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
    }

    @Override
    public void result(int line, long partId, Outcome outcome, float defectScore) {
        RuntimeException failure = null;
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).result(line, partId, outcome, defectScore);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
    }

    @Override
    public void trendAlarm(TrendAlarm alarm) {
        for (RejectSink s : sinks) {
            try {
                s.trendAlarm(alarm);
            } catch (RuntimeException ignored) {
                // the others still get it
            }
        }
    }

    /** Up when every sink is up; buffered and dropped summed; the first error. */
    @Override
    public SinkHealth health() {
        boolean up = true;
        long buffered = 0;
        long dropped = 0;
        String error = null;
        for (RejectSink s : sinks) {
            SinkHealth h = s.health();
            up &= h.up();
            buffered += h.buffered();
            dropped += h.dropped();
            if (error == null) error = h.lastError();
        }
        return new SinkHealth(up, buffered, dropped, error);
    }

    @Override
    public void close() {
        for (RejectSink s : sinks) s.close();
    }
}
