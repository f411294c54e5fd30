package io.sightline.station.outcome;

import io.sightline.capture.DefectKind;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.LineCounters;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The single place where a part's outcome is recorded (a frame's, on a line with one camera): per-line counters, the capture-to-decision
 * latency histogram, the ground-truth scorecard (synthetic runs only), and the reject signal.
 *
 * <p>With a journal, each outcome is appended (and committed) first; only then is it counted
 * and its signal sent. A journal failure turns a pass into a fail-safe reject and stops the line.
 *
 * <p>Called from the decision thread, the deadline watchdog and camera threads (ring full), at
 * most once per part (the slot's outcome claim guarantees it for a frame, the {@link ViewAssembly} for
 * a part with several views). Allocation-free and thread-safe.
 */
public final class OutcomeRecorder {
    private static final long MAX_LATENCY_MICROS = 60_000_000L;

    private final LineCounters counters;
    private final RejectSink sink;
    private final Recorder latencyMicros = new Recorder(MAX_LATENCY_MICROS, 3);
    private final Histogram totalLatencyMicros = new Histogram(MAX_LATENCY_MICROS, 3);
    private Histogram intervalLatency;
    private final AtomicLong defective = new AtomicLong();
    private final AtomicLong escapes = new AtomicLong();
    private final AtomicLong falseRejects = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final DecisionJournal journal;
    private final java.util.function.Consumer<String> stopLine;
    private final AtomicLong journalFailures = new AtomicLong();
    private volatile String journalError;

    public OutcomeRecorder(int lines, RejectSink sink) {
        this(lines, sink, null, reason -> { });
    }

    /**
     * @param journal where every outcome is appended before its signal is sent; null: none
     * @param stopLine called (once per failure) when the journal cannot be written
     */
    public OutcomeRecorder(int lines, RejectSink sink, DecisionJournal journal, java.util.function.Consumer<String> stopLine) {
        this.counters = new LineCounters(lines);
        this.sink = sink;
        this.journal = journal;
        this.stopLine = stopLine;
    }

    public LineCounters counters() {
        return counters;
    }

    private volatile EjectorStage ejector;
    /** The journal id of the live model: what an outcome no model scored is recorded under. */
    private volatile int liveModel;

    /** The model now live (its journal id), set when a swap takes over. */
    public void setLiveModel(int journalId) {
        this.liveModel = journalId;
    }

    /** The station's own ejector timing, when it has one. */
    public void setEjector(EjectorStage ejector) {
        this.ejector = ejector;
    }

    /** A frame entered the station (before it is published, so a ring-full frame is counted too). */
    void captured(int line, DefectKind truth) {
        captured(line, -1, 0, truth);
    }

    /** As {@link #captured(int, DefectKind)}, with the part's id and capture time for the ejector. */
    void captured(int line, long partId, long captureNanos, DefectKind truth) {
        EjectorStage e = ejector;
        if (e != null && partId >= 0) e.captured(line, partId, captureNanos);
        counters.captured(line);
        if (truth.isDefect()) defective.incrementAndGet();
    }

    public void record(int line, long partId, DefectKind truth, Outcome outcome, float defectScore,
                long captureNanos, long deadlineNanos, long nowNanos) {
        record(line, partId, truth, outcome, defectScore, captureNanos, deadlineNanos, nowNanos, 0, 0, 0, 0);
    }

    /**
     * As {@link #record(int, long, DefectKind, Outcome, float, long, long, long)}, with where the model
     * saw the defect (frame pixels; width 0: nowhere), which the journal keeps for a defect reject.
     */
    public void record(int line, long partId, DefectKind truth, Outcome outcome, float defectScore,
                long captureNanos, long deadlineNanos, long nowNanos, int boxX, int boxY, int boxWidth, int boxHeight) {
        record(line, partId, truth, outcome, defectScore, captureNanos, deadlineNanos, nowNanos, boxX, boxY, boxWidth, boxHeight, -1);
    }

    /**
     * As {@link #record(int, long, DefectKind, Outcome, float, long, long, long, int, int, int, int)},
     * with the journal id of the model that scored the part ({@link DecisionJournal#registerModel});
     * -1 (a part never scored, or assembled from several views): the live model's.
     */
    public void record(int line, long partId, DefectKind truth, Outcome outcome, float defectScore,
                long captureNanos, long deadlineNanos, long nowNanos, int boxX, int boxY, int boxWidth, int boxHeight, int model) {
        if (journal != null) {
            try {
                journal.append(line, partId, outcome, defectScore, captureNanos, nowNanos, boxX, boxY, boxWidth, boxHeight,
                        model < 0 ? liveModel : model);
            } catch (DecisionJournal.JournalException e) {
                // Unrecorded, the part must not pass: reject it, and stop the line.
                if (outcome == Outcome.PASS) outcome = Outcome.FAILSAFE_ERROR;
                journalFailures.incrementAndGet();
                if (journalError == null) {
                    journalError = e.getMessage();
                    stopLine.accept("journal failed: " + e.getMessage());
                }
            }
        }
        EjectorStage timing = ejector;
        if (timing != null) timing.decided(line, partId, outcome.isReject());
        counters.outcome(line, outcome);
        if (outcome != Outcome.FAILSAFE_RING_FULL) {
            // A ring-full frame was never queued: its zero latency would flatter the percentiles.
            long micros = Math.max(0, (nowNanos - captureNanos) / 1_000);
            latencyMicros.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
        }
        if (truth.isDefect() && outcome == Outcome.PASS) escapes.incrementAndGet();
        if (truth == DefectKind.NONE && outcome.isReject()) falseRejects.incrementAndGet();
        try {
            if (outcome.isReject()) sink.reject(line, partId, outcome, defectScore, deadlineNanos);
            sink.result(line, partId, outcome, defectScore);
        } catch (RuntimeException e) {
            // The outcome is recorded; a sink failure must not lose it or stop the ring.
            sinkFailures.incrementAndGet();
        }
    }

    /**
     * A part assembled from several views ({@link ViewAssembly}): its truth is known only now (any
     * view's defect), so it is counted here rather than at capture; then as {@link #record}.
     */
    void recordPart(int line, long partId, DefectKind truth, Outcome outcome, float defectScore,
                    long captureNanos, long deadlineNanos, long nowNanos) {
        if (truth.isDefect()) defective.incrementAndGet();
        record(line, partId, truth, outcome, defectScore, captureNanos, deadlineNanos, nowNanos);
    }

    /** Latency since the previous call, folded into the run total. Call from one thread. */
    synchronized Histogram takeIntervalLatency() {
        intervalLatency = latencyMicros.getIntervalHistogram(intervalLatency);
        totalLatencyMicros.add(intervalLatency);
        return intervalLatency;
    }

    /** The run's whole latency histogram (takes the pending interval first). */
    public synchronized Histogram totalLatency() {
        takeIntervalLatency();
        return totalLatencyMicros.copy();
    }

    public long defective() {
        return defective.get();
    }

    public long escapes() {
        return escapes.get();
    }

    public long falseRejects() {
        return falseRejects.get();
    }

    /** Outcomes the journal could not take (each became a fail-safe reject if it was a pass). */
    long journalFailures() {
        return journalFailures.get();
    }

    /** The first journal failure, or null. */
    String journalError() {
        return journalError;
    }

    public long sinkFailures() {
        return sinkFailures.get();
    }
}
