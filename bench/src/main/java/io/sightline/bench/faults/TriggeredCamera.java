package io.sightline.bench.faults;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hardware-triggered camera (the line's PLC or encoder fires the trigger; the camera delivers a
 * frame for every trigger), the stand-in for what cannot exist here: a physical camera. Its frames
 * are recorded synthetic parts ({@link io.sightline.capture.ReplaySource}); its trigger rate follows
 * the {@link Timeline}: {@code normalFps} outside the fault, {@code faultFps} during it.
 *
 * <p>Live, so the station's camera loop takes each frame's own capture time: the time its trigger
 * was due. Every trigger is delivered, a late one at once with its due time (the
 * {@link io.sightline.station.TriggerSchedule.Overrun#CATCH_UP} behaviour of a triggered camera):
 * a station that falls behind sees the lateness as latency, never as fewer parts. No trigger is due
 * after the timeline's end: the camera then waits for the station's stop, so a line's views all
 * delivered the same parts when it comes (a stop between two views of one part made it a
 * {@code missing-view} outcome that no fault caused).
 */
final class TriggeredCamera implements FrameSource {
    private final String name;
    private final FrameSource frames;
    private final Timeline timeline;
    private final double normalFps;
    private final double faultFps;
    private final boolean deadDuringFault;
    private double dueNanos = Double.NaN;
    private long sequence;
    private volatile boolean stopping;
    private volatile long triggers;
    private volatile long undelivered;

    /** @param frames what the sensor sees, one frame per trigger; closed with this camera */
    TriggeredCamera(String name, FrameSource frames, Timeline timeline, double normalFps, double faultFps) {
        this(name, frames, timeline, normalFps, faultFps, false);
    }

    /**
     * @param deadDuringFault the camera dies at the fault's start and a replacement is in its place at
     *                        its end: the triggers go on (the parts pass it), no frame comes out, and the
     *                        first frame after it carries the trigger counter, which has moved on
     */
    TriggeredCamera(String name, FrameSource frames, Timeline timeline, double normalFps, double faultFps, boolean deadDuringFault) {
        this.deadDuringFault = deadDuringFault;
        this.name = name;
        this.frames = frames;
        this.timeline = timeline;
        this.normalFps = normalFps;
        this.faultFps = faultFps;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return frames.maxWidth();
    }

    @Override
    public int maxHeight() {
        return frames.maxHeight();
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public CapturedFrame grab() throws CaptureException {
        if (Double.isNaN(dueNanos)) {
            long origin = timeline.awaitOrigin(() -> stopping);
            if (origin < 0) return null;
            dueNanos = origin;
        }
        while (true) {
            long due = (long) dueNanos;
            if (due >= timeline.end()) {
                // no trigger after the last phase: every camera of a line delivers the same parts, so
                // the station's stop never cuts a part between its views; wait for that stop
                while (!stopping) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                return null;
            }
            for (long left; (left = due - System.nanoTime()) > 0; ) {
                if (stopping) return null;
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
            }
            if (stopping) return null;
            CapturedFrame f = frames.grab(); // a dead camera's sensor is skipped too: the views stay on the same parts
            f.set(f.width(), f.height(), sequence++, due, f.truth());
            boolean inFault = timeline.phaseAt(due) == Timeline.Phase.FAULT;
            dueNanos += 1e9 / (inFault ? faultFps : normalFps);
            triggers++;
            if (deadDuringFault && inFault) {
                undelivered++;
                continue;
            }
            return f;
        }
    }

    /** Triggers whose frame never came out (the camera was dead). */
    long undelivered() {
        return undelivered;
    }

    /** Triggers so far. */
    long triggers() {
        return triggers;
    }

    @Override
    public void wakeUp() {
        stopping = true;
    }

    @Override
    public void close() {
        stopping = true;
        frames.close();
    }
}
