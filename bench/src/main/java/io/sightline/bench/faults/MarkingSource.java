package io.sightline.bench.faults;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import io.sightline.natives.MovablePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Paints a white square into the top-left corner of the part's ROI on every {@code every}-th frame
 * that its camera takes during the fault: the input that the {@link FaultModels fault models} answer
 * with NaN or an exception. Marked frames are copies (the camera's recorded frames stay clean);
 * others pass through untouched. What a model does wrong on a real line (a frame outside anything
 * it was trained on, a numerical blow-up) cannot be ordered up on demand; this marker can, and the
 * model really does fail on it inside TensorFlow.
 */
final class MarkingSource implements FrameSource {
    /** Side of the painted square in frame pixels: covers the 8x8 input pixels the models check, at any ROI scale up to 8. */
    static final int MARK_PX = 64;

    private final FrameSource camera;
    private final Timeline timeline;
    private final int every;
    private final int[] roi;
    private final CapturedFrame marked;
    private final MovablePointer row = new MovablePointer();
    private long inFault;
    private volatile long markedFrames;

    MarkingSource(FrameSource camera, Timeline timeline, int every, int[] roi) {
        this.camera = camera;
        this.timeline = timeline;
        this.every = every;
        this.roi = roi.clone();
        this.marked = new CapturedFrame(camera.maxWidth(), camera.maxHeight(), camera.channels());
    }

    @Override
    public String name() {
        return camera.name();
    }

    @Override
    public int maxWidth() {
        return camera.maxWidth();
    }

    @Override
    public int maxHeight() {
        return camera.maxHeight();
    }

    @Override
    public int channels() {
        return camera.channels();
    }

    @Override
    public boolean live() {
        return camera.live();
    }

    @Override
    public CapturedFrame grab() throws CaptureException {
        CapturedFrame f = camera.grab();
        if (f == null || timeline.phaseAt(f.captureNanos()) != Timeline.Phase.FAULT || inFault++ % every != 0) return f;
        Pointer.memcpy(marked.pixels(), f.pixels(), f.sizeBytes());
        int side = Math.min(MARK_PX, Math.min(roi[2], roi[3]));
        for (int y = roi[1]; y < roi[1] + side; y++) {
            Pointer.memset(row.moveTo(marked.pixelAddress() + (long) y * f.width() + roi[0]), 255, side);
        }
        marked.set(f.width(), f.height(), f.sequence(), f.captureNanos(), f.truth());
        markedFrames++;
        return marked;
    }

    /** Frames marked so far. */
    long markedFrames() {
        return markedFrames;
    }

    @Override
    public long skipped() {
        return camera.skipped();
    }

    @Override
    public void wakeUp() {
        camera.wakeUp();
    }

    @Override
    public void close() {
        camera.close();
        marked.close();
    }
}
