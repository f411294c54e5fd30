package io.sightline.station;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.sightline.capture.FrameSource;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.PartAssembler;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.preprocess.PreprocessSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The inspection station: cameras, one Disruptor ring of preallocated {@link FrameEvent} slots,
 * and the stage handlers that adapt the stage libraries to it.
 *
 * <pre>
 *  camera 0 ─┐  tryPublish (never blocks; ring full = fail-safe reject, counted)
 *  camera 1 ─┼──────────────▶ [ ring of FrameEvent slots: pixels, tensor, ids, deadline, score ]
 *  camera n ─┘                        │
 *                                     ▼
 *            InspectionHandler × N workers (sequence % N), each for its share of the frames:
 *                ROI ▸ resize ▸ normalise into the slot tensor ▸ stage into its batch;
 *                Batcher (maxBatch or endOfBatch) ▸ one session.run per batch ▸ scores
 *                                     ▼
 *            DecisionHandler (waits on the workers' scored frames): late? unreadable? error?
 *                             else threshold ▸ outcome ▸ counters,
 *                             latency, reject signal to the sink
 *
 *            DeadlineWatchdog (beside the ring): a pending frame past its ejector deadline is a
 *                             fail-safe reject at once, even if a stage hangs
 *
 *            StationTelemetry (read by metrics and the dashboard when they ask): stage times from the
 *                             workers, each camera's latest frame (copied by the decision at most
 *                             4 times a second) and trend samples, all written without allocating
 *
 *  line with several views (top, side, ...: {@link #createWithViews}): one camera loop per view, every
 *  frame carries its part id, and the frames' outcomes meet in the {@link ViewAssembly} before the
 *  recorder:
 *            view outcomes (decision, watchdog, camera) ▸ PartAssembler (per line) ▸ one outcome per
 *            part: all views in, or at the part's deadline (a view missing = fail-safe reject)
 * </pre>
 *
 * <p>Every part ends in exactly one recorded outcome: the slot's outcome claim makes the decision
 * handler and the watchdog mutually exclusive, a frame that never entered the ring is recorded by its
 * camera, and a part seen by several views is recorded once by its assembler. Counters, the journal,
 * the sink and the ejector see parts. Steady state allocates nothing per frame.
 */
public final class Station implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Station.class);
    private static final long WATCHDOG_INTERVAL_NANOS = 1_000_000L;
    /** Warming every batch shape takes well under a second on 2 cores; a minute means something is wrong. */
    private static final long WARM_UP_TIMEOUT_MILLIS = 60_000;
    /** The default ROI's side, as a fraction of the frame's shorter side. */
    static final double DEFAULT_ROI_FRACTION = 0.75;
    /**
     * The most cameras (views) one line may have: the limit the config file and the demo check. The
     * part assembler could hold up to {@value PartAssembler#MAX_VIEWS}.
     */
    public static final int MAX_VIEWS = 16;

    private final StationConfig config;
    private final ModelInfo model;
    private final List<LineSetup> lines;
    private final List<FrameSource> sources;
    /** Per line, its views' names (null for a line built from one frame source). */
    private final String[][] viewNames;
    private final OutcomeRecorder recorder;
    private final ViewAssembly parts;
    private final Disruptor<FrameEvent> disruptor;
    private final RingBuffer<FrameEvent> ring;
    private final List<FrameEvent> slots;
    private final List<InspectionHandler> workers = new ArrayList<>();
    private final DecisionHandler decision;
    private final LineThresholds thresholds;
    private final io.sightline.postprocess.DecisionJournal journal;
    private final TrendStage trend;
    private final RejectImages rejectImages;
    private final EjectorStage ejector;
    private final DeadlineWatchdog watchdog;
    private final StageTimes stageTimes;
    private final LatestFrames latestFrames;
    private final StationTelemetry telemetry;
    private final List<CameraLoop> cameras = new ArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Thread> cameraThreads = new ArrayList<>();
    private final AtomicInteger handlerErrors = new AtomicInteger();
    private long startNanos;
    private long stopNanos;
    private boolean started;
    private boolean closed;
    private volatile String lineStopReason;

    private Station(StationConfig config, ModelPackage model, List<List<CameraView>> views, boolean named, StationAttachments outputs) {
        RejectSink sink = outputs.sink();
        this.config = config;
        this.model = model.info();
        List<FrameSource> all = new ArrayList<>();
        for (List<CameraView> line : views) for (CameraView v : line) all.add(v.source());
        this.sources = List.copyOf(all);
        if (views.size() != config.lines()) {
            throw new IllegalArgumentException("lines: config has " + config.lines() + " lines but "
                    + views.size() + (named ? " lines of views" : " frame sources") + " were given");
        }
        if (this.model.inputChannels() != 1) {
            throw new IllegalArgumentException("model " + model.dir() + " expects " + this.model.inputChannels()
                    + " input channels; the cameras deliver 8-bit gray (1 channel)");
        }
        this.viewNames = new String[views.size()][];
        int[] viewCounts = new int[views.size()];
        for (int line = 0; line < views.size(); line++) {
            viewCounts[line] = views.get(line).size();
            viewNames[line] = named ? checkViews(line, views.get(line)) : null;
        }
        this.lines = new ArrayList<>();
        for (List<CameraView> line : views) {
            FrameSource s = line.get(0).source(); // the line's views share its setup (checked above)
            int[] roi = config.roi() != null ? config.roi() : defaultRoi(s.maxWidth(), s.maxHeight());
            PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3],
                    this.model.inputWidth(), this.model.inputHeight(), this.model.normMean(), this.model.normStd());
            try {
                lines.add(new LineSetup(s.maxWidth(), s.maxHeight(), spec, outputs.undistorter()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((e.getMessage().startsWith("the camera calibration") ? "" : "roi: ") + e.getMessage()
                        + " (camera " + s.name() + ")", e);
            }
        }
        this.journal = outputs.journal();
        this.recorder = new OutcomeRecorder(config.lines(), sink, outputs.journal(), this::stopLine);
        this.parts = new ViewAssembly(recorder, viewCounts, partWindow(config));

        int floats = this.model.floatsPerImage();
        this.slots = new ArrayList<>(config.ringSize());
        StageWaitStrategy waits = new StageWaitStrategy();
        this.disruptor = new Disruptor<>(() -> newSlot(floats), config.ringSize(), threadFactory("sightline-stage"),
                ProducerType.MULTI, waits);
        ExceptionHandler<FrameEvent> onError = new HandlerExceptions();
        disruptor.setDefaultExceptionHandler(onError);

        @SuppressWarnings("unchecked")
        EventHandler<FrameEvent>[] inspect = new EventHandler[config.workers()];
        this.stageTimes = new StageTimes(config.workers(), config.maxBatch());
        try {
            for (int i = 0; i < inspect.length; i++) {
                InspectionHandler h = new InspectionHandler(i, inspect.length, lines, model.newClassifier(config.maxBatch()),
                        new StageProgress(waits), stageTimes.worker(i), config.preprocessDevice());
                workers.add(h);
                inspect[i] = h;
            }
        } catch (RuntimeException e) {
            workers.forEach(InspectionHandler::close);
            throw e;
        }
        this.trend = new TrendStage(outputs.trackers(), outputs.trendLines(), sink, config.lines());
        this.rejectImages = rejectImages(outputs.rejectImages());
        this.ejector = outputs.ejector() == null ? null : new EjectorStage(config.lines(),
                TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.rejectDelayMillis())), 4 * config.ringSize() + 64, outputs.ejector());
        recorder.setEjector(ejector);
        int[] widths = new int[lines.size()];
        int[] heights = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            widths[i] = lines.get(i).frameWidth();
            heights[i] = lines.get(i).frameHeight();
        }
        this.latestFrames = new LatestFrames(viewCounts, widths, heights, LatestFrames.INTERVAL_NANOS);
        this.thresholds = new LineThresholds(config.lines(), config.rejectThreshold());
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
        String[] cameraNames = new String[sources.size()];
        for (int i = 0; i < cameraNames.length; i++) cameraNames[i] = sources.get(i).name();
        this.telemetry = new StationTelemetry(config, ring, stageTimes, recorder, trend, latestFrames, sink, lines, cameraNames,
                viewNames);
        long rejectDelayNanos = TimeUnit.MILLISECONDS.toNanos(config.rejectDelayMillis());
        for (int line = 0; line < views.size(); line++) {
            for (int v = 0; v < views.get(line).size(); v++) {
                cameras.add(new CameraLoop(line, v, views.get(line).get(v).source(), lines.get(line), ring, parts,
                        config.fpsPerLine(), config.overrun(), rejectDelayNanos, config.maxFramesPerLine()));
            }
        }
    }

    /** A line's views: at least one, at most {@value #MAX_VIEWS}, names unique, one frame size. */
    private static String[] checkViews(int line, List<CameraView> views) {
        if (views.isEmpty() || views.size() > MAX_VIEWS) {
            throw new IllegalArgumentException("views: line " + line + " needs 1 to " + MAX_VIEWS + " cameras, got "
                    + views.size());
        }
        String[] names = new String[views.size()];
        CameraView first = views.get(0);
        for (int v = 0; v < views.size(); v++) {
            CameraView view = views.get(v);
            names[v] = view.name();
            for (int u = 0; u < v; u++) {
                if (names[u].equals(names[v])) {
                    throw new IllegalArgumentException("views: line " + line + " names view '" + names[v] + "' twice");
                }
            }
            FrameSource s = view.source();
            if (s.maxWidth() != first.source().maxWidth() || s.maxHeight() != first.source().maxHeight()) {
                throw new IllegalArgumentException("views: line " + line + "'s view '" + view.name() + "' (camera " + s.name() + ") delivers "
                        + s.maxWidth() + "x" + s.maxHeight() + " frames, its view '" + first.name() + "' "
                        + first.source().maxWidth() + "x" + first.source().maxHeight()
                        + "; a line's views share its frame size, ROI and model");
            }
        }
        return names;
    }

    /**
     * Parts a line with several views can hold in assembly: comfortably more than it has between
     * camera and ejector (rate x reject delay, and what the ring and the ejector's FIFO can hold),
     * a power of two, at most 65,536. Beyond it the oldest part is decided fail-safe (counted).
     */
    static int partWindow(StationConfig c) {
        long travelling = (long) Math.ceil(c.fpsPerLine() * c.rejectDelayMillis() / 1000.0);
        long want = Math.min(1L << 16, Math.max(4L * c.ringSize() + 64, 2 * travelling + 64));
        return Integer.highestOneBit((int) want - 1) << 1;
    }

    /**
     * Builds a station (allocating every slot) without starting it: one camera per line.
     *
     * @param sources one frame source per line, in line order; the station closes them
     */
    public static Station create(StationConfig config, ModelPackage model, List<FrameSource> sources, RejectSink sink) {
        return create(config, model, sources, StationAttachments.of(sink));
    }

    /**
     * As {@link #create(StationConfig, ModelPackage, List, RejectSink)}, with trend trackers fed
     * every scored part by the decision thread (their alarms go to the sink too) and a decision
     * journal that every outcome is appended to before its signal is sent.
     */
    public static Station create(StationConfig config, ModelPackage model, List<FrameSource> sources, StationAttachments outputs) {
        List<List<CameraView>> views = new ArrayList<>();
        try {
            for (FrameSource s : sources) views.add(List.of(new CameraView("camera", s)));
        } catch (RuntimeException e) {
            sources.forEach(FrameSource::close);
            throw e;
        }
        return create(config, model, views, false, outputs);
    }

    /**
     * Builds a station whose lines may inspect each part with several cameras (views: top, side...).
     * A part's outcome waits for all its views, up to its deadline: any view rejected for a defect
     * rejects the part; a view's fail-safe (unreadable, error, late, ring full) is the part's; a view
     * that skipped the part or whose frame had not come by the deadline is a fail-safe
     * {@link Outcome#FAILSAFE_MISSING_VIEW} reject ({@link Outcome#FAILSAFE_MISSED} when no view framed
     * it); all views passed is a pass, with the largest of their scores. Counters, journal, sinks,
     * trend and ejector see parts; a frame that comes after its part was decided is a late view,
     * counted and not inspected ({@link #sourceStats()} has the figures per view).
     *
     * <p>What a line's views share: its {@link LineSetup}, that is the frame size (every view's source
     * must deliver the same size), the ROI (the config's, or the default for that size), the
     * undistortion, and the model and threshold (the one model inspects every view). Each view has its
     * own camera thread, trigger schedule and part-id tracking; their part ids must be the line's shared
     * trigger counter. A line with one view behaves and costs exactly as {@link #create(StationConfig,
     * ModelPackage, List, StationAttachments)} (its frames go straight to the recorder).
     *
     * @param views per line, in line order, its views in a fixed order; the station closes their sources
     */
    public static Station createWithViews(StationConfig config, ModelPackage model, List<List<CameraView>> views,
                                          StationAttachments outputs) {
        List<List<CameraView>> copy = new ArrayList<>();
        for (List<CameraView> line : views) copy.add(List.copyOf(line));
        return create(config, model, copy, true, outputs);
    }

    private static Station create(StationConfig config, ModelPackage model, List<List<CameraView>> views, boolean named,
                                  StationAttachments outputs) {
        try {
            return new Station(config, model, views, named, outputs);
        } catch (RuntimeException e) {
            // the station owns them from here on, even when it cannot start
            for (List<CameraView> line : views) for (CameraView v : line) v.source().close();
            throw e;
        }
    }

    private RejectImages rejectImages(StationAttachments.RejectImageSettings settings) {
        if (settings == null) return null;
        int[] widths = new int[lines.size()];
        int[] heights = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            widths[i] = lines.get(i).frameWidth();
            heights[i] = lines.get(i).frameHeight();
        }
        try {
            return new RejectImages(settings.dir(), widths, heights, 8, settings.maxBytes(), settings.maxAge());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("reject images folder " + settings.dir() + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** Parts the station's ejector timing fired (rejected) and passed; null without it. */
    public long[] ejectorCounts() {
        return ejector == null ? null : new long[] {ejector.fired(), ejector.passed(), ejector.late(), ejector.maxLagNanos()};
    }

    /** Rejected parts' images saved so far (0 without an image folder). */
    public long rejectImagesSaved() {
        return rejectImages == null ? 0 : rejectImages.written();
    }

    /** Rejected parts' images skipped because the writer was behind. */
    public long rejectImagesSkipped() {
        return rejectImages == null ? 0 : rejectImages.skipped();
    }

    /**
     * Stops the cameras: no new part enters, every part already in flight still ends in its
     * outcome. Called when the journal cannot be written (the line must not run unrecorded).
     */
    void stopLine(String reason) {
        LOG.error("stopping the line: {}; every part already captured still gets its outcome", reason);
        lineStopReason = reason;
        for (CameraLoop c : cameras) c.stop();
    }

    /** Each line's decision threshold now. */
    public float[] thresholds() {
        return thresholds.values();
    }

    /**
     * Changes the decision threshold of one line ({@code line} null: every line) while running: the
     * next frame decided uses it. The change is logged and, with a journal, recorded there with who
     * asked for it before it takes effect; a change the journal cannot record is refused.
     *
     * @param requestedBy who or what asked ("SIGHUP reload of station.yaml", "dashboard 127.0.0.1")
     * @return a one-line description of what changed
     * @throws IllegalArgumentException naming the line or threshold when out of range
     */
    public synchronized String setThreshold(Integer line, float threshold, String requestedBy) {
        thresholds.check(line, threshold);
        float[] before = thresholds.values();
        StringBuilder what = new StringBuilder();
        for (int i = 0; i < before.length; i++) {
            if ((line == null || line == i) && before[i] != threshold) {
                if (journal != null) {
                    journal.appendChange("lines[" + i + "].threshold", Float.toString(before[i]), Float.toString(threshold), requestedBy);
                }
                what.append(what.length() == 0 ? "" : ", ").append("line ").append(i).append(' ').append(before[i]).append(" -> ")
                        .append(threshold);
            }
        }
        if (what.length() == 0) return "threshold unchanged (" + threshold + ")";
        thresholds.set(line, threshold);
        LOG.info("threshold changed by {}: {}", requestedBy, what);
        return "threshold " + what;
    }

    /** Why the station stopped the line by itself, or null. */
    public String lineStopReason() {
        return lineStopReason;
    }

    /**
     * The default ROI when the config names none: the centred square of {@value #DEFAULT_ROI_FRACTION}
     * x the frame's shorter side (what the config file documents; the synthetic camera draws its
     * parts to fit the same square).
     */
    static int[] defaultRoi(int width, int height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        int side = (int) Math.round(DEFAULT_ROI_FRACTION * Math.min(width, height));
        side = Math.max(1, Math.min(side, Math.min(width, height)));
        return new int[] {(width - side) / 2, (height - side) / 2, side, side};
    }

    private FrameEvent newSlot(int floats) {
        FrameEvent e = new FrameEvent(lines, floats);
        slots.add(e);
        return e;
    }

    public synchronized void start() {
        if (started) throw new IllegalStateException("station already started");
        started = true;
        disruptor.start();
        try {
            for (InspectionHandler w : workers) w.awaitWarmUp(WARM_UP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the inspection workers warmed up", e);
        }
        startNanos = System.nanoTime();
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
        LOG.info("station started: {} line(s), {} camera(s), {} worker(s) preprocessing on {}, batches up to {}, ring of {}, model {} {},"
                + " thresholds {}, reject delay {} ms", lines.size(), cameras.size(), workers.size(), config.preprocessDevice(),
                config.maxBatch(), config.ringSize(), model.name(), model.version(), java.util.Arrays.toString(thresholds.values()),
                config.rejectDelayMillis());
    }

    /** Scores the trend trackers refused (NaN or outside [0, 1]), and alarms past the recorded ones. */
    public long[] trendRefusedAndDropped() {
        return new long[] {trend.invalidScores(), trend.droppedAlarms()};
    }

    /** Trend alarms raised and cleared so far (the first {@value TrendStage#MAX_RECORDED}). */
    public List<TrendAlarm> trendAlarms() {
        return trend.alarms();
    }

    /** True once every camera has stopped (finite sources or {@code maxFramesPerLine} reached). */
    public boolean camerasFinished() {
        for (CameraLoop c : cameras) if (!c.finished()) return false;
        return true;
    }

    /**
     * Stops the cameras, lets every frame already captured reach its outcome (at the latest its
     * reject deadline), then stops the handlers. Returns the final figures.
     */
    public synchronized StationStats stop(Duration drainTimeout) throws InterruptedException {
        if (!started) throw new IllegalStateException("station was never started");
        if (stopNanos != 0) return snapshot();
        for (CameraLoop c : cameras) c.stop();
        for (Thread t : cameraThreads) t.join();
        long deadline = System.nanoTime() + drainTimeout.toNanos()
                + TimeUnit.MILLISECONDS.toNanos(config.rejectDelayMillis());
        while (recorder.counters().inFlight() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        stopNanos = System.nanoTime();
        if (ejector != null) ejector.drain(); // the last parts reach the ejector
        try {
            disruptor.shutdown(drainTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        }
        watchdog.stop();
        for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(10));
        StationStats s = snapshot();
        LOG.info("station stopped after {} s: captured {} = passed {} + rejected {} + fail-safe {} {}{}", Math.round(s.elapsedSeconds()),
                s.captured(), s.passed(), s.rejected(), s.failSafe(), s.failSafeByReason(),
                s.inFlight() == 0 ? "" : "; " + s.inFlight() + " STILL IN FLIGHT after the drain");
        return s;
    }

    /**
     * Each camera's source figures, in line order (a line's views in their order); safe to call from
     * any thread while running.
     */
    public List<SourceStats> sourceStats() {
        List<SourceStats> out = new ArrayList<>();
        for (int i = 0; i < cameras.size(); i++) {
            CameraLoop c = cameras.get(i);
            FrameSource s = sources.get(i);
            int line = c.line();
            int view = c.view();
            long reconnects = 0;
            boolean connected = true;
            String error = null;
            if (s instanceof io.sightline.capture.ReconnectingSource r) {
                reconnects = r.reconnects();
                connected = r.connected();
                error = r.lastError();
            }
            out.add(new SourceStats(line, s.name(), s.live(), c.published() + c.ringFull() + c.notInspected(), c.unreadable(),
                    c.missed(), c.repeated(), s.skipped(), reconnects, connected, error,
                    parts.multiView(line) ? viewNames[line][view] : null, parts.missingViews(line, view), parts.lateViews(line, view)));
        }
        return out;
    }

    /** Current figures; safe to call from any thread while running. */
    public StationStats snapshot() {
        var c = recorder.counters();
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) if (o.isFailSafe()) byReason.put(o.reason(), c.total(o));
        long end = stopNanos != 0 ? stopNanos : System.nanoTime();
        double elapsed = started ? (end - startNanos) / 1e9 : 0;
        // each counter read once, so that the figures returned add up even while parts flow
        long passed = c.passed();
        long rejected = c.rejectedForDefect();
        long failSafe = c.failSafe();
        long decided = passed + rejected + failSafe;
        long captured = c.capturedTotal(); // after the outcomes: a part is captured before it is decided, so in flight >= 0
        Histogram latency = recorder.totalLatency();
        long batches = 0;
        long batchedFrames = 0;
        long[] hist = stopNanos != 0 ? new long[config.maxBatch() + 1] : new long[0];
        for (InspectionHandler w : workers) {
            Batcher<FrameEvent> b = w.batcher();
            batches += b.batches();
            batchedFrames += b.frames();
            if (stopNanos != 0) {
                long[] h = b.sizeHistogram();
                for (int i = 0; i < h.length; i++) hist[i] += h[i];
            }
        }
        int maxSeen = 0;
        for (int i = hist.length - 1; i > 0; i--) if (hist[i] > 0) { maxSeen = i; break; }
        long overruns = 0;
        for (CameraLoop cam : cameras) overruns += cam.overruns();
        return new StationStats(captured, passed, rejected, failSafe, byReason,
                captured - decided, recorder.defective(), recorder.escapes(), recorder.falseRejects(), elapsed,
                elapsed > 0 ? decided / elapsed : 0,
                percentileMs(latency, 50), percentileMs(latency, 99), percentileMs(latency, 99.9),
                latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0,
                batches == 0 ? 0 : (double) batchedFrames / batches, maxSeen, hist, overruns, recorder.sinkFailures(),
                parts.lateViews(), parts.overflows());
    }

    private static double percentileMs(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * The capture-to-outcome latency of every decided frame so far, in microseconds from the
     * scheduled trigger (a copy; ring-full rejects are not in it).
     */
    public Histogram latencyHistogramMicros() {
        return recorder.totalLatency();
    }

    public StationConfig config() {
        return config;
    }

    /** Stage times, ring occupancy, sink health, trend history and each camera's latest frame, for metrics and the dashboard. */
    public StationTelemetry telemetry() {
        return telemetry;
    }

    /** Per-line counters, for reports. */
    public io.sightline.postprocess.LineCounters lineCounters() {
        return recorder.counters();
    }

    /** Handler exceptions the ring caught (each frame concerned still ends fail-safe). */
    public int handlerErrors() {
        return handlerErrors.get();
    }

    /** Frames the watchdog expired at their deadline. */
    public long expiredByWatchdog() {
        return watchdog.expired();
    }

    /** Parts of lines with several views that the watchdog decided at their deadline (a view missing or undecided). */
    public long partsExpiredByWatchdog() {
        return watchdog.partsExpired();
    }

    /** Frees every slot, handler and source. Stops the station first if it is running. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) return;
        if (started && stopNanos == 0) stop(Duration.ofSeconds(5));
        if (!started) {
            disruptor.halt();
        }
        closed = true;
        if (ejector != null) ejector.close();
        if (rejectImages != null) rejectImages.close();
        for (InspectionHandler w : workers) w.close();
        for (FrameEvent e : slots) e.close();
        latestFrames.close();
        for (FrameSource s : sources) s.close();
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

    /** Unmodifiable view of the line setups, for reports. */
    List<LineSetup> lines() {
        return Collections.unmodifiableList(lines);
    }
}
