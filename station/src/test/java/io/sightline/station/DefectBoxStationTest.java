package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.outcome.RejectImages;
import io.sightline.station.outcome.RejectImagesTest;
import io.sightline.station.ring.LineSetup;
import io.sightline.station.telemetry.StationStats;
import io.sightline.station.telemetry.StationTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect maps through the whole station on the real libraries: model packages with a map (made by
 * {@link InspectionCnn#exportPackage}, a supervised one and an anomaly one) in TensorFlow, synthetic
 * cameras, the ring, a real SQLite journal and real reject images.
 *
 * <p>The models' heads are zero, so every cell of the map is the decision bias's sigmoid: a uniform
 * map, whose box is the whole model input, which the station must turn into exactly the line's ROI
 * in frame pixels. That pins the coordinate transform end to end.
 */
public class DefectBoxStationTest {
    private static final int FRAME_W = 640;
    private static final int FRAME_H = 480;
    private static final int[] ROI = {100, 60, 320, 240};

    /** A model package whose every cell (and so every score) is sigmoid(decisionBias), whatever the image. */
    public static Path uniformMapModel(Path dir, ModelInfo info, float decisionBias) {
        int k = info.numClasses();
        InspectionCnn.Weights w = InspectionCnn.Weights.heInitialised(1, k, 5)
                .with(InspectionCnn.Parameter.DENSE_KERNEL, new float[InspectionCnn.Parameter.DENSE_KERNEL.size(1, k)])
                .with(InspectionCnn.Parameter.DENSE_BIAS, new float[k])
                .with(InspectionCnn.Parameter.MAP_KERNEL, new float[InspectionCnn.Parameter.MAP_KERNEL.size(1, k)])
                .with(InspectionCnn.Parameter.GLOBAL_KERNEL, new float[InspectionCnn.Parameter.GLOBAL_KERNEL.size(1, k)])
                .with(InspectionCnn.Parameter.DECISION_BIAS, new float[] {decisionBias});
        InspectionCnn.exportPackage(dir, info, w);
        return dir;
    }

    private static List<FrameSource> cameras(int lines) {
        List<FrameSource> list = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            list.add(new SyntheticPartCamera("box-" + i, new SyntheticPartCamera.Options(FRAME_W, FRAME_H, 0.3, 700 + i, 8)));
        }
        return list;
    }

    private static void runCameras(Station station) throws Exception {
        station.start();
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
        assertTrue(station.camerasFinished(), "cameras should finish their frame budget");
    }

    private static final RejectSink NO_SINK = new RejectSink() {
        @Override
        public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {}
    };

    @Test
    void aRejectsJournalRowImageAndDashboardFrameHaveItsBoxInFramePixelsAndAPassHasNone(@TempDir Path tmp) throws Exception {
        ModelInfo info = ModelInfo.of("map-test", "1", List.of("ok", "scratch"), 64, 48, 1, 0.5f, 0.25f);
        // every cell p(defect) = 0.5, so the score is 0.5: line 0 (threshold 0.3) rejects it, line 1 (0.7) passes it
        Path journalFile = tmp.resolve("journal.db");
        Path images = tmp.resolve("rejects");
        StationConfig config = StationConfig.defaults(tmp.resolve("model")).withLines(2).withFps(40).withMaxFramesPerLine(20)
                .withRejectDelayMillis(5_000).withRoi(ROI).withThreshold(0.3f);
        try (ModelPackage model = ModelPackage.load(uniformMapModel(tmp.resolve("model"), info, 0f));
             DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"box-0", "box-1"}, "map-test 1", "none", false);
             Station station = Station.create(config, model, cameras(2), StationAttachments.of(NO_SINK).withJournal(journal)
                     .withRejectImages(new StationAttachments.RejectImageSettings(images, 1L << 30, Duration.ofDays(1))))) {
            assertTrue(model.hasDefectMap(), "a package made by exportPackage has the map output");
            station.setThreshold(1, 0.7f, "test");
            runCameras(station);
            StationStats s = station.stop(Duration.ofSeconds(30));
            assertEquals(40, s.captured());
            assertEquals(0, s.failSafe(), "nothing late or failed: " + s.failSafeByReason());

            StationTelemetry.Frame rejected = station.telemetry().latestFrame(0, false);
            StationTelemetry.Frame passed = station.telemetry().latestFrame(1, false);
            assertEquals(Outcome.REJECT_DEFECT, rejected.outcome());
            assertArrayEquals(ROI, rejected.defectBox(), "the dashboard's frame carries the box, in frame pixels");
            assertEquals(Outcome.PASS, passed.outcome());
            assertNull(passed.defectBox(), "a pass has no defect box");
        }

        List<DecisionJournal.Entry> line0 = DecisionJournal.query(journalFile, 0, null, null, 100);
        List<DecisionJournal.Entry> line1 = DecisionJournal.query(journalFile, 1, null, null, 100);
        assertEquals(20, line0.size());
        assertEquals(20, line1.size());
        DecisionJournal.Box roi = new DecisionJournal.Box(ROI[0], ROI[1], ROI[2], ROI[3]);
        for (DecisionJournal.Entry e : line0) {
            assertEquals("reject", e.decision(), e.toString());
            assertEquals(roi, e.defectBox(), "a uniform map's box is the whole input: the ROI in frame pixels");
        }
        for (DecisionJournal.Entry e : line1) {
            assertEquals("pass", e.decision(), e.toString());
            assertNull(e.defectBox(), "a pass row has no box");
        }

        List<Path> saved = RejectImagesTest.pngs(images);
        assertFalse(saved.isEmpty(), "rejected frames are saved");
        assertTrue(saved.stream().allMatch(p -> p.toString().contains("line-0")), "only line 0 rejected: " + saved);
        try (Mat png = opencv_imgcodecs.imread(saved.get(0).toString(), opencv_imgcodecs.IMREAD_UNCHANGED);
             UByteIndexer px = png.createIndexer()) {
            assertEquals(3, png.channels(), "an image with a box is saved in colour");
            int midY = ROI[1] + ROI[3] / 2;
            int midX = ROI[0] + ROI[2] / 2;
            assertPixel(px, ROI[0], midY, RejectImages.BOX_BGR, "the box's left edge");
            assertPixel(px, ROI[0] + ROI[2] - 1, midY, RejectImages.BOX_BGR, "its right edge");
            assertPixel(px, midX, ROI[1], RejectImages.BOX_BGR, "its top edge");
            assertPixel(px, midX, ROI[1] + ROI[3] - 1, RejectImages.BOX_BGR, "its bottom edge");
            assertGray(px, ROI[0] - 1, midY, "outside the box the frame is as it was");
            assertGray(px, midX, midY, "inside the box too");
        }
    }

    @Test
    void anAnomalyModelsRejectsAreJournaledWithTheirBoxTheSameWay(@TempDir Path tmp) throws Exception {
        ModelInfo info = ModelInfo.of("anomaly-test", "1", List.of("ok", "scratch"), 64, 64, 1, 0.5f, 0.25f).withMode("anomaly");
        assertEquals(List.of("ok", "anomaly"), info.classes());
        Path journalFile = tmp.resolve("journal.db");
        StationConfig config = StationConfig.defaults(tmp.resolve("model")).withLines(1).withFps(40).withMaxFramesPerLine(12)
                .withRejectDelayMillis(5_000);
        try (ModelPackage model = ModelPackage.load(uniformMapModel(tmp.resolve("model"), info, 6f));
             DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"box-0"}, "anomaly-test 1", "none", false);
             Station station = Station.create(config, model, cameras(1), StationAttachments.of(NO_SINK).withJournal(journal))) {
            assertTrue(model.info().isAnomaly());
            runCameras(station);
            StationStats s = station.stop(Duration.ofSeconds(30));
            assertEquals(12, s.rejected(), "an anomaly score of sigmoid(6) rejects every part: " + s.failSafeByReason());
        }
        int[] roi = StationLayout.defaultRoi(FRAME_W, FRAME_H); // no ROI configured: the line's default
        DecisionJournal.Box expected = new DecisionJournal.Box(roi[0], roi[1], roi[2], roi[3]);
        List<DecisionJournal.Entry> rows = DecisionJournal.query(journalFile, null, null, null, 100);
        assertEquals(12, rows.size());
        for (DecisionJournal.Entry e : rows) {
            assertEquals("defect", e.reason(), e.toString());
            assertEquals(expected, e.defectBox(), e.toString());
        }
    }

    @Test
    void aBoxInModelInputPixelsIsScaledThroughTheRoiAndClampedToTheFrame() {
        LineSetup line = new LineSetup(1280, 1024, new PreprocessSpec(100, 50, 640, 512, 128, 128, 0.5f, 0.25f));
        int[] box = {32, 16, 64, 48, 0, 0};
        assertTrue(line.inputBoxToFrame(box));
        assertArrayEquals(new int[] {260, 114, 320, 192}, java.util.Arrays.copyOf(box, 4), "x 5 and x 4 from the ROI's corner");

        LineSetup uneven = new LineSetup(640, 480, new PreprocessSpec(10, 20, 300, 200, 64, 48, 0.5f, 0.25f));
        int[] b = {8, 6, 16, 12};
        assertTrue(uneven.inputBoxToFrame(b));
        // 8 * 300/64 = 37.5 -> 37 (near edge down), 24 * 300/64 = 112.5 -> 113 (far edge up): the box never shrinks
        assertArrayEquals(new int[] {47, 45, 76, 50}, b);

        LineSetup edge = new LineSetup(640, 480, new PreprocessSpec(0, 0, 640, 480, 64, 48, 0.5f, 0.25f));
        int[] past = {60, 40, 16, 16};
        assertTrue(edge.inputBoxToFrame(past));
        assertArrayEquals(new int[] {600, 400, 40, 80}, past, "clamped to the frame");
    }

    private static void assertPixel(UByteIndexer px, int x, int y, int[] bgr, String what) {
        int[] got = {px.get(y, x, 0), px.get(y, x, 1), px.get(y, x, 2)};
        assertArrayEquals(bgr, got, what + " at " + x + "," + y);
    }

    private static void assertGray(UByteIndexer px, int x, int y, String what) {
        int b = px.get(y, x, 0);
        assertTrue(b == px.get(y, x, 1) && b == px.get(y, x, 2), what + " at " + x + "," + y + ": " + b + "," + px.get(y, x, 1) + ","
                + px.get(y, x, 2));
    }
}
