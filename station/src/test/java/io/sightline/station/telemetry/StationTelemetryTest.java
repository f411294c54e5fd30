package io.sightline.station.telemetry;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.management.ThreadMXBean;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.Station;
import io.sightline.station.StationAttachments;
import io.sightline.station.StationConfig;
import io.sightline.station.StationTest;
import io.sightline.station.outcome.TrendHistory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the station shows the metrics and the dashboard: written by the station's threads without
 * allocating, read consistently by others while they write, and matching the station's own figures.
 */
class StationTelemetryTest {
    static ModelPackage model;

    @BeforeAll
    static void loadModel() {
        Path dir = Path.of(System.getProperty("sightline.home", ".")).resolve("models/default");
        assertTrue(Files.isDirectory(dir), "the default model package must be committed at " + dir);
        model = ModelPackage.load(dir);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A tracker whose statistic is the part index it was last fed, its limit the same + 0.5. */
    static final class EchoTracker implements TrendTracker {
        final double[] last;

        EchoTracker(int lines) {
            last = new double[lines];
        }

        public String name() {
            return "echo";
        }

        public int lines() {
            return last.length;
        }

        public void update(int line, long partIndex, long timeNanos, float defectScore, boolean rejected) {
            last[line] = partIndex;
        }

        public boolean alarmed(int line) {
            return ((long) last[line] & 1) == 1;
        }

        public long invalidScores(int line) {
            return 0;
        }

        public double statistic(int line) {
            return last[line];
        }

        public double limit(int line) {
            return last[line] + 0.5;
        }

        public void setListener(Listener listener) {
        }

        public double sensitivity() {
            return 1;
        }

        public void setSensitivity(double value) {
        }

        public void restartLine(int line) {
        }

        public void reset() {
        }
    }

    @Test
    void stageTimesTrendSamplesAndFrameCopiesAllocateNothingOnTheWritingThread() {
        Natives.opencv();
        StageTimes times = new StageTimes(1, 16);
        StageTimes.Worker w = times.worker(0);
        EchoTracker echo = new EchoTracker(1);
        List<TrendTracker> trackers = List.of(echo);
        boolean[][] watches = {{true}};
        TrendHistory history = new TrendHistory(1, 1, 64, 0);
        PreprocessSpec spec = new PreprocessSpec(0, 0, 64, 64, 32, 32, 0f, 1f);
        try (NativeBuffer pixels = NativeBuffer.allocate(64 * 64);
             LatestFrames frames = new LatestFrames(new int[] {1}, new int[] {64}, new int[] {64}, 0)) {
            for (int i = 0; i < 20_000; i++) cycle(w, echo, trackers, watches, history, frames, pixels, i);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 20_000; i < 120_000; i++) cycle(w, echo, trackers, watches, history, frames, pixels, i);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 1024, "100,000 recordings, samples and frame copies allocated " + allocated + " bytes");
            synchronized (times) {
                assertEquals(120_000, times.total(StageTimes.Kind.PREPROCESS).getTotalCount());
                assertEquals(120_000, times.total(StageTimes.Kind.BATCH).getTotalCount());
                assertEquals(16, times.total(StageTimes.Kind.BATCH).getMaxValue());
            }
            assertEquals(63, history.read(0).size(), "the ring of 64 shows 63 samples: the 64th slot is the next to be written");
            assertEquals(119_999, history.read(0).partIndex()[62]);
            assertEquals(119_999, frames.read(0, false).partId());
        }
    }

    private static void cycle(StageTimes.Worker w, EchoTracker echo, List<TrendTracker> trackers, boolean[][] watches,
                              TrendHistory history, LatestFrames frames, NativeBuffer pixels, int i) {
        w.preprocessed(1_000 + i);
        w.inferred(100_000 + i, 1 + i % 16);
        echo.update(0, i, i, 0.1f, false);
        history.maybeSample(0, i, i, trackers, watches);
        frames.offer(0, 0, pixels, i, Outcome.PASS, Float.NaN, 0, 0, 0, 0, i);
    }

    @Test
    void readersNeverSeeAHalfWrittenSampleOrFrame() throws Exception {
        Natives.opencv();
        EchoTracker echo = new EchoTracker(1);
        List<TrendTracker> trackers = List.of(echo);
        boolean[][] watches = {{true}};
        TrendHistory history = new TrendHistory(1, 1, 16, 0);
        PreprocessSpec spec = new PreprocessSpec(0, 0, 64, 64, 32, 32, 0f, 1f);
        try (NativeBuffer pixels = NativeBuffer.allocate(256 * 256);
             LatestFrames frames = new LatestFrames(new int[] {1}, new int[] {256}, new int[] {256}, 0)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (long i = 0; !stop.get(); i++) {
                    echo.update(0, i, i, 0.1f, false);
                    history.maybeSample(0, i, i, trackers, watches);
                    Pointer.memset(pixels.bytes(), (int) (i & 0xff), 256 * 256);
                    frames.offer(0, 0, pixels, i, Outcome.PASS, Float.NaN, 0, 0, 0, 0, i);
                }
            });
            writer.start();
            int framesRead = 0;
            int samplesRead = 0;
            try {
                for (int r = 0; r < 3_000; r++) {
                    TrendHistory.Samples s = history.read(0);
                    for (int k = 0; k < s.size(); k++) {
                        long part = s.partIndex()[k];
                        assertEquals(part, s.timeNanos()[k], "a sample's fields come from one write");
                        assertEquals(part, s.value()[0][k]);
                        assertEquals(part + 0.5, s.limit()[0][k]);
                        assertEquals((part & 1) == 1, s.alarmed()[0][k]);
                        if (k > 0) assertEquals(s.partIndex()[k - 1] + 1, part, "samples are consecutive, oldest first");
                    }
                    samplesRead += s.size();
                    LatestFrames.Copy c = frames.read(0, true);
                    if (c == null) continue;
                    byte expected = (byte) (c.partId() & 0xff);
                    for (int p = 0; p < c.pixels().length; p += 97) {
                        assertEquals(expected, c.pixels()[p], "pixel " + p + " of part " + c.partId() + " is from another frame");
                    }
                    framesRead++;
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertTrue(framesRead > 0 && samplesRead > 0, "the reader got frames (" + framesRead + ") and samples (" + samplesRead + ")");
        }
    }

    @Test
    void aRunsTelemetryMatchesItsFigures() throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withFps(100).withMaxFramesPerLine(120)
                .withRejectDelayMillis(5_000);
        List<FrameSource> sources = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sources.add(new SyntheticPartCamera("tele-" + i, new SyntheticPartCamera.Options(640, 512, 0.3, 40 + i, 8)));
        }
        CusumChart cusum = new CusumChart(2, 20, 0.5, 8);
        try (Station station = Station.create(config, model, sources,
                StationAttachments.of(new StationTest.CountingSink()).withTrend(List.of(cusum), null))) {
            StationTelemetry t = station.telemetry();
            assertNull(t.latestFrame(0, false), "no frame before the start");
            station.start();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(30));
            long scored = s.passed() + s.rejected();
            double[] bounds = {0.001, 0.01, 0.1, 1};
            StationTelemetry.Buckets pre = t.latencySeconds(StationTelemetry.Stage.PREPROCESS, bounds);
            assertEquals(scored, pre.count(), "every scored frame was preprocessed once");
            assertEquals(pre.count(), java.util.Arrays.stream(pre.counts()).sum(), "the buckets hold every value");
            StationTelemetry.Buckets batches = t.batchSizes(new double[] {1, 2, 4, 8, 16});
            StationTelemetry.Buckets inference = t.latencySeconds(StationTelemetry.Stage.INFERENCE, bounds);
            assertEquals(batches.count(), inference.count(), "one inference time per batch");
            assertEquals(scored, Math.round(batches.sum()), "the batches' sizes add up to the frames inferred");
            assertEquals(s.meanBatch(), batches.sum() / batches.count(), 1e-9);
            StationTelemetry.Buckets decision = t.latencySeconds(StationTelemetry.Stage.CAPTURE_TO_DECISION, bounds);
            assertEquals(s.captured() - s.failSafeByReason().get(Outcome.FAILSAFE_RING_FULL.reason()), decision.count());
            assertEquals(0, t.ringOccupancy(), "a drained ring holds nothing");
            assertEquals(config.ringSize(), t.ringSize());
            assertTrue(t.sinkHealth().up());
            for (int c = 0; c < t.cameras(); c++) {
                StationTelemetry.Frame f = t.latestFrame(c, true);
                assertNotNull(f, "camera " + c + " has its latest frame");
                assertEquals(c, f.line());
                assertEquals("tele-" + c, f.name());
                assertEquals(640 * 512, f.pixels().length);
                assertTrue(f.partId() >= 0 && f.partId() < 120, "part " + f.partId());
                assertTrue(f.outcome() == Outcome.PASS || f.outcome() == Outcome.REJECT_DEFECT, f.outcome().toString());
                assertArrayEquals(t.roi(c), f.roi());
            }
            assertThrows(IllegalArgumentException.class, () -> t.latestFrame(2, false), "two cameras: 0 and 1");
            assertEquals(List.of("cusum"), t.trendDetectors());
            for (int line = 0; line < 2; line++) {
                StationTelemetry.TrendSeries series = t.trend(line).get(0);
                assertTrue(series.watched());
                assertTrue(series.values().length > 1, "line " + line + " was sampled");
                assertTrue(Double.isFinite(series.statistic()), "past the baseline the statistic is a number: " + series.statistic());
                assertEquals(cusum.limit(line), series.limit(), 1e-12, "the baseline of 20 parts is long done");
                for (int k = 1; k < series.secondsAgo().length; k++) {
                    assertTrue(series.secondsAgo()[k] <= series.secondsAgo()[k - 1], "oldest first");
                }
            }
        }
    }
}
