package io.sightline.station.ring;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.FrameSource;
import io.sightline.capture.PartIds;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.PartAssembler;
import io.sightline.station.TriggerSchedule;
import io.sightline.station.outcome.ViewAssembly;
import org.bytedeco.javacpp.Pointer;

/**
 * One camera's thread (a line's camera, or one of its views): triggers at a fixed rate, grabs, and
 * publishes into the ring without ever blocking. A frame that finds the ring full becomes a fail-safe reject right here; a frame
 * the camera could not deliver travels the ring as an unreadable part, so it keeps its place in the
 * line's order and is rejected at the ejector like any other.
 *
 * <p>Part ids are the source's own (trigger counter, frame id, encoder), through {@link PartIds}:
 * an id the source skipped is a part that passed the camera unseen, and is recorded here as a
 * fail-safe {@link Outcome#FAILSAFE_MISSED} reject; a repeated id is a second frame of a part that
 * already has its outcome, counted and not inspected again.
 *
 * <p>On a line with several views each view has its own loop, and everything about a part goes
 * through the {@link ViewAssembly} (one outcome per part, from all its views): a frame whose part is
 * already decided is a late view, counted there and not inspected; a skipped id is a view missing
 * from that part. On a line with one camera the assembly passes everything straight through.
 *
 * <p>A {@linkplain FrameSource#live() live} source (a stream, a camera) paces itself: the loop
 * waits in {@code grab()} and the capture time is the frame's own. Other sources are paced by the
 * trigger schedule below.
 *
 * <p>The trigger schedule is fixed (open loop, {@link TriggerSchedule}): the capture time is the
 * scheduled trigger, so time spent behind schedule shows up as latency rather than disappearing.
 * A loop more than one period behind counts an overrun and, by the station's
 * {@link TriggerSchedule.Overrun} setting, skips the missed triggers (a free-running camera) or
 * delivers every one of them (a triggered camera; the benchmark's open-loop load).
 */
final class CameraLoop implements Runnable {
    private static final EventTranslatorOneArg<FrameEvent, CameraLoop> PUBLISH = CameraLoop::fill;

    private final int line;
    private final int view;
    private final FrameSource source;
    private final RingBuffer<FrameEvent> ring;
    private final ViewAssembly parts;
    private final PartAssembler.Part decided = new PartAssembler.Part();
    private final double fps;
    private final TriggerSchedule.Overrun overrunPolicy;
    private final long rejectDelayNanos;
    private final long maxFrames;
    private final LineSetup setup;
    private final PartIds ids = PartIds.counter(64);
    private final boolean live;
    /** The source's frames handed over without a copy (a source with stable pixels), or null: each frame is copied into its slot. */
    private final BorrowedFrames borrowed;
    private volatile boolean running = true;

    // The frame being published; read by the translator on this thread.
    private CapturedFrame frame;
    private long partId;
    private long captureNanos;
    private DefectKind truth;
    private byte status;

    private long published;
    private long ringFull;
    private long unreadable;
    private volatile long notInspected;
    private volatile long missed;
    private volatile long repeated;
    private volatile long overruns;
    private volatile boolean finished;
    /** This camera's own preprocessing of its line's frames into their slots, or null (the workers do it). */
    private CpuPreprocessing preprocessing;
    private volatile long preprocessedHere;
    private volatile long handedOver;

    CameraLoop(int line, int view, FrameSource source, LineSetup setup, RingBuffer<FrameEvent> ring, ViewAssembly parts,
               double fps, TriggerSchedule.Overrun overrunPolicy, long rejectDelayNanos, long maxFrames) {
        this.line = line;
        this.view = view;
        this.source = source;
        this.setup = setup;
        this.ring = ring;
        this.parts = parts;
        this.fps = fps;
        this.overrunPolicy = overrunPolicy;
        this.rejectDelayNanos = rejectDelayNanos;
        this.maxFrames = maxFrames;
        this.live = source.live();
        this.borrowed = source.stablePixels() ? new BorrowedFrames(setup) : null;
    }

    /**
     * Preprocesses each frame into its slot's tensor on this camera's thread, before it is
     * published (the config's {@code preprocess-on: cameras}); call before the loop starts. The
     * ring closes it once the cameras have stopped.
     */
    void preprocessHere(CpuPreprocessing p) {
        this.preprocessing = p;
    }

    @Override
    public void run() {
        TriggerSchedule schedule = new TriggerSchedule(TriggerSchedule.Clock.SYSTEM, fps, overrunPolicy);
        try {
            for (long n = 0; running && (maxFrames < 0 || n < maxFrames); n++) {
                if (!live) {
                    captureNanos = schedule.awaitNext();
                    overruns = schedule.lateTriggers();
                }
                if (!grab()) break;
                if (partId < 0) {
                    repeated++;
                    n--; // not a new part
                    continue;
                }
                long deadlineNanos = captureNanos + rejectDelayNanos;
                if (!parts.arrive(line, view, partId, captureNanos, deadlineNanos, truth, decided)) {
                    notInspected++; // its part is already decided (late view), or this view already delivered it
                    continue;
                }
                if (ring.tryPublishEvent(PUBLISH, this)) {
                    published++;
                } else {
                    ringFull++;
                    parts.viewOutcome(line, view, partId, truth, Outcome.FAILSAFE_RING_FULL, Float.NaN,
                            captureNanos, deadlineNanos, System.nanoTime(), decided);
                }
            }
        } finally {
            finished = true;
        }
    }

    /**
     * Grabs the next frame and gives it its part id ({@code partId < 0}: a repeat); false when a
     * finite source is exhausted or a live one was stopped. Parts whose ids were skipped are
     * recorded as missed here, before the frame that revealed the gap.
     */
    private boolean grab() {
        try {
            frame = source.grab();
            if (frame == null) return false;
            if (live) captureNanos = frame.captureNanos();
            long lostBefore = ids.lost();
            long last = ids.lastId();
            partId = ids.accept(frame.sequence());
            if (ids.lost() != lostBefore) recordMissed(last + 1, partId);
            truth = frame.truth();
            if (frame.width() != setup.frameWidth() || frame.height() != setup.frameHeight()
                    || frame.channels() != setup.spec().channels()) {
                unreadable++;
                status = FrameEvent.STATUS_UNREADABLE; // the line is set up for another frame size or channels
            } else {
                status = FrameEvent.STATUS_OK;
            }
        } catch (CaptureException | RuntimeException e) {
            if (!running) return false; // woken to stop
            frame = null;
            truth = DefectKind.UNKNOWN;
            unreadable++;
            status = FrameEvent.STATUS_UNREADABLE;
            partId = ids.takeNext(); // the part in front of the camera, unseen
            if (live) captureNanos = System.nanoTime();
        }
        return true;
    }

    /**
     * Parts {@code from} (inclusive) to {@code to} (exclusive) passed this camera unseen: each is a
     * fail-safe reject (missed; on a line with several views, a view missing from the part).
     */
    private void recordMissed(long from, long to) {
        long now = System.nanoTime();
        for (long id = from; id < to; id++) {
            missed++;
            parts.missed(line, view, id, captureNanos, captureNanos + rejectDelayNanos, now, decided);
        }
    }

    private static void fill(FrameEvent e, long sequence, CameraLoop c) {
        e.arm(sequence);
        e.line = c.line;
        e.view = c.view;
        e.partId = c.partId;
        e.captureNanos = c.captureNanos;
        e.deadlineNanos = c.captureNanos + c.rejectDelayNanos;
        e.truth = c.truth;
        e.status = c.status;
        if (c.status == FrameEvent.STATUS_OK) {
            if (putPixels(e, c.frame, c.borrowed)) c.handedOver++; // this camera's thread is its only writer
            if (c.preprocessing != null) {
                long start = System.nanoTime();
                try {
                    c.preprocessing.process(e);
                    e.preprocessedOnCamera = true;
                    e.preprocessTookNanos = System.nanoTime() - start;
                    c.preprocessedHere++; // this camera's thread is its only writer
                } catch (RuntimeException ex) {
                    e.status = FrameEvent.STATUS_ERROR; // a fail-safe reject downstream, as a worker's failure is
                }
            }
        }
    }

    /**
     * Puts the frame's pixels into the slot: the frame's own buffer when {@code borrowed} has it (the
     * source keeps those pixels unchanged until it is closed), else a copy into the slot's. True when
     * handed over. Allocates nothing, but on a frame's first sight.
     */
    static boolean putPixels(FrameEvent e, CapturedFrame frame, BorrowedFrames borrowed) {
        BorrowedFrames.Entry own = borrowed != null ? borrowed.entry(frame) : null;
        if (own != null) {
            e.borrowedPixels = own.pixels();
            e.borrowedView = own.view();
            return true;
        }
        Pointer.memcpy(e.pixels.bytes(), frame.pixels(), frame.sizeBytes());
        return false;
    }

    /** Frames this camera handed to the ring in its source's own buffer instead of copying them. */
    long handedOver() {
        return handedOver;
    }

    /** Retires the views of the handed-over frames; after the cameras and workers have stopped, before the sources close. */
    void closeBorrowed() {
        if (borrowed != null) borrowed.close();
    }

    void stop() {
        running = false;
        source.wakeUp(); // a live source may be waiting for its next frame
    }

    int line() {
        return line;
    }

    int view() {
        return view;
    }

    boolean finished() {
        return finished;
    }

    long published() {
        return published;
    }

    /** Frames this camera's thread preprocessed itself (preprocess-on: cameras). */
    long preprocessedHere() {
        return preprocessedHere;
    }

    long ringFull() {
        return ringFull;
    }

    long unreadable() {
        return unreadable;
    }

    /** Parts whose ids the source skipped, each recorded as a fail-safe reject. */
    long missed() {
        return missed;
    }

    /** Frames that repeated a part id already seen, not inspected again. */
    long repeated() {
        return repeated;
    }

    /** Frames not inspected because their part was already decided or this view had delivered it (several views only). */
    long notInspected() {
        return notInspected;
    }

    long overruns() {
        return overruns;
    }
}
