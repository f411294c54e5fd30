package io.sightline.station.ring;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.sightline.capture.FrameSource;
import io.sightline.capture.ReconnectingSource;
import io.sightline.inference.ModelPackage;
import io.sightline.station.StationConfig;
import io.sightline.station.outcome.LineThresholds;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.outcome.RejectImages;
import io.sightline.station.outcome.TrendStage;
import io.sightline.station.outcome.ViewAssembly;
import io.sightline.station.telemetry.LatestFrames;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StageTimes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The station's Disruptor wiring: the ring of preallocated {@link FrameEvent} slots, its handlers and
 * the threads beside it (the cameras that publish, the deadline watchdog).
 *
 * <pre>
 *  camera loops (one thread per view) ──tryPublish──▶ [ ring of FrameEvent slots ]
 *                                                         │
 *            InspectionHandler × workers (sequence % workers) ▸ their own "scored" sequences
 *                (each on the {@link LiveModel}: a new model version takes over at a batch boundary)
 *                                                         ▼
 *            DecisionHandler (barrier on the scored sequences) ▸ outcome stage
 *            DeadlineWatchdog (its own thread, behind the decision's sequence)
 * </pre>
 *
 * <p>What the handlers decide goes to the outcome stage ({@code io.sightline.station.outcome}) and
 * the telemetry they write ({@code io.sightline.station.telemetry}) is handed in; this class owns
 * the slots, handlers and threads, and frees them in {@link #close()}.
 */
public final class StationRing {
    private static final long WATCHDOG_INTERVAL_NANOS = 1_000_000L;

    private final Disruptor<FrameEvent> disruptor;
    private final RingBuffer<FrameEvent> ring;
    private final List<FrameEvent> slots;
    private final List<InspectionHandler> workers = new ArrayList<>();
    private final LiveModel liveModel;
    private final ShadowTap shadowTap;
    private final DeadlineWatchdog watchdog;
    private final DecisionHandler decision;
    private final List<CameraLoop> cameras = new ArrayList<>();
    /** The cameras' own preprocessing (preprocess-on: cameras), closed with the ring. */
    private final List<CpuPreprocessing> cameraPreprocessing = new ArrayList<>();
    private final List<FrameSource> sources = new ArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Thread> cameraThreads = new ArrayList<>();
    private final AtomicInteger handlerErrors = new AtomicInteger();

    /**
     * Allocates every slot and handler (each worker's classifier included); starts nothing.
     *
     * @param lines each line's setup, in line order
     * @param sources per line, its views' frame sources in view order (the caller closes them)
     * @param stageTimes where the workers record their stage times
     * @param latestFrames where the decision copies each camera's latest frame; null: nowhere
     * @param modelLabel how the journal names the model, and {@code modelJournalId} its id there (see {@link LiveModel})
     */
    public StationRing(StationConfig config, ModelPackage model, String modelLabel, int modelJournalId, List<LineSetup> lines, List<List<FrameSource>> sources,
                       StageTimes stageTimes, LineThresholds thresholds, OutcomeRecorder recorder, TrendStage trend,
                       RejectImages rejectImages, ViewAssembly parts, String[][] viewNames, LatestFrames latestFrames) {
        int floats = model.info().floatsPerImage();
        this.slots = new ArrayList<>(config.ringSize());
        StageWaitStrategy waits = new StageWaitStrategy();
        this.disruptor = new Disruptor<>(() -> newSlot(lines, floats), config.ringSize(), threadFactory("sightline-stage"),
                ProducerType.MULTI, waits);
        ExceptionHandler<FrameEvent> onError = new HandlerExceptions();
        disruptor.setDefaultExceptionHandler(onError);

        @SuppressWarnings("unchecked")
        EventHandler<FrameEvent>[] inspect = new EventHandler[config.workers()];
        this.liveModel = new LiveModel(model, modelLabel, modelJournalId, inspect.length, config.maxBatch());
        this.shadowTap = new ShadowTap(inspect.length, floats);
        try {
            for (int i = 0; i < inspect.length; i++) {
                InspectionHandler h = new InspectionHandler(i, inspect.length, lines, liveModel.hold(i),
                        new StageProgress(waits), stageTimes.worker(i), config.preprocessDevice());
                h.shadowTo(shadowTap);
                workers.add(h);
                inspect[i] = h;
            }
        } catch (RuntimeException e) {
            workers.forEach(InspectionHandler::close);
            liveModel.close();
            slots.forEach(FrameEvent::close);
            throw e;
        }
        this.decision = new DecisionHandler(thresholds, recorder, trend, rejectImages, parts, viewNames, latestFrames);
        disruptor.handleEventsWith(inspect);
        this.ring = disruptor.getRingBuffer();
        // The decision waits on the workers' own progress, which trails the frames they hold back
        // for a batch, not on their Disruptor sequences (which pass those frames).
        Sequence[] scored = new Sequence[workers.size()];
        for (int i = 0; i < scored.length; i++) scored[i] = workers.get(i).scored();
        BatchEventProcessor<FrameEvent> decisionProcessor =
                new BatchEventProcessorBuilder().build(ring, ring.newBarrier(scored), decision);
        decisionProcessor.setExceptionHandler(onError);
        disruptor.handleEventsWith(decisionProcessor);
        Sequence decided = decisionProcessor.getSequence();
        this.watchdog = new DeadlineWatchdog(ring, decided::get, parts, WATCHDOG_INTERVAL_NANOS);
        long rejectDelayNanos = TimeUnit.MILLISECONDS.toNanos(config.rejectDelayMillis());
        for (int line = 0; line < sources.size(); line++) {
            for (int v = 0; v < sources.get(line).size(); v++) {
                FrameSource source = sources.get(line).get(v);
                this.sources.add(source);
                CameraLoop camera = new CameraLoop(line, v, source, lines.get(line), ring, parts,
                        config.fpsPerLine(), config.overrun(), rejectDelayNanos, config.maxFramesPerLine());
                if (config.preprocessOnCameras()) {
                    CpuPreprocessing p = new CpuPreprocessing(lines, line);
                    cameraPreprocessing.add(p);
                    camera.preprocessHere(p);
                }
                cameras.add(camera);
            }
        }
    }

    private FrameEvent newSlot(List<LineSetup> lines, int floats) {
        FrameEvent e = new FrameEvent(lines, floats);
        slots.add(e);
        return e;
    }

    /**
     * The workers take inspection API requests from {@code queue} into their batches' spare rows (see
     * {@code InspectionHandler}); call before {@link #startHandlers}.
     */
    public void acceptInspections(io.sightline.station.inspect.InspectQueue queue) {
        for (InspectionHandler w : workers) w.acceptInspections(queue);
    }

    /** The decision offers parts scored near their threshold to {@code queue}; call before {@link #startHandlers}. */
    public void reviewInto(io.sightline.station.review.ReviewQueue queue) {
        decision.reviewInto(queue);
    }

    /** Starts the handlers and waits for every worker to warm up (every batch shape run once). */
    public void startHandlers(long warmUpTimeoutMillis) {
        disruptor.start();
        try {
            for (InspectionHandler w : workers) w.awaitWarmUp(warmUpTimeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the inspection workers warmed up", e);
        }
    }

    /** Starts the watchdog, then the cameras: frames flow from here on. */
    public void startCameras() {
        Thread w = new Thread(watchdog, "sightline-watchdog");
        w.setDaemon(true);
        threads.add(w);
        w.start();
        for (int i = 0; i < cameras.size(); i++) {
            Thread t = new Thread(cameras.get(i), "sightline-camera-" + i);
            t.setDaemon(true);
            threads.add(t);
            cameraThreads.add(t);
            t.start();
        }
    }

    /** Stops the cameras: no new frame enters the ring (safe from any thread). */
    public void stopCameras() {
        for (CameraLoop c : cameras) c.stop();
    }

    /** Stops the cameras and waits for their threads to end. */
    public void stopAndJoinCameras() throws InterruptedException {
        stopCameras();
        for (Thread t : cameraThreads) t.join();
    }

    /** Stops the handlers (after the frames in the ring are through, or the timeout) and the watchdog. */
    public void shutdown(Duration drainTimeout) throws InterruptedException {
        try {
            disruptor.shutdown(drainTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        }
        watchdog.stop();
        for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** Halts a ring that never started. */
    public void halt() {
        disruptor.halt();
    }

    /** Frees every handler and slot (not the sources). */
    public void close() {
        for (InspectionHandler w : workers) w.close();
        for (CpuPreprocessing p : cameraPreprocessing) p.close(); // the cameras have stopped
        for (CameraLoop c : cameras) c.closeBorrowed(); // no slot reads a handed-over frame any more
        liveModel.close();
        shadowTap.close();
        for (FrameEvent e : slots) e.close();
    }

    /** Where a shadow run takes copies of the scored frames. */
    public ShadowTap shadowTap() {
        return shadowTap;
    }

    /** The model the workers run, and how a new one takes over. */
    public LiveModel liveModel() {
        return liveModel;
    }

    public int workers() {
        return workers.size();
    }

    public int cameras() {
        return cameras.size();
    }

    /** Frames the camera threads preprocessed themselves (0 unless the config's preprocessOnCameras). */
    public long preprocessedOnCameras() {
        long n = 0;
        for (CameraLoop c : cameras) n += c.preprocessedHere();
        return n;
    }

    public int size() {
        return ring.getBufferSize();
    }

    /** Free slots now; any thread. */
    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    /** True once every camera has stopped (finite sources or {@code maxFramesPerLine} reached). */
    public boolean camerasFinished() {
        for (CameraLoop c : cameras) if (!c.finished()) return false;
        return true;
    }

    /** Triggers the cameras' schedules fired late, all cameras together. */
    public long overruns() {
        long overruns = 0;
        for (CameraLoop cam : cameras) overruns += cam.overruns();
        return overruns;
    }

    /** Inference batches run so far, all workers together. */
    public long batches() {
        long batches = 0;
        for (InspectionHandler w : workers) batches += w.batcher().batches();
        return batches;
    }

    /** Frames in those batches. */
    public long batchedFrames() {
        long frames = 0;
        for (InspectionHandler w : workers) frames += w.batcher().frames();
        return frames;
    }

    /** Batches by size (index = frames in the batch), all workers together; read it once stopped. */
    public long[] batchSizeHistogram(int maxBatch) {
        long[] hist = new long[maxBatch + 1];
        for (InspectionHandler w : workers) {
            long[] h = w.batcher().sizeHistogram();
            for (int i = 0; i < h.length; i++) hist[i] += h[i];
        }
        return hist;
    }

    /**
     * Each camera's source figures, in line order (a line's views in their order); safe to call from
     * any thread while running.
     */
    public List<SourceStats> sourceStats(ViewAssembly parts, String[][] viewNames) {
        List<SourceStats> out = new ArrayList<>();
        for (int i = 0; i < cameras.size(); i++) {
            CameraLoop c = cameras.get(i);
            FrameSource s = sources.get(i);
            int line = c.line();
            int view = c.view();
            long reconnects = 0;
            boolean connected = true;
            String error = null;
            if (s instanceof ReconnectingSource r) {
                reconnects = r.reconnects();
                connected = r.connected();
                error = r.lastError();
            }
            out.add(new SourceStats(line, s.name(), s.live(), c.published() + c.ringFull() + c.notInspected(), c.unreadable(),
                    c.missed(), c.repeated(), s.skipped(), reconnects, connected, error,
                    parts.multiView(line) ? viewNames[line][view] : null, parts.missingViews(line, view), parts.lateViews(line, view),
                    c.handedOver()));
        }
        return out;
    }

    /** Handler exceptions the ring caught (each frame concerned still ends fail-safe). */
    public int handlerErrors() {
        return handlerErrors.get();
    }

    /** Frames the watchdog expired at their deadline. */
    public long expiredByWatchdog() {
        return watchdog.expired();
    }

    /** Parts of lines with several views that the watchdog decided at their deadline. */
    public long partsExpiredByWatchdog() {
        return watchdog.partsExpired();
    }

    private ThreadFactory threadFactory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
            t.setDaemon(true);
            threads.add(t);
            return t;
        };
    }

    /** A handler exception marks nothing lost: the frame's outcome falls to the decision or the watchdog. */
    private final class HandlerExceptions implements ExceptionHandler<FrameEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, FrameEvent event) {
            handlerErrors.incrementAndGet();
            if (event != null) event.status = FrameEvent.STATUS_ERROR;
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            handlerErrors.incrementAndGet();
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            handlerErrors.incrementAndGet();
        }
    }
}
