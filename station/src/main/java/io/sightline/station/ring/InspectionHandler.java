package io.sightline.station.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import io.sightline.inference.BatchClassifier;
import io.sightline.preprocess.cuda.CudaPreprocessor;
import io.sightline.station.inspect.InspectQueue;
import io.sightline.station.inspect.InspectRows;
import io.sightline.station.telemetry.StageTimes;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One inspection worker: preprocesses the ring entries whose {@code sequence % workers == worker}
 * and runs them through the CNN in batches, writing each frame's defect score into its slot.
 *
 * <p>Why preprocessing and inference share a thread: with a separate inference thread, that one
 * thread is a serial bottleneck that the OS scheduler gives only a fair share of a core while the
 * cameras and preprocessing are runnable, every frame costs one more hand-off between threads, and
 * the preprocessed tensor has gone cold in another core's cache by the time it is inferred. Here N
 * identical workers each do all the work for their share of the frames, so the load spreads
 * evenly over the cores and a frame's tensor is staged while still in cache. TensorFlow runs each
 * batch in the worker's own thread (the session's inter-op setting), with
 * {@code StationConfig.inferenceThreads()} threads inside each op.
 *
 * <p>Batching ({@link Batcher}): a batch runs when it holds {@code maxBatch} frames. At the end
 * of a Disruptor batch (nothing more published yet) the worker holds a smaller batch back for
 * company while it expects company in time ({@link BatchLinger}): it runs the batch once the
 * oldest pending frame has waited {@value #LINGER_MILLIS} ms since it was staged, or at once when
 * the next frame is not expected before then (a slow line never waits for nothing). The wait
 * strategy's timeout rechecks a held batch every millisecond.
 * Why: on one core a batch of 1 costs 470 CPU µs per frame, a batch of 32 about 290, so under load
 * the holding buys capacity. The linger runs from staging, not capture: frames that queued behind
 * a busy worker are old on arrival, and running them in small batches because they are old is
 * what turns a near-capacity load into an overload (measured: mean batch 4 and fail-safe rejects
 * at 1,600 frames/s with a 4 ms linger from capture; batches of 13 and none at 1,800 with this).
 * The decision stage waits on the worker's own progress sequence, which trails the frames held
 * back, and is told at once when it moves ({@link StageProgress}).
 *
 * <p>With a model that has a defect map (fetched by the same session run as the scores), each
 * scored frame also gets its defect box: the map's box in input pixels
 * ({@link BatchClassifier#locate}), turned into frame pixels through its line's ROI
 * ({@link LineSetup#inputBoxToFrame}) and kept in the slot's primitive fields.
 *
 * <p>Inspection API requests ({@link InspectRows}, when the station serves {@code /api/inspect}) ride
 * in the spare rows of a batch: only while the batch's oldest frame keeps at least twice the batch's
 * estimated run time (with the requests) before its deadline, so they never make a camera frame
 * late; and in batches of their own, at most {@value #SIDE_ONLY_ROWS} rows, when no frame was
 * published for a millisecond and none is held back. A full batch leaves them waiting.
 *
 * <p>A frame that fails preprocessing, or that fails inference (a failed batch is run again frame
 * by frame to find which), is marked as an error and becomes a fail-safe reject downstream.
 * Allocates nothing per frame (the session run itself allocates TensorFlow Java's small per-call
 * objects, see {@link BatchClassifier}).
 */
final class InspectionHandler implements EventHandler<FrameEvent>, Batcher.Runner<FrameEvent>, AutoCloseable {
    static final long LINGER_MILLIS = 8;

    private final int worker;
    private final int workers;
    /** This worker's OpenCV preprocessing, every line (frames a camera thread preprocessed skip it). */
    private final CpuPreprocessing cpu;
    private final io.sightline.natives.cuda.Device preprocessDevice;
    /** Per line, its CUDA preprocessor when the device is CUDA (made in onStart, on this worker's thread); else nulls. */
    private final CudaPreprocessor[] onCuda;
    private final List<LineSetup> lines;
    /** The model's classifier this worker runs; changes only at a batch boundary, when {@link #model} moved on. */
    private BatchClassifier classifier;
    /** This worker's hold on the station's live model (null: {@link #classifier} is fixed). */
    private final LiveModel.Hold model;
    /** The journal id of the model the staged frames are scored by. */
    private int modelId;
    /** Where scored frames are copied for a shadow run; null: nowhere. */
    private ShadowTap shadow;
    private final Batcher<FrameEvent> batcher;
    private final StageProgress progress;
    private final StageTimes.Worker times;
    private long firstPendingSequence = -1;
    private long lastSequence = -1;
    private long firstPendingStagedNanos;
    private final CountDownLatch warmed = new CountDownLatch(1);
    private volatile RuntimeException warmUpFailure;
    private final BatchLinger linger = new BatchLinger(LINGER_MILLIS * 1_000_000L);
    /** The defect box of one row: x, y, width, height, peak x, peak y (input, then frame pixels). */
    private final int[] located = new int[6];
    /** Frames in a row that failed inference run alone (see {@link #isolateFailure}). */
    private int failedAlone;
    static final int BROKEN_MODEL_FAILURES = 8;
    /** The most API requests in a batch of their own (bounds what an idle worker's next frame waits). */
    static final int SIDE_ONLY_ROWS = 8;
    /** API requests riding in this worker's batches; null: none. */
    private InspectRows side;
    /** Average inference time per row of a batch, for the side rows' deadline check (0: not known yet). */
    private long rowNanos;

    /** Preprocessing on the CPU. */
    InspectionHandler(int worker, int workers, List<LineSetup> lines, BatchClassifier classifier, StageProgress progress,
                      StageTimes.Worker times) {
        this(worker, workers, lines, classifier, progress, times, io.sightline.natives.cuda.Device.cpu());
    }

    /**
     * @param times where this worker records its preprocessing and batch times (it is their only writer)
     * @param preprocessDevice the CPU (OpenCV), or CUDA: then each gray line's frames go through its own
     *                         {@link CudaPreprocessor} (ROI, undistortion, resize and normalise in one kernel),
     *                         made in this worker's thread when it starts; a colour line's frames, and a line's
     *                         whose channels are converted to the model's, are preprocessed on the CPU (the kernel
     *                         is gray into gray only), inference stays on the device
     */
    InspectionHandler(int worker, int workers, List<LineSetup> lines, BatchClassifier classifier, StageProgress progress,
                      StageTimes.Worker times, io.sightline.natives.cuda.Device preprocessDevice) {
        this(worker, workers, lines, classifier, null, progress, times, preprocessDevice);
    }

    /**
     * On the station's live model: the worker moves to a newly published version at its next batch
     * boundary (see {@link LiveModel}) and leaves it when closed.
     */
    InspectionHandler(int worker, int workers, List<LineSetup> lines, LiveModel.Hold model, StageProgress progress,
                      StageTimes.Worker times, io.sightline.natives.cuda.Device preprocessDevice) {
        this(worker, workers, lines, model.classifier(), model, progress, times, preprocessDevice);
        this.modelId = model.journalId();
    }

    private InspectionHandler(int worker, int workers, List<LineSetup> lines, BatchClassifier classifier, LiveModel.Hold model,
                              StageProgress progress, StageTimes.Worker times, io.sightline.natives.cuda.Device preprocessDevice) {
        this.model = model;
        this.preprocessDevice = preprocessDevice;
        this.onCuda = new CudaPreprocessor[lines.size()];
        this.worker = worker;
        this.times = times;
        this.workers = workers;
        this.classifier = classifier;
        this.progress = progress;
        this.batcher = new Batcher<>(new FrameEvent[classifier.maxBatch()], this);
        this.lines = lines;
        this.cpu = new CpuPreprocessing(lines, -1);
    }

    /** What the decision stage waits on: every frame up to it is scored (or not this worker's). */
    Sequence scored() {
        return progress.sequence();
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        lastSequence = sequence;
        long batchesBefore = batcher.batches();
        if (sequence % workers == worker && e.status == FrameEvent.STATUS_OK && preprocess(e)) {
            if (batcher.pending() == 0) {
                atBatchBoundary();
                firstPendingSequence = sequence;
                firstPendingStagedNanos = e.preprocessedNanos;
            }
            linger.observeArrival(e.captureNanos);
            classifier.stage(batcher.pending(), e.tensor.floats());
            batcher.onEntry(e, endOfBatch && batchShouldRun());
        } else {
            batcher.onEntry(null, endOfBatch && batchShouldRun());
        }
        if (endOfBatch || batcher.batches() != batchesBefore) reportProgress();
    }

    /** Nothing was published for a millisecond: run what is held back if its time is up, then waiting API requests. */
    @Override
    public void onTimeout(long sequence) {
        if (batchShouldRun()) batcher.flushPending();
        if (batcher.pending() == 0) atBatchBoundary();
        reportProgress();
        if (side != null && batcher.pending() == 0 && side.waiting()) runSideOnly();
    }

    /** Takes inspection API requests from {@code queue} into this worker's batches; call before the ring starts. */
    void acceptInspections(InspectQueue queue) {
        this.side = new InspectRows(queue, classifier.maxBatch());
    }

    /** The identity of the model version this worker runs (null: a fixed classifier, the inspector's model). */
    private java.util.Map<String, String> modelIdentity() {
        return model == null ? null : model.identity();
    }

    /** A batch of API requests alone (no camera frame is held back). */
    private void runSideOnly() {
        int n = side.stage(classifier, 0, SIDE_ONLY_ROWS);
        if (n == 0) return;
        try {
            classifier.run(n);
            side.complete(classifier, n, modelIdentity());
        } catch (RuntimeException ex) {
            side.fail(SIDE_RUN_FAILED);
        }
    }

    private static final String SIDE_RUN_FAILED = "the model's run failed on this batch";

    /**
     * API requests staged after {@code count} camera frames: as many as fit the spare rows while the
     * oldest frame keeps at least twice the batch's estimated run time before its deadline.
     */
    private int stageSideRows(FrameEvent[] items, int count) {
        if (side == null || count >= classifier.maxBatch() || !side.waiting()) return 0;
        long oldestDeadline = items[0].deadlineNanos;
        for (int i = 1; i < count; i++) if (items[i].deadlineNanos - oldestDeadline < 0) oldestDeadline = items[i].deadlineNanos;
        long slack = oldestDeadline - System.nanoTime();
        int room = classifier.maxBatch() - count;
        if (rowNanos > 0) room = (int) Math.min(room, slack / (2 * rowNanos) - count);
        return room <= 0 ? 0 : side.stage(classifier, count, room);
    }

    /** Nothing staged: the place where a newly published model takes over (a batch never spans two). */
    private void atBatchBoundary() {
        if (model == null) return;
        classifier = model.atBoundary();
        modelId = model.journalId();
    }

    private boolean batchShouldRun() {
        return linger.shouldRun(batcher.pending(), firstPendingStagedNanos, System.nanoTime());
    }

    private void reportProgress() {
        progress.advanceTo(batcher.pending() == 0 ? lastSequence : firstPendingSequence - 1);
    }

    private boolean preprocess(FrameEvent e) {
        if (e.preprocessedOnCamera) {
            // the camera thread did it; the linger runs from now, when this worker stages it
            e.preprocessedNanos = System.nanoTime();
            times.preprocessed(e.preprocessTookNanos);
            return true;
        }
        long startNanos = System.nanoTime();
        try {
            if (onCuda[e.line] != null) {
                // the whole frame goes up: ROI, undistortion, resize and normalise run in one kernel
                onCuda[e.line].process(e.framePixels().bytes(), e.tensor.floats());
            } else {
                cpu.process(e);
            }
            e.preprocessedNanos = System.nanoTime();
            times.preprocessed(e.preprocessedNanos - startNanos);
            return true;
        } catch (RuntimeException ex) {
            e.status = FrameEvent.STATUS_ERROR;
            return false;
        }
    }

    @Override
    public void run(FrameEvent[] items, int count) {
        int extra = stageSideRows(items, count);
        long startNanos = System.nanoTime();
        try {
            classifier.run(count + extra);
            long now = System.nanoTime();
            times.inferred(now - startNanos, count);
            long perRow = (now - startNanos) / (count + extra);
            rowNanos = rowNanos == 0 ? perRow : rowNanos + ((perRow - rowNanos) >> 3);
            if (extra > 0) side.complete(classifier, count + extra, modelIdentity());
            for (int i = 0; i < count; i++) {
                items[i].defectScore = classifier.defectScore(i);
                items[i].defectClass = classifier.topDefectClass(i);
                locateDefect(items[i], i);
                items[i].inferredNanos = now;
                items[i].model = modelId;
            }
            failedAlone = 0;
            if (shadow != null && shadow.active()) {
                for (int i = 0; i < count; i++) shadow.offer(worker, items[i].line, items[i].partId, items[i].defectScore, items[i].tensor);
            }
        } catch (RuntimeException ex) {
            if (side != null && side.staged() > 0) side.fail(SIDE_RUN_FAILED);
            isolateFailure(items, count);
        }
    }

    /** Copies of the frames this worker scores go to {@code tap} while a shadow runs; set before the ring starts. */
    void shadowTo(ShadowTap tap) {
        this.shadow = tap;
    }

    /** The frame's defect box from row {@code row} of the last run, in frame pixels; none without a map. */
    private void locateDefect(FrameEvent e, int row) {
        if (!classifier.locate(row, located) || !lines.get(e.line).inputBoxToFrame(located)) {
            e.hasDefectBox = false;
            return;
        }
        e.boxX = located[0];
        e.boxY = located[1];
        e.boxWidth = located[2];
        e.boxHeight = located[3];
        e.hasDefectBox = true;
    }

    /**
     * A batch whose run failed: one frame can fail its whole batch (a model that asserts on its
     * input, a numeric check), so each frame is run again alone, and only those that fail alone are
     * errors; the others are decided on their merits. Once {@value #BROKEN_MODEL_FAILURES} frames in a
     * row have failed alone, the model itself is failing, not a frame: failed batches are then errors
     * at once, without the search, until a batch runs again (a broken model costs one run per batch).
     */
    private void isolateFailure(FrameEvent[] items, int count) {
        if (count == 1 || failedAlone >= BROKEN_MODEL_FAILURES) {
            for (int i = 0; i < count; i++) items[i].status = FrameEvent.STATUS_ERROR;
            if (count == 1) failedAlone++;
            return;
        }
        for (int i = 0; i < count; i++) {
            try {
                classifier.stage(0, items[i].tensor.floats());
                classifier.run(1);
                items[i].defectScore = classifier.defectScore(0);
                items[i].defectClass = classifier.topDefectClass(0);
                locateDefect(items[i], 0);
                items[i].inferredNanos = System.nanoTime();
                items[i].model = modelId;
                failedAlone = 0;
            } catch (RuntimeException ex) {
                items[i].status = FrameEvent.STATUS_ERROR;
                failedAlone++;
            }
        }
    }

    /**
     * Runs every batch shape once, in this worker's own thread, before the cameras start:
     * TensorFlow builds each shape's kernels on its first run, and per-thread state (oneDNN's scratch
     * memory) on a thread's first run, which would otherwise make the first parts late. The first
     * 50 to 200 frames after a start are still slower (40 to 90 ms at 1,100 to 2,400 frames/s on
     * the benchmark machine, warmed here or not); what else is cold then is not found yet.
     */
    @Override
    public void onStart() {
        try {
            if (preprocessDevice.isCuda()) {
                for (int i = 0; i < lines.size(); i++) {
                    LineSetup l = lines.get(i);
                    if (!CudaPreprocessor.supports(l.spec())) continue; // colour or converting: OpenCV on the CPU (cpu)
                    try {
                        onCuda[i] = new CudaPreprocessor(l.spec(), l.frameWidth(), l.frameHeight(), l.frameWidth(), l.undistorter());
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("CUDA preprocessing (device " + preprocessDevice + ") for line " + i + ": "
                                + e.getMessage(), e);
                    }
                }
            }
            classifier.warmUp();
        } catch (RuntimeException e) {
            warmUpFailure = e;
        } finally {
            warmed.countDown();
        }
    }

    /**
     * Waits until {@link #onStart()} has run in the worker's thread.
     *
     * @throws IllegalStateException if the warm-up failed or did not finish in time
     */
    void awaitWarmUp(long timeoutMillis) throws InterruptedException {
        if (!warmed.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("inspection worker " + worker + " did not warm up the model within "
                    + timeoutMillis + " ms");
        }
        if (warmUpFailure != null) {
            throw new IllegalStateException("inspection worker " + worker + " could not start: "
                    + warmUpFailure.getMessage(), warmUpFailure);
        }
    }

    Batcher<FrameEvent> batcher() {
        return batcher;
    }

    @Override
    public void close() {
        cpu.close();
        for (CudaPreprocessor c : onCuda) if (c != null) c.close();
        if (model != null) model.release();
        else classifier.close();
    }
}
