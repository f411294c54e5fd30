package io.sightline.station.web;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sightline.postprocess.LineCounters;
import io.sightline.postprocess.Outcome;
import io.sightline.station.Station;
import io.sightline.station.telemetry.SourceStats;
import io.sightline.station.telemetry.StationTelemetry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A station's figures as Prometheus metrics, in a Micrometer {@link PrometheusMeterRegistry}.
 * Everything is read from the station's own counters when the registry is scraped: nothing is
 * added to the frame path but the stage times the inspection workers record anyway
 * ({@link StationTelemetry}).
 *
 * <pre>
 *   sightline_parts_captured_total{line}                      parts that entered the station
 *   sightline_outcomes_total{line,decision,reason}            decision pass|reject|failsafe, reason pass|defect|late|...
 *   sightline_parts_in_flight{line}                           captured, no outcome yet
 *   sightline_camera_frames_total{line,camera}                and _unreadable_, _missed_, _repeated_, _skipped_,
 *                                                             _reconnects_total; sightline_camera_connected
 *   sightline_stage_latency_seconds{stage}                    histogram: preprocess (a frame), inference (a batch),
 *                                                             capture_to_decision (a part)
 *   sightline_inference_batch_size                            histogram of batch sizes
 *   sightline_ring_occupancy, sightline_ring_size             slots holding a frame, slots
 *   sightline_sink_up, sightline_sink_buffered, sightline_sink_dropped_total, sightline_sink_failures_total
 *   sightline_trend_statistic{line,detector}                  and _limit, _alarm (1 raised), sightline_trend_alarms_total
 *   sightline_trend_forecast_lower{line,detector="lstm"}      and _upper: the interval around the LSTM's expected rate
 *   sightline_trend_class_statistic{line,detector,class}      each defect class's rate CUSUM (multi-class models), and
 *                                                             _class_limit, _class_alarm, sightline_trend_class_alarms_total
 *   sightline_handler_errors_total, sightline_watchdog_expired_total, sightline_line_stopped
 *   sightline_process_resident_memory_bytes                   VmRSS from /proc/self/status
 *   sightline_javacpp_total_bytes, sightline_javacpp_physical_bytes   JavaCPP's Pointer.totalBytes(), physicalBytes()
 *   jvm_*, process_*, system_*                                Micrometer's JVM, GC, thread, processor and uptime binders
 * </pre>
 */
public final class StationMetrics implements AutoCloseable {
    /** The Prometheus text format's content type ({@link #scrape()}). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Latency buckets, 50 µs to 10 s: a frame's preprocessing is ~0.1 ms, a part's decision tens of ms. */
    static final double[] LATENCY_BUCKETS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** How long one reading of the station's lists (sources, trend) serves the meters of one scrape. */
    private static final long MEMO_NANOS = 100_000_000L;

    private final Station station;
    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final List<Meter> meters = new ArrayList<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final MultiCollector histograms;
    private final double[] batchBuckets;
    private final Memo<List<SourceStats>> sources;
    private final List<Memo<List<StationTelemetry.TrendSeries>>> trends = new ArrayList<>();
    private final List<Memo<List<StationTelemetry.ClassSeries>>> classTrends = new ArrayList<>();

    /** Binds the station's metrics to a registry of its own. */
    public StationMetrics(Station station) {
        this(station, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    }

    /** Binds the station's metrics to {@code registry} (which the caller closes). */
    public StationMetrics(Station station, PrometheusMeterRegistry registry) {
        this(station, registry, false);
    }

    private StationMetrics(Station station, PrometheusMeterRegistry registry, boolean ownsRegistry) {
        if (station == null) throw new IllegalArgumentException("station metrics need a station");
        this.station = station;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        StationTelemetry t = station.telemetry();
        this.sources = new Memo<>(station::sourceStats);
        for (int line = 0; line < t.lines(); line++) {
            int l = line;
            trends.add(new Memo<>(() -> t.trend(l)));
            classTrends.add(new Memo<>(() -> t.classTrend(l)));
        }
        this.batchBuckets = batchBuckets(station.config().maxBatch());
        bindCounters(t);
        bindShadow(t);
        bindReview();
        bindCameras(t);
        bindStation(t);
        bindTrend(t);
        bindMemory();
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.histograms = this::collectHistograms;
        registry.getPrometheusRegistry().register(histograms);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every metric in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    private void bindCounters(StationTelemetry t) {
        LineCounters c = station.lineCounters();
        for (int line = 0; line < t.lines(); line++) {
            int l = line;
            String label = Integer.toString(line);
            counter("sightline.parts.captured", "Parts that entered the station (each ends in exactly one outcome)",
                    c, x -> x.capturedCount(l), "line", label);
            for (Outcome o : Outcome.values()) {
                counter("sightline.outcomes", "Outcomes: decision pass, reject (defect) or failsafe, and the reason", c,
                        x -> x.count(l, o), "line", label, "decision", o.decision(), "reason", o.reason());
            }
            gauge("sightline.parts.in.flight", "Parts captured without an outcome yet", c, x -> {
                long decided = 0;
                for (Outcome o : Outcome.values()) decided += x.count(l, o);
                return x.capturedCount(l) - decided;
            }, null, "line", label);
        }
    }

    /** A shadow run's figures (see {@code ShadowRun}): NaN and 0 while none runs; each run starts from 0. */
    private void bindShadow(StationTelemetry t) {
        Memo<io.sightline.station.models.ShadowRun.Figures> shadow = new Memo<>(() -> station.models().shadow());
        for (String result : List.of("scored", "skipped")) {
            gauge("sightline.shadow.frames", "Frames sampled for the shadow model this run: scored, or skipped (it gave way to the line)",
                    shadow, m -> m.get() == null ? 0 : result.equals("scored") ? m.get().framesScored() : m.get().framesSkipped(), null,
                    "result", result);
        }
        for (int line = 0; line < t.lines(); line++) {
            int l = line;
            gauge("sightline.shadow.agreement", "Share of the shadow-scored parts the candidate decided as the live model did",
                    shadow, m -> m.get() == null ? Double.NaN : m.get().lines().get(l).agreement(), null, "line", Integer.toString(line));
            for (String liveDecision : List.of("pass", "reject")) {
                for (String candidate : List.of("pass", "reject")) {
                    gauge("sightline.shadow.decisions", "Shadow-scored parts by the live model's and the candidate's decision, each at its threshold",
                            shadow, m -> {
                                if (m.get() == null) return 0;
                                var f = m.get().lines().get(l);
                                return liveDecision.equals("pass") ? (candidate.equals("pass") ? f.livePassCandidatePass() : f.livePassCandidateReject())
                                        : (candidate.equals("pass") ? f.liveRejectCandidatePass() : f.liveRejectCandidateReject());
                            }, null, "line", Integer.toString(line), "live", liveDecision, "candidate", candidate);
                }
            }
        }
    }

    /** The review queue's figures (see {@code ReviewQueue}), when the station has one. */
    private void bindReview() {
        io.sightline.station.review.ReviewQueue q = station.review();
        if (q == null) return;
        counter("sightline.review.parts", "Parts offered to the review queue, by what became of them", q, x -> x.saved(), "result", "kept");
        counter("sightline.review.parts", "Parts offered to the review queue, by what became of them", q, x -> x.rateLimited(), "result",
                "rate-limited");
        counter("sightline.review.parts", "Parts offered to the review queue, by what became of them", q, x -> x.full(), "result", "full");
        counter("sightline.review.parts", "Parts offered to the review queue, by what became of them", q, x -> x.busy(), "result", "busy");
        gauge("sightline.review.bytes", "Bytes in the review folder, as the queue counts them against its limit", q, x -> x.bytes(), null);
        for (int line = 0; line < q.lineNames().size(); line++) {
            int l = line;
            String name = q.lineNames().get(line);
            gauge("sightline.review.waiting", "Parts waiting in the line's review folder to be sorted (read at most every 10 s)", q,
                    x -> waitingParts(x, name), null, "line", Integer.toString(line));
            counter("sightline.review.kept", "Parts the review queue kept for the line since the start", q, x -> x.saved(l),
                    "line", Integer.toString(line));
        }
    }

    private static double waitingParts(io.sightline.station.review.ReviewQueue q, String line) {
        try {
            for (var x : q.waiting().lines()) if (x.name().equals(line)) return x.parts();
            return 0;
        } catch (java.io.UncheckedIOException e) {
            return Double.NaN;
        }
    }

    private void bindCameras(StationTelemetry t) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < t.cameras(); i++) {
            int cam = i;
            String name = t.cameraView(i) == null ? t.cameraName(i) : t.cameraName(i) + "/" + t.cameraView(i);
            if (!seen.add(name)) name = name + "#" + i; // two cameras with one name stay two series
            String[] tags = {"line", Integer.toString(t.cameraLine(i)), "camera", name};
            counter("sightline.camera.frames", "Frames the camera delivered for new parts", sources, m -> m.get().get(cam).frames(), tags);
            counter("sightline.camera.unreadable", "Frames the camera could not deliver readably (fail-safe rejects)", sources,
                    m -> m.get().get(cam).unreadable(), tags);
            counter("sightline.camera.missed", "Parts whose ids the camera skipped (fail-safe rejects)", sources,
                    m -> m.get().get(cam).missed(), tags);
            counter("sightline.camera.repeated", "Frames repeating a part id, not inspected again", sources,
                    m -> m.get().get(cam).repeated(), tags);
            counter("sightline.camera.skipped", "Frames the source dropped to stay on the newest", sources,
                    m -> m.get().get(cam).skipped(), tags);
            counter("sightline.camera.reconnects", "Times the source was lost and re-opened", sources,
                    m -> m.get().get(cam).reconnects(), tags);
            gauge("sightline.camera.connected", "1 while the source is connected", sources,
                    m -> m.get().get(cam).connected() ? 1 : 0, null, tags);
        }
    }

    private void bindStation(StationTelemetry t) {
        gauge("sightline.ring.occupancy", "Ring slots holding a frame on its way to the decision", t,
                StationTelemetry::ringOccupancy, null);
        gauge("sightline.ring.size", "Ring slots", t, StationTelemetry::ringSize, null);
        gauge("sightline.sink.up", "1 while the reject sink reaches its destination", t, x -> x.sinkHealth().up() ? 1 : 0, null);
        gauge("sightline.sink.buffered", "Signals the sink holds for delivery", t, x -> x.sinkHealth().buffered(), null);
        counter("sightline.sink.dropped", "Signals the sink lost because its buffer was full", t, x -> x.sinkHealth().dropped());
        counter("sightline.sink.failures", "Sink calls that threw (the outcome was still recorded)", station,
                s -> s.snapshot().sinkFailures());
        counter("sightline.handler.errors", "Exceptions the ring's handlers threw (their frames ended fail-safe)", station,
                Station::handlerErrors);
        counter("sightline.watchdog.expired", "Frames the deadline watchdog rejected at their deadline", station,
                Station::expiredByWatchdog);
        gauge("sightline.line.stopped", "1 once the station stopped the line by itself (the journal failed)", station,
                s -> s.lineStopReason() == null ? 0 : 1, null);
        counter("sightline.reject.images.saved", "Rejected parts' images saved", station, Station::rejectImagesSaved);
        counter("sightline.reject.images.skipped", "Rejected parts' images skipped because the writer was behind", station,
                Station::rejectImagesSkipped);
    }

    private void bindTrend(StationTelemetry t) {
        List<String> detectors = t.trendDetectors();
        for (int line = 0; line < t.lines(); line++) {
            Memo<List<StationTelemetry.TrendSeries>> memo = trends.get(line);
            List<StationTelemetry.TrendSeries> now = t.trend(line);
            for (int d = 0; d < detectors.size(); d++) {
                int det = d;
                // lines with their own trend model: several "lstm" trackers, one of them watching the line
                if (!now.get(d).watched() && detectors.indexOf(detectors.get(d)) != detectors.lastIndexOf(detectors.get(d))) continue;
                String[] tags = {"line", Integer.toString(line), "detector", detectors.get(d)};
                if (now.get(d).forecast() != null) {
                    gauge("sightline.trend.forecast.lower", "Lower end of the interval around the LSTM's expected reject rate"
                            + " (its statistic) over the next parts", memo, m -> m.get().get(det).forecast().lower(), null, tags);
                    gauge("sightline.trend.forecast.upper", "Upper end of the interval around the LSTM's expected reject rate", memo,
                            m -> m.get().get(det).forecast().upper(), null, tags);
                }
                gauge("sightline.trend.statistic", "The trend detector's statistic (NaN while it learns the baseline)", memo,
                        m -> m.get().get(det).statistic(), null, tags);
                gauge("sightline.trend.limit", "The limit the statistic is compared with", memo, m -> m.get().get(det).limit(), null, tags);
                gauge("sightline.trend.alarm", "1 while the detector's alarm is raised on the line", memo,
                        m -> m.get().get(det).alarmed() ? 1 : 0, null, tags);
                counter("sightline.trend.alarms", "Alarms the detector raised on the line", memo, m -> m.get().get(det).alarmsRaised(), tags);
            }
            Memo<List<StationTelemetry.ClassSeries>> classMemo = classTrends.get(line);
            List<String> classes = t.trendClasses();
            for (int c = 0; c < classes.size(); c++) {
                int k = c;
                String[] tags = {"line", Integer.toString(line), "detector", classMemo.get().get(c).detector(), "class", classes.get(c)};
                gauge("sightline.trend.class.statistic", "The defect class's rate CUSUM on the line (NaN while it learns the baseline)",
                        classMemo, m -> m.get().get(k).statistic(), null, tags);
                gauge("sightline.trend.class.limit", "The limit the class's statistic is compared with", classMemo,
                        m -> m.get().get(k).limit(), null, tags);
                gauge("sightline.trend.class.alarm", "1 while the class's rate alarm is raised on the line", classMemo,
                        m -> m.get().get(k).alarmed() ? 1 : 0, null, tags);
                counter("sightline.trend.class.alarms", "Alarms the class's rate raised on the line", classMemo,
                        m -> m.get().get(k).alarmsRaised(), tags);
                gauge("sightline.trend.class.forecast", "The defect class's expected reject rate over the next parts on the line",
                        classMemo, m -> m.get().get(k).expectedRate(), null, tags);
                gauge("sightline.trend.class.forecast.lower", "The lower end of the class forecast's interval", classMemo,
                        m -> m.get().get(k).forecast().lower(), null, tags);
                gauge("sightline.trend.class.forecast.upper", "The upper end of the class forecast's interval", classMemo,
                        m -> m.get().get(k).forecast().upper(), null, tags);
            }
        }
    }

    private void bindMemory() {
        gauge("sightline.process.resident.memory", "Resident set size of the process (VmRSS), heap and native together", this,
                m -> residentBytes(), BaseUnits.BYTES);
        gauge("sightline.javacpp.total", "Native memory JavaCPP allocated and tracks (Pointer.totalBytes)", this,
                m -> javacpp(false), BaseUnits.BYTES);
        gauge("sightline.javacpp.physical", "Physical memory of the process as JavaCPP measures it (Pointer.physicalBytes)", this,
                m -> javacpp(true), BaseUnits.BYTES);
    }

    /** VmRSS of this process in bytes, NaN where /proc is not there. */
    static double residentBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (l.startsWith("VmRSS:")) {
                    String[] parts = l.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static double javacpp(boolean physical) {
        try {
            return physical ? org.bytedeco.javacpp.Pointer.physicalBytes() : org.bytedeco.javacpp.Pointer.totalBytes();
        } catch (LinkageError e) {
            return Double.NaN; // JavaCPP's own native library could not be loaded
        }
    }

    private MetricSnapshots collectHistograms() {
        StationTelemetry t = station.telemetry();
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("sightline_stage_latency_seconds")
                .help("Stage times: preprocess (one frame), inference (one batch), capture_to_decision (one part)");
        for (StationTelemetry.Stage s : StationTelemetry.Stage.values()) {
            latency.dataPoint(point(t.latencySeconds(s, LATENCY_BUCKETS_SECONDS), Labels.of("stage", s.label())));
        }
        HistogramSnapshot batches = HistogramSnapshot.builder().name("sightline_inference_batch_size")
                .help("Frames per inference batch").dataPoint(point(t.batchSizes(batchBuckets), Labels.EMPTY)).build();
        return MetricSnapshots.of(latency.build(), batches);
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot point(StationTelemetry.Buckets b, Labels labels) {
        double[] bounds = new double[b.upperBounds().length + 1];
        System.arraycopy(b.upperBounds(), 0, bounds, 0, b.upperBounds().length);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, b.counts())).sum(b.sum()).labels(labels).build();
    }

    /** 1, 2, 4, ... up to the station's largest batch, and the largest itself. */
    static double[] batchBuckets(int maxBatch) {
        List<Double> b = new ArrayList<>();
        for (int s = 1; s < maxBatch; s *= 2) b.add((double) s);
        b.add((double) maxBatch);
        return b.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private <T> void counter(String name, String help, T obj, ToDoubleFunction<T> f, String... tags) {
        meters.add(FunctionCounter.builder(name, obj, f).description(help).tags(tags).register(registry));
    }

    private <T> void gauge(String name, String help, T obj, ToDoubleFunction<T> f, String unit, String... tags) {
        meters.add(Gauge.builder(name, obj, f).description(help).baseUnit(unit).tags(tags).strongReference(true).register(registry));
    }

    /** Unbinds the station's meters (and closes the registry when it is this object's own). */
    @Override
    public void close() {
        registry.getPrometheusRegistry().unregister(histograms);
        for (Meter m : meters) registry.remove(m);
        gc.close();
        if (ownsRegistry) registry.close();
    }

    /** One reading of a list that a whole scrape's meters share, taken again after {@link #MEMO_NANOS}. */
    static final class Memo<T> {
        private final Supplier<T> supplier;
        private T value;
        private long takenNanos;

        Memo(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        synchronized T get() {
            long now = System.nanoTime();
            if (value == null || now - takenNanos > MEMO_NANOS) {
                value = supplier.get();
                takenNanos = now;
            }
            return value;
        }
    }
}
