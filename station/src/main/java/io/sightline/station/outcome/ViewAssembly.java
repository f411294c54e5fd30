package io.sightline.station.outcome;

import io.sightline.capture.DefectKind;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.PartAssembler;

/**
 * Between the frames' outcomes and the {@link OutcomeRecorder}: on a line with several views the
 * line's {@link PartAssembler} makes one outcome per part out of its views' frames; a line with one
 * view goes straight through (no lock, no assembler: the frame is the part, as it always was).
 *
 * <pre>
 *   CameraLoop of view v    arrive(line, v, part, ..)             first news of a part: captured
 *                                                                 (counters, ejector), under the lock
 *                           missed(..), viewOutcome(.., RING_FULL)
 *   DecisionHandler         viewOutcome(line, v, part, outcome, score)
 *   DeadlineWatchdog        viewOutcome(.., LATE); expire(now)    parts past their deadline
 *                                      │  the line's PartAssembler, under the line's lock
 *                                      ▼  then, outside the lock, on the calling thread
 *                           OutcomeRecorder.recordPart: journal, counters, ejector, sink, once per part
 * </pre>
 *
 * <p>Recording happens outside the lock, so a slow journal or sink holds up no camera. Each calling
 * thread passes its own {@link PartAssembler.Part} to receive a decided part. Allocation-free.
 */
public final class ViewAssembly {
    private static final DefectKind[] KINDS = DefectKind.values();
    private static final int UNKNOWN_BIT = 1 << DefectKind.UNKNOWN.ordinal();

    private final OutcomeRecorder recorder;
    /** Per line: its assembler, or null for a line with one view. */
    private final PartAssembler[] lines;

    /**
     * @param viewsPerLine cameras of each line
     * @param capacity each multi-view line's part window (a power of two)
     */
    public ViewAssembly(OutcomeRecorder recorder, int[] viewsPerLine, int capacity) {
        this.recorder = recorder;
        this.lines = new PartAssembler[viewsPerLine.length];
        for (int i = 0; i < viewsPerLine.length; i++) {
            if (viewsPerLine[i] > 1) lines[i] = new PartAssembler(viewsPerLine[i], capacity);
        }
    }

    /** Every line with one view: everything goes straight to the recorder. */
    public static ViewAssembly none(OutcomeRecorder recorder) {
        return new ViewAssembly(recorder, new int[0], 1);
    }

    public boolean multiView(int line) {
        return line < lines.length && lines[line] != null;
    }

    /**
     * View {@code view}'s frame of the part is about to enter the ring. False: do not inspect it, the
     * part is already decided (a late view) or the view already delivered it (both counted).
     */
    public boolean arrive(int line, int view, long partId, long captureNanos, long deadlineNanos, DefectKind truth,
                   PartAssembler.Part scratch) {
        PartAssembler a = multiView(line) ? lines[line] : null;
        if (a == null) {
            recorder.captured(line, partId, captureNanos, truth);
            return true;
        }
        int flags;
        synchronized (a) {
            flags = a.arrive(partId, view, captureNanos, deadlineNanos, 1 << truth.ordinal(), scratch);
            // under the lock: no thread can decide the part before its capture is counted
            if ((flags & PartAssembler.OPENED) != 0) recorder.captured(line, partId, captureNanos, DefectKind.UNKNOWN);
        }
        if ((flags & PartAssembler.DECIDED) != 0) record(line, scratch, System.nanoTime());
        return (flags & (PartAssembler.LATE_VIEW | PartAssembler.DUPLICATE)) == 0;
    }

    /**
     * View {@code view}'s outcome for the part. On a one-view line this is the part's outcome,
     * recorded at once. Returns true when the call decided a part whose every view was scored
     * ({@code scratch} holds it: the caller may feed the trend).
     */
    public boolean viewOutcome(int line, int view, long partId, DefectKind truth, Outcome outcome, float defectScore,
                        long captureNanos, long deadlineNanos, long nowNanos, PartAssembler.Part scratch) {
        PartAssembler a = multiView(line) ? lines[line] : null;
        if (a == null) {
            recorder.record(line, partId, truth, outcome, defectScore, captureNanos, deadlineNanos, nowNanos);
            return false;
        }
        int flags;
        synchronized (a) {
            flags = a.viewOutcome(partId, view, outcome, defectScore, captureNanos, deadlineNanos, 0, scratch);
            if ((flags & PartAssembler.OPENED) != 0) recorder.captured(line, partId, captureNanos, DefectKind.UNKNOWN);
        }
        if ((flags & PartAssembler.DECIDED) == 0) return false;
        record(line, scratch, nowNanos);
        return scratch.allScored() && scratch.partId() == partId;
    }

    /** View {@code view}'s camera skipped the part: it passed that camera unseen. */
    public void missed(int line, int view, long partId, long captureNanos, long deadlineNanos, long nowNanos, PartAssembler.Part scratch) {
        if (!multiView(line)) recorder.captured(line, partId, captureNanos, DefectKind.UNKNOWN);
        viewOutcome(line, view, partId, DefectKind.UNKNOWN, Outcome.FAILSAFE_MISSED, Float.NaN, captureNanos, deadlineNanos,
                nowNanos, scratch);
    }

    /** Decides every multi-view part whose deadline has passed; returns how many. */
    public int expire(long nowNanos, PartAssembler.Part scratch) {
        int n = 0;
        for (int line = 0; line < lines.length; line++) {
            PartAssembler a = lines[line];
            if (a == null) continue;
            while (true) {
                int flags;
                synchronized (a) {
                    flags = a.expire(nowNanos, scratch);
                }
                if (flags == 0) break;
                record(line, scratch, nowNanos);
                n++;
            }
        }
        return n;
    }

    private void record(int line, PartAssembler.Part p, long nowNanos) {
        recorder.recordPart(line, p.partId(), truth(p.truthBits(), p.absentViews()), p.outcome(), p.defectScore(),
                p.captureNanos(), p.deadlineNanos(), nowNanos);
    }

    /** A part is defective if any view saw a defect; good only if every view framed it and saw none. */
    static DefectKind truth(int bits, long absentViews) {
        for (DefectKind k : KINDS) {
            if (k.isDefect() && (bits & (1 << k.ordinal())) != 0) return k;
        }
        if (absentViews != 0 || bits == 0 || (bits & UNKNOWN_BIT) != 0) return DefectKind.UNKNOWN;
        return DefectKind.NONE;
    }

    /** Frames or outcomes of {@code view} that came after their part was decided. */
    public long lateViews(int line, int view) {
        PartAssembler a = multiView(line) ? lines[line] : null;
        if (a == null) return 0;
        synchronized (a) {
            return a.lateViews(view);
        }
    }

    /** Parts of the line decided without a frame from {@code view}. */
    public long missingViews(int line, int view) {
        PartAssembler a = multiView(line) ? lines[line] : null;
        if (a == null) return 0;
        synchronized (a) {
            return a.missingViews(view);
        }
    }

    /** Parts decided early (fail-safe) because a line's part window was full, over all lines. */
    public long overflows() {
        long n = 0;
        for (PartAssembler a : lines) {
            if (a == null) continue;
            synchronized (a) {
                n += a.overflows();
            }
        }
        return n;
    }

    /** Late views over every line and view. */
    public long lateViews() {
        long n = 0;
        for (PartAssembler a : lines) {
            if (a == null) continue;
            synchronized (a) {
                for (int v = 0; v < a.views(); v++) n += a.lateViews(v);
            }
        }
        return n;
    }
}
