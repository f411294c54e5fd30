package io.sightline.station.telemetry;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.trend.ClassRateTracker;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.outcome.TrendHistory;
import io.sightline.station.outcome.TrendStage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * What a running station shows the outside beyond its counters, read by the metrics and the
 * dashboard ({@code io.sightline.station.web}) from any thread, at the moment they ask:
 *
 * <pre>
 *   inspection workers ──preprocess / batch times, batch sizes──▶ StageTimes (single-writer recorders)
 *   decision thread ─────each camera's latest frame, ≤ 4/s───────▶ LatestFrames (seqlock, preallocated)
 *                   ─────trend statistics, ≤ 4/s per line────────▶ TrendHistory (ring of samples)
 *   outcome recorder ────capture-to-decision latency─────────────▶ its HdrHistogram recorder
 *   ring, reject sink ───occupancy, health: read when asked
 * </pre>
 *
 * <p>The station's threads write these without allocating, waiting or locking; everything that
 * costs (copies, histograms' buckets, the image) is paid by the reader.
 */
public final class StationTelemetry {
    /** The stages whose times are histograms. */
    public enum Stage {
        /** ROI, resize and normalise of one frame (undistortion included when configured). */
        PREPROCESS("preprocess"),
        /** One {@code session.run} of a whole batch. */
        INFERENCE("inference"),
        /** From the part's (scheduled) capture to its recorded outcome; ring-full rejects are not in it. */
        CAPTURE_TO_DECISION("capture_to_decision");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        /** The name in metrics labels and JSON. */
        public String label() {
            return label;
        }
    }

    /**
     * A histogram in fixed buckets.
     *
     * @param upperBounds the buckets' upper bounds, ascending
     * @param counts values per bucket, not cumulative: {@code counts[i]} in (upperBounds[i-1], upperBounds[i]],
     *               and one more at the end for the values above the last bound
     * @param count every value
     * @param sum the values' sum (from HdrHistogram's mean: within 1%)
     */
    public record Buckets(double[] upperBounds, long[] counts, long count, double sum) {}

    /**
     * A camera's latest decided frame (8-bit gray, {@code width * height} bytes, or 8-bit BGR from a colour camera,
     * {@code width * height * 3}; row by row).
     *
     * @param view the view's name on a line with several cameras, else null
     * @param pixels null unless asked for
     * @param roi the line's region of interest {x, y, width, height} in frame pixels
     * @param defectBox where the model saw the defect {x, y, width, height} in frame pixels: for a
     *                  defect reject by a model with a defect map, else null
     * @param outcome the frame's outcome (on a line with several views: the view's)
     * @param score its defect score, NaN when it was never scored
     * @param ageSeconds how long ago it was decided
     * @param version goes up with every new frame of the camera
     */
    public record Frame(int camera, int line, String view, String name, int width, int height, byte[] pixels, int[] roi,
                        int[] defectBox, long partId, Outcome outcome, float score, double ageSeconds, long version) {
        /** 3 when {@code pixels} are BGR (a colour camera), 1 when gray or not copied. */
        public int channels() {
            return pixels != null && pixels.length == 3 * width * height ? 3 : 1;
        }
    }

    /** An alarm raised or cleared, {@code secondsAgo} before the read. */
    public record AlarmMarker(double secondsAgo, long partIndex, double value, double limit, boolean raised, String rule) {}

    /**
     * One detector on one line: its current state and its recent course.
     *
     * @param watched false when the detector does not watch this line (then everything is NaN)
     * @param statistic the latest sampled statistic (NaN while the baseline is being learnt)
     * @param secondsAgo per sample, how long before the read it was taken (oldest first)
     * @param alarms the line's recent alarms of this detector, oldest first
     * @param forecast the LSTM's interval (its statistic is the expected rate): latest ends, level,
     *                 horizon and per sample; null for the charts
     */
    public record TrendSeries(String detector, boolean watched, double statistic, double limit, boolean alarmed,
                              long alarmsRaised, double[] secondsAgo, long[] partIndex, double[] values, double[] limits,
                              List<AlarmMarker> alarms, Band forecast) {}

    /**
     * The rate of one defect class on one line ({@link io.sightline.postprocess.trend.ClassRateTracker}).
     *
     * @param statistic the class's rate CUSUM at the latest sample (NaN while the baseline is being learnt)
     * @param baselineRate the class's in-control reject rate the baseline gave (NaN before)
     * @param values per sample, the statistic (oldest first, at {@code secondsAgo})
     * @param expectedRate the class's expected reject rate over the forecast's horizon (NaN before the baseline's end)
     * @param forecast its interval now ({@code lowers}/{@code uppers} empty: not sampled), the
     *                 horizon, and {@code limitRate} the rate the class's chart is tuned to catch
     */
    public record ClassSeries(String defectClass, String detector, double statistic, double limit, boolean alarmed,
                              long alarmsRaised, double baselineRate, double[] secondsAgo, double[] values, double expectedRate,
                              Band forecast, double limitRate) {}

    /** The interval around a forecaster's expected rate, now and per sample. */
    public record Band(double lower, double upper, double level, int horizonParts, double[] lowers, double[] uppers) {}

    private final float configuredThreshold;
    private final int ringSize;
    private final LongSupplier ringRemaining;
    private final StageTimes stageTimes;
    private final OutcomeRecorder recorder;
    private final TrendStage trend;
    private final LatestFrames frames;
    private final RejectSink sink;
    private final List<PreprocessSpec> lines;
    private final String[] cameraNames;
    private final String[][] viewNames;

    /**
     * @param ringSize the ring's slots
     * @param ringRemaining the ring's free slots now (read from any thread)
     * @param lines each line's preprocessing (its ROI)
     */
    public StationTelemetry(float configuredThreshold, int ringSize, LongSupplier ringRemaining, StageTimes stageTimes,
                            OutcomeRecorder recorder, TrendStage trend, LatestFrames frames, RejectSink sink,
                            List<PreprocessSpec> lines, String[] cameraNames, String[][] viewNames) {
        this.configuredThreshold = configuredThreshold;
        this.ringSize = ringSize;
        this.ringRemaining = ringRemaining;
        this.stageTimes = stageTimes;
        this.recorder = recorder;
        this.trend = trend;
        this.frames = frames;
        this.sink = sink;
        this.lines = lines;
        this.cameraNames = cameraNames.clone();
        this.viewNames = viewNames;
    }

    public int lines() {
        return lines.size();
    }

    /** Cameras in line order, a line's views in their order (as {@code Station.sourceStats()}). */
    public int cameras() {
        return frames.cameras();
    }

    public int cameraLine(int camera) {
        return frames.line(camera);
    }

    /** The camera's view name on a line with several cameras, else null. */
    public String cameraView(int camera) {
        String[] names = viewNames[frames.line(camera)];
        return names == null ? null : names[frames.view(camera)];
    }

    /** The camera's source name. */
    public String cameraName(int camera) {
        return cameraNames[camera];
    }

    /** The line's region of interest {x, y, width, height} in frame pixels. */
    public int[] roi(int line) {
        PreprocessSpec s = lines.get(line);
        return new int[] {s.roiX(), s.roiY(), s.roiWidth(), s.roiHeight()};
    }

    /** The threshold the station was configured with (a threshold control may have changed it since). */
    public float configuredThreshold() {
        return configuredThreshold;
    }

    public int ringSize() {
        return ringSize;
    }

    /** Ring slots holding a frame not yet through the decision (size minus remaining capacity). */
    public long ringOccupancy() {
        return ringSize - ringRemaining.getAsLong();
    }

    /** The reject sink's health; a sink whose health check throws is reported down with the error. */
    public SinkHealth sinkHealth() {
        try {
            return sink.health();
        } catch (RuntimeException e) {
            return new SinkHealth(false, 0, 0, "health check failed: " + e);
        }
    }

    /** The stage's times since start in {@code upperBoundsSeconds} buckets. */
    public Buckets latencySeconds(Stage stage, double[] upperBoundsSeconds) {
        return switch (stage) {
            case PREPROCESS, INFERENCE -> {
                synchronized (stageTimes) {
                    yield buckets(stageTimes.total(stage == Stage.PREPROCESS ? StageTimes.Kind.PREPROCESS : StageTimes.Kind.INFERENCE),
                            upperBoundsSeconds, 1e-9);
                }
            }
            case CAPTURE_TO_DECISION -> buckets(recorder.totalLatency(), upperBoundsSeconds, 1e-6);
        };
    }

    /** Inference batches since start by size, in {@code upperBounds} buckets. */
    public Buckets batchSizes(double[] upperBounds) {
        synchronized (stageTimes) {
            return buckets(stageTimes.total(StageTimes.Kind.BATCH), upperBounds, 1);
        }
    }

    private static Buckets buckets(Histogram h, double[] bounds, double unit) {
        long[] counts = new long[bounds.length + 1];
        long total = h.getTotalCount();
        long previous = 0;
        for (int i = 0; i < bounds.length; i++) {
            long bound = (long) Math.min(Math.floor(bounds[i] / unit + 1e-9), h.getHighestTrackableValue());
            long cumulative = bound < 0 ? 0 : Math.min(total, h.getCountBetweenValues(0, bound));
            counts[i] = Math.max(0, cumulative - previous);
            previous = Math.max(previous, cumulative);
        }
        counts[bounds.length] = total - previous;
        return new Buckets(bounds.clone(), counts, total, total == 0 ? 0 : h.getMean() * total * unit);
    }

    /**
     * The camera's latest decided frame, or null when none was decided yet.
     *
     * @param withPixels whether to copy its pixels too (a frame's worth of heap)
     */
    public Frame latestFrame(int camera, boolean withPixels) {
        if (camera < 0 || camera >= cameras()) {
            throw new IllegalArgumentException("camera " + camera + ": expected 0 to " + (cameras() - 1));
        }
        LatestFrames.Copy c = frames.read(camera, withPixels);
        if (c == null) return null;
        return new Frame(camera, c.line(), cameraView(camera), cameraNames[camera], c.width(), c.height(), c.pixels(), roi(c.line()),
                c.defectBox(), c.partId(), c.outcome(), c.score(), Math.max(0, (System.nanoTime() - c.decidedNanos()) / 1e9), c.version());
    }

    /** The trend detectors' names, in the station's order. */
    public List<String> trendDetectors() {
        List<String> names = new ArrayList<>();
        for (TrendTracker t : trend.trackers()) names.add(t.name());
        return names;
    }

    /** The defect classes whose rates each line tracks; none for a binary or anomaly model, or with no trend tracker. */
    public List<String> trendClasses() {
        return trend.classTracker() == null ? List.of() : trend.classTracker().classes();
    }

    /** Each defect class's rate on the line, in {@link #trendClasses()} order. */
    public List<ClassSeries> classTrend(int line) {
        if (line < 0 || line >= lines()) throw new IllegalArgumentException("line " + line + ": expected 0 to " + (lines() - 1));
        var classes = trend.classTracker();
        if (classes == null) return List.of();
        TrendHistory.Samples s = trend.history().read(line);
        long now = System.nanoTime();
        double[] ago = new double[s.size()];
        for (int i = 0; i < ago.length; i++) ago[i] = (now - s.timeNanos()[i]) / 1e9;
        int first = trend.trackers().size();
        int last = s.size() - 1;
        List<ClassSeries> out = new ArrayList<>();
        for (int c = 0; c < classes.classes().size(); c++) {
            int col = first + c;
            out.add(new ClassSeries(classes.classes().get(c), classes.name(), last < 0 ? Double.NaN : s.value()[col][last],
                    last < 0 ? Double.NaN : s.limit()[col][last], last >= 0 && s.alarmed()[col][last], trend.raisedClassAlarms(c, line),
                    classes.baselineRate(line, c), ago, s.value()[col], classes.forecastRate(line, c),
                    new Band(classes.forecastLower(line, c), classes.forecastUpper(line, c), ClassRateTracker.FORECAST_LEVEL,
                            ClassRateTracker.FORECAST_HORIZON, new double[0], new double[0]), classes.limitRate(line, c)));
        }
        return out;
    }

    /** Each detector's state and recent course on the line, in {@link #trendDetectors()} order. */
    public List<TrendSeries> trend(int line) {
        if (line < 0 || line >= lines()) throw new IllegalArgumentException("line " + line + ": expected 0 to " + (lines() - 1));
        List<TrendTracker> trackers = trend.trackers();
        if (trackers.isEmpty()) return List.of();
        TrendHistory.Samples s = trend.history().read(line);
        List<TrendAlarm> recent = trend.recentAlarms();
        long now = System.nanoTime();
        double[] ago = new double[s.size()];
        for (int i = 0; i < ago.length; i++) ago[i] = (now - s.timeNanos()[i]) / 1e9;
        List<TrendSeries> out = new ArrayList<>();
        for (int t = 0; t < trackers.size(); t++) {
            String name = trackers.get(t).name();
            List<AlarmMarker> markers = new ArrayList<>();
            for (TrendAlarm a : recent) {
                if (a.line() == line && a.detector().equals(name)) {
                    markers.add(new AlarmMarker((now - a.timeNanos()) / 1e9, a.partIndex(), a.value(), a.limit(), a.raised(), a.rule()));
                }
            }
            int last = s.size() - 1;
            Band band = trackers.get(t) instanceof LstmTrendTracker l
                    ? new Band(last < 0 ? Double.NaN : s.lower()[t][last], last < 0 ? Double.NaN : s.upper()[t][last], l.interval().level(),
                            l.interval().horizonParts(), s.lower()[t], s.upper()[t])
                    : null;
            out.add(new TrendSeries(name, trend.watches(t, line), last < 0 ? Double.NaN : s.value()[t][last],
                    last < 0 ? Double.NaN : s.limit()[t][last], last >= 0 && s.alarmed()[t][last], trend.raisedAlarms(t, line), ago,
                    s.partIndex(), s.value()[t], s.limit()[t], markers, band));
        }
        return out;
    }
}
