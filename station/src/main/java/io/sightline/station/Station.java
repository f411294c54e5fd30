package io.sightline.station;

import io.sightline.capture.FrameSource;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.station.outcome.EjectorStage;
import io.sightline.station.outcome.LineThresholds;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.outcome.RejectImages;
import io.sightline.station.outcome.TrendStage;
import io.sightline.station.outcome.ViewAssembly;
import io.sightline.station.ring.LineSetup;
import io.sightline.station.ring.StationRing;
import io.sightline.station.telemetry.LatestFrames;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StageTimes;
import io.sightline.station.telemetry.StationStats;
import io.sightline.station.telemetry.StationTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The inspection station: cameras, one Disruptor ring of preallocated {@code FrameEvent} slots ({@link StationRing}),
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
    /** Warming every batch shape takes well under a second on 2 cores; a minute means something is wrong. */
    private static final long WARM_UP_TIMEOUT_MILLIS = 60_000;
    /**
     * The most cameras (views) one line may have: the limit the config file and the demo check. The
     * part assembler could hold up to {@value io.sightline.postprocess.PartAssembler#MAX_VIEWS}.
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
    private final LineThresholds thresholds;
    private final io.sightline.postprocess.DecisionJournal journal;
    private final TrendStage trend;
    private final RejectImages rejectImages;
    private final EjectorStage ejector;
    private final LatestFrames latestFrames;
    private final StationRing ring;
    private final StationTelemetry telemetry;
    private final io.sightline.station.models.ModelSwitch models;
    private final java.time.Clock clock;
    /** Inspection API requests, scored in the workers' spare batch rows. */
    private final io.sightline.station.inspect.InspectQueue inspections;
    private final java.nio.file.Path modelDir;
    private final boolean modelHasMap;
    private io.sightline.station.review.ReviewQueue review;
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
        List<List<FrameSource>> byLine = new ArrayList<>();
        for (List<CameraView> line : views) {
            List<FrameSource> ofLine = new ArrayList<>();
            for (CameraView v : line) ofLine.add(v.source());
            all.addAll(ofLine);
            byLine.add(ofLine);
        }
        this.sources = List.copyOf(all);
        StationLayout.check(config, this.model, model.dir(), views, named);
        this.viewNames = new String[views.size()][];
        int[] viewCounts = new int[views.size()];
        for (int line = 0; line < views.size(); line++) {
            viewCounts[line] = views.get(line).size();
            viewNames[line] = named ? StationLayout.checkViews(line, views.get(line)) : null;
        }
        this.lines = StationLayout.lineSetups(config, this.model, views, outputs.undistorter());
        for (int i = 0; i < lines.size(); i++) {
            io.sightline.preprocess.PreprocessSpec spec = lines.get(i).spec();
            String conversion = StationLayout.conversionNote(i, spec);
            if (conversion != null && spec.inputChannels() == 3) LOG.warn(conversion);
            else if (conversion != null) LOG.info(conversion);
            if (config.preprocessDevice().isCuda() && !io.sightline.preprocess.cuda.CudaPreprocessor.supports(spec)) {
                LOG.info("line {} has {}: its frames are preprocessed on the CPU (CUDA preprocessing is gray into gray only),"
                        + " its inference runs on {}", i, spec.converts() ? "frames converted to the model's channels" : "colour cameras",
                        config.preprocessDevice());
            }
        }
        this.journal = outputs.journal();
        this.recorder = new OutcomeRecorder(config.lines(), sink, outputs.journal(), this::stopLine);
        this.parts = new ViewAssembly(recorder, viewCounts, StationLayout.partWindow(config));
        this.trend = new TrendStage(outputs.trackers(), outputs.trendLines(), sink, config.lines(), this.model.defectClasses(),
                outputs.journal(), io.sightline.station.outcome.TrendStage.FORECAST_JOURNAL_NANOS);
        int[] widths = new int[lines.size()];
        int[] heights = new int[lines.size()];
        int[] channels = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            widths[i] = lines.get(i).frameWidth();
            heights[i] = lines.get(i).frameHeight();
            channels[i] = lines.get(i).spec().channels();
        }
        this.clock = outputs.clock();
        this.rejectImages = StationLayout.rejectImages(outputs.rejectImages(), widths, heights, channels, clock);
        this.ejector = outputs.ejector() == null ? null : new EjectorStage(config.lines(),
                TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.rejectDelayMillis())), 4 * config.ringSize() + 64, outputs.ejector());
        recorder.setEjector(ejector);
        this.latestFrames = new LatestFrames(viewCounts, widths, heights, channels, LatestFrames.INTERVAL_NANOS);
        this.thresholds = new LineThresholds(config.lines(), config.rejectThreshold());
        StageTimes stageTimes = new StageTimes(config.workers(), config.maxBatch());
        try {
            String label = io.sightline.station.models.ModelVersion.of(model.dir(), model.info()).label();
            this.ring = new StationRing(config, model, label, journal == null ? 0 : journal.registerModel(label), lines, byLine, stageTimes, thresholds, recorder, trend, rejectImages, parts,
                    viewNames, latestFrames);
        } catch (RuntimeException e) {
            if (rejectImages != null) rejectImages.close();
            if (ejector != null) ejector.close();
            latestFrames.close();
            throw e;
        }
        this.models = new io.sightline.station.models.ModelSwitch(ring.liveModel(), model, recorder, journal, config.inferenceThreads());
        models.attachShadow(ring.shadowTap(), thresholds, () -> ring.size() - ring.remainingCapacity(), ring.size() / 4);
        this.modelDir = model.dir();
        this.modelHasMap = model.hasDefectMap();
        this.inspections = new io.sightline.station.inspect.InspectQueue(io.sightline.station.inspect.Inspector.DEFAULT_QUEUE,
                this.model.floatsPerImage(), this.model.numClasses(), mapCells(this.model, modelHasMap));
        ring.acceptInspections(inspections);
        String[] cameraNames = new String[sources.size()];
        for (int i = 0; i < cameraNames.length; i++) cameraNames[i] = sources.get(i).name();
        List<io.sightline.preprocess.PreprocessSpec> specs = new ArrayList<>();
        for (LineSetup l : lines) specs.add(l.spec());
        this.telemetry = new StationTelemetry(config.rejectThreshold(), ring.size(), ring::remainingCapacity, stageTimes, recorder,
                trend, latestFrames, sink, specs, cameraNames, viewNames);
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
     * <p>What a line's views share: its {@link LineSetup}, that is the frame size and channels (every
     * view's source must deliver the same size, and all gray or all colour), the ROI (the config's, or
     * the default for that size), the undistortion, and the model and threshold (the one model
     * inspects every view). Each view has its
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
        ring.stopCameras();
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

    /**
     * The station's model versions: which one is live, and the one way to swap in another or roll
     * back while it runs (see {@link io.sightline.station.models.ModelSwitch}).
     */
    public io.sightline.station.models.ModelSwitch models() {
        return models;
    }

    /** The station's wall clock ({@link StationAttachments#clock()}): time of day for names and views, never for deadlines. */
    public java.time.Clock clock() {
        return clock;
    }

    /** Why the station stopped the line by itself, or null. */
    public String lineStopReason() {
        return lineStopReason;
    }

    public synchronized void start() {
        if (started) throw new IllegalStateException("station already started");
        started = true;
        ring.startHandlers(WARM_UP_TIMEOUT_MILLIS);
        startNanos = System.nanoTime();
        ring.startCameras();
        LOG.info("station started: {} line(s), {} camera(s), {} worker(s), preprocessing on {}, batches up to {}, ring of {}, model {} {},"
                + " thresholds {}, reject delay {} ms", lines.size(), ring.cameras(), ring.workers(),
                config.preprocessOnCameras() ? "the camera threads (cpu)" : "the workers (" + config.preprocessDevice() + ")",
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
        return ring.camerasFinished();
    }

    /**
     * Stops the cameras, lets every frame already captured reach its outcome (at the latest its
     * reject deadline), then stops the handlers. Returns the final figures.
     */
    public synchronized StationStats stop(Duration drainTimeout) throws InterruptedException {
        if (!started) throw new IllegalStateException("station was never started");
        if (stopNanos != 0) return snapshot();
        models.stopped();
        ring.stopAndJoinCameras();
        long deadline = System.nanoTime() + drainTimeout.toNanos()
                + TimeUnit.MILLISECONDS.toNanos(config.rejectDelayMillis());
        while (recorder.counters().inFlight() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        stopNanos = System.nanoTime();
        if (ejector != null) ejector.drain(); // the last parts reach the ejector
        ring.shutdown(drainTimeout);
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
        return ring.sourceStats(parts, viewNames);
    }

    /** Current figures; safe to call from any thread while running. */
    public StationStats snapshot() {
        long end = stopNanos != 0 ? stopNanos : System.nanoTime();
        double elapsed = started ? (end - startNanos) / 1e9 : 0;
        return StationSnapshots.of(recorder, ring, parts, config.maxBatch(), elapsed, stopNanos != 0);
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
        return ring.handlerErrors();
    }

    /** Frames the watchdog expired at their deadline. */
    public long expiredByWatchdog() {
        return ring.expiredByWatchdog();
    }

    /** Parts of lines with several views that the watchdog decided at their deadline (a view missing or undecided). */
    public long partsExpiredByWatchdog() {
        return ring.partsExpiredByWatchdog();
    }

    /** Frees every slot, handler and source. Stops the station first if it is running. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) return;
        if (started && stopNanos == 0) stop(Duration.ofSeconds(5));
        if (!started) ring.halt();
        closed = true;
        models.stopped(); // no shadow may offer to the review queue once it is closed
        if (ejector != null) ejector.close();
        if (rejectImages != null) rejectImages.close();
        if (review != null) review.close();
        ring.close();
        latestFrames.close();
        for (FrameSource s : sources) s.close();
    }

    /**
     * The inspection API over this station's lines: requests share its workers' batches (see
     * {@link io.sightline.station.inspect.Inspector}), decided at each line's threshold now.
     *
     * @param lineNames what {@code ?line=} names, in line order
     */
    public io.sightline.station.inspect.Inspector inspector(List<String> lineNames, long maxBodyBytes) {
        return StationLayout.inspector(lines, lineNames, model, modelDir, modelHasMap, line -> thresholds.values()[line], inspections,
                maxBodyBytes);
    }

    /**
     * Keeps the parts scored near their line's threshold for relabelling (call before {@link #start});
     * the station closes the queue.
     *
     * @param lineNames each line's folder name under the queue's folder
     */
    public synchronized io.sightline.station.review.ReviewQueue enableReview(io.sightline.station.review.ReviewQueue.Settings settings,
                                                                            List<String> lineNames) throws java.io.IOException {
        if (started) throw new IllegalStateException("the review queue must be set up before the station starts");
        if (lineNames.size() != lines.size()) throw new IllegalArgumentException("review: " + lineNames.size() + " line names for " + lines.size() + " lines");
        int[] widths = new int[lines.size()];
        int[] heights = new int[lines.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = lines.get(i).frameWidth();
            heights[i] = lines.get(i).frameHeight();
        }
        review = new io.sightline.station.review.ReviewQueue(settings, lineNames.toArray(String[]::new), widths, heights,
                models.live().label(), new io.sightline.station.review.ReviewQueue.ModelInput(model.inputWidth(),
                        model.inputHeight(), model.inputChannels(), model.normMean(), model.normStd()));
        ring.reviewInto(review);
        models.reviewDisagreementsInto(review);
        return review;
    }

    /** Frames the camera threads preprocessed themselves (0 unless the config's {@code preprocessOnCameras}). */
    public long preprocessedOnCameras() {
        return ring.preprocessedOnCameras();
    }

    /** The review queue, or null without one. */
    public io.sightline.station.review.ReviewQueue review() {
        return review;
    }

    /** The ROI a line uses when its config names none: the centred square of 0.75 x the frame's shorter side. */
    public static int[] defaultRoi(int width, int height) {
        return StationLayout.defaultRoi(width, height);
    }

    static int mapCells(ModelInfo model, boolean hasMap) {
        return hasMap ? io.sightline.inference.InspectionCnn.mapSide(model.inputWidth()) * io.sightline.inference.InspectionCnn.mapSide(model.inputHeight()) : 0;
    }

    /** Unmodifiable view of the line setups, for reports. */
    List<LineSetup> lines() {
        return Collections.unmodifiableList(lines);
    }
}
