package io.sightline.station.ring;

import io.sightline.capture.DefectKind;
import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One preallocated ring slot. Everything a frame needs on its way through the station lives here
 * and is reused for every frame that lands in the slot: raw pixels (off-heap, the largest camera's
 * size), the model input tensor area, identity, deadlines, scores and the outcome state.
 *
 * <p>On a line with several views a slot holds one view's frame of a part; the views share the
 * line's frame size and ROI views ({@link LineSetup}). Pixels are gray or BGR as the line's cameras
 * deliver them: the pixel area holds the largest frame in bytes (width x height x channels).
 *
 * <p>A camera whose source's pixels are stable (a replay) does not copy: it points the slot at the
 * frame's own memory ({@link #borrowedPixels}, {@link #borrowedView}, see {@link BorrowedFrames}).
 * Readers take the frame through {@link #framePixels()} and {@link #roiView()}, never {@link #pixels}
 * directly.
 *
 * <p>Who writes what, in ring order: the camera thread (identity, pixels, {@code status}), the one
 * {@link InspectionHandler} whose share the sequence is ({@code sequence % workers}): it preprocesses
 * into the tensor and, batched with its other frames, infers {@code defectScore} and, with a
 * defect-map model, the defect box ({@code status} on error in either step); then exactly one of
 * the decision handler or the deadline watchdog, which race for the outcome through
 * {@link #claimOutcome()}.
 */
final class FrameEvent implements AutoCloseable {
    static final int FREE = 0;
    static final int PENDING = 1;
    static final int DONE = 2;

    static final byte STATUS_OK = 0;
    static final byte STATUS_UNREADABLE = 1;
    static final byte STATUS_ERROR = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FrameEvent.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final NativeBuffer pixels;
    final NativeBuffer tensor;
    /** Per line: the ROI view over {@link #pixels} and the tensor destination, made once. */
    final Preprocessor.View[] roiViews;
    final Preprocessor.FloatView tensorView;
    /** The frame's own memory and ROI view when the camera handed it over without a copy; null: the frame is in {@link #pixels}. */
    NativeBuffer borrowedPixels;
    Preprocessor.View borrowedView;

    long sequence = -1;
    int line;
    /** Which of the line's cameras took the frame (0 on a line with one). */
    int view;
    long partId;
    long captureNanos;
    long deadlineNanos;
    /** Ground truth for scoring runs; never read on the decision path. */
    DefectKind truth = DefectKind.UNKNOWN;
    byte status;
    float defectScore;
    /** The most probable defect class (index among the model's defect classes), written with the score; -1: none. */
    int defectClass = -1;
    /**
     * Where the model sees the defect, in frame pixels (the map's box through the line's ROI), written
     * by the inspection worker with the score; {@code hasDefectBox} false when the model has no map or
     * the frame was not scored.
     */
    boolean hasDefectBox;
    int boxX;
    int boxY;
    int boxWidth;
    int boxHeight;
    long preprocessedNanos;
    /** True when the camera thread preprocessed the frame into {@link #tensor} (the config's preprocess-on: cameras). */
    boolean preprocessedOnCamera;
    /** How long the camera thread's preprocessing took, for the workers' stage times. */
    long preprocessTookNanos;
    long inferredNanos;
    /** The journal id of the model that scored the frame ({@link LiveModel}); -1 until scored. */
    int model = -1;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state = FREE;

    FrameEvent(List<LineSetup> lines, int floatsPerImage) {
        int maxBytes = 0;
        for (LineSetup l : lines) maxBytes = Math.max(maxBytes, l.frameBytes()); // a colour line's frames are 3 bytes a pixel
        this.pixels = NativeBuffer.allocate(maxBytes);
        this.tensor = NativeBuffer.allocateFloats(floatsPerImage);
        this.roiViews = new Preprocessor.View[lines.size()];
        PreprocessSpec first = lines.get(0).spec();
        for (int i = 0; i < lines.size(); i++) {
            LineSetup l = lines.get(i);
            roiViews[i] = new Preprocessor.View(l.spec(), pixels.bytes(), l.frameWidth(), l.frameHeight(), l.stride());
        }
        this.tensorView = new Preprocessor.FloatView(first, tensor.floats());
    }

    /** Called by the publisher before it fills the slot. */
    void arm(long sequence) {
        this.sequence = sequence;
        this.borrowedPixels = null;
        this.borrowedView = null;
        this.status = STATUS_OK;
        this.defectScore = Float.NaN;
        this.defectClass = -1;
        this.hasDefectBox = false;
        this.preprocessedNanos = 0;
        this.preprocessedOnCamera = false;
        this.preprocessTookNanos = 0;
        this.inferredNanos = 0;
        this.model = -1;
        STATE.setRelease(this, PENDING);
    }

    /** The frame's pixels: the camera's own buffer when it was handed over, else the slot's copy. */
    NativeBuffer framePixels() {
        return borrowedPixels != null ? borrowedPixels : pixels;
    }

    /** The view of the frame's region of interest that preprocessing reads. */
    Preprocessor.View roiView() {
        return borrowedView != null ? borrowedView : roiViews[line];
    }

    /** True for exactly one caller per armed frame: the one that records its outcome. */
    boolean claimOutcome() {
        return STATE.compareAndSet(this, PENDING, DONE);
    }

    boolean isPending() {
        return (int) STATE.getAcquire(this) == PENDING;
    }

    @Override
    public void close() {
        for (Preprocessor.View v : roiViews) v.close();
        tensorView.close();
        pixels.close();
        tensor.close();
    }
}
