package io.sightline.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.TrainedModel;
import io.sightline.inference.Trainer;
import io.sightline.natives.Natives;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.outcome.RejectImagesTest;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gray and colour lines in one station, on the real libraries: line 0 has a gray camera, line 1 a
 * colour one, and one model decides both, a gray model (line 1's frames converted to gray) and a
 * colour model (line 0's frames replicated to three channels). Both models are trained here, in a
 * few seconds, on synthetic parts (good against {@link DefectKind#MISSING_FEATURE}, visible in gray
 * and in colour) from both kinds of camera through the station's own preprocessing, as {@code train}
 * would make them from a dataset holding both cameras' pictures. Every frame ends in one outcome,
 * each line rejects defective parts, and the saved reject images keep each camera's own frame.
 */
class MixedChannelStationTest {
    static final int FRAME = ColourStationTest.FRAME;
    static final int INPUT = ColourStationTest.INPUT;
    static final int PARTS_PER_LINE = 120;
    static Path dir;
    static ModelPackage grayModel;
    static ModelPackage colourModel;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainBothModels() throws Exception {
        Natives.loadAll();
        dir = Files.createTempDirectory("sightline-mixed");
        grayModel = train(1, 21);
        colourModel = train(3, 22);
    }

    @AfterAll
    static void close() {
        if (grayModel != null) grayModel.close();
        if (colourModel != null) colourModel.close();
    }

    /** A model of {@code channels} input trained on parts from a gray and a colour camera, half each. */
    private static ModelPackage train(int channels, long seed) throws Exception {
        int[] roi = SyntheticPartCamera.defaultRoi(FRAME, FRAME);
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], INPUT, INPUT, 0.5f, 0.25f);
        int half = 160;
        float[][] gray = ColourStationTest.render(half, seed, spec.withChannels(1, channels), DefectKind.MISSING_FEATURE);
        float[][] colour = ColourStationTest.render(half, seed + 100, spec.withChannels(3, channels), DefectKind.MISSING_FEATURE);
        float[][] images = new float[2 * half][];
        int[] labels = new int[2 * half];
        int[] each = ColourStationTest.labels(half);
        for (int i = 0; i < half; i++) {
            images[2 * i] = gray[i];
            labels[2 * i] = each[i];
            images[2 * i + 1] = colour[i];
            labels[2 * i + 1] = each[i];
        }
        Trainer.TrainingData data = new Trainer.TrainingData(List.of("ok", "missing_feature"), images, labels);
        TrainedModel trained = Trainer.train(data, INPUT, INPUT, channels, new Trainer.TrainOptions(60, 32, 0.002f, 5, 0.2f, 8),
                Trainer.ProgressListener.NONE);
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, "test-mixed-" + (channels == 3 ? "colour" : "gray"), "1",
                ModelInfo.MODE_SUPERVISED, trained.classes(), INPUT, INPUT, channels, 0.5f, 0.25f,
                Map.of("source", "MixedChannelStationTest"), Map.of());
        Path out = dir.resolve("model-" + channels);
        trained.export(out, info);
        return ModelPackage.load(out);
    }

    /** Part ids rejected for a defect, per line. */
    static final class DefectRejects implements RejectSink {
        final List<Set<Long>> byLine = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());

        @Override
        public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
            if (reason == Outcome.REJECT_DEFECT) byLine.get(line).add(partId);
        }
    }

    @Test
    void aGrayModelDecidesAGrayAndAColourLine() throws Exception {
        runMixedStation(grayModel);
    }

    @Test
    void aColourModelDecidesAGrayAndAColourLine() throws Exception {
        runMixedStation(colourModel);
    }

    @Test
    void theGrayCameraOnAColourModelIsNamedAtStart() {
        int[] roi = SyntheticPartCamera.defaultRoi(FRAME, FRAME);
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], INPUT, INPUT, 0.5f, 0.25f);
        assertEquals("line 2: gray camera, colour model: gray replicated to 3 channels; the model was trained on colour",
                StationLayout.conversionNote(2, spec.withChannels(1, 3)));
        assertTrue(StationLayout.conversionNote(0, spec.withChannels(3, 1)).startsWith("line 0: colour camera, gray model: frames"
                + " converted to gray"));
        assertEquals(null, StationLayout.conversionNote(1, spec.withChannels(3, 3)), "no conversion, nothing to say");
    }

    private void runMixedStation(ModelPackage model) throws Exception {
        StationConfig config = StationConfig.defaults(model.dir()).withLines(2).withFps(40).withMaxFramesPerLine(PARTS_PER_LINE)
                .withRejectDelayMillis(2_000).withThreshold(0.5f);
        ColourStationTest.StainCamera gray = new ColourStationTest.StainCamera("gray-0", 61, false, DefectKind.MISSING_FEATURE);
        ColourStationTest.StainCamera colour = new ColourStationTest.StainCamera("colour-1", 62, true, DefectKind.MISSING_FEATURE);
        DefectRejects sink = new DefectRejects();
        Path images = tmp.resolve("rejects");
        StationStats s;
        try (Station station = Station.create(config, model, new ArrayList<>(List.of(gray, colour)), StationAttachments.of(sink)
                .withRejectImages(new StationAttachments.RejectImageSettings(images, 1L << 30, Duration.ofDays(1))))) {
            station.start();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            assertTrue(station.camerasFinished(), "cameras should finish their frame budget");
            inspectEachLine(station, model);
            s = station.stop(Duration.ofSeconds(30));
        }
        String name = model.info().name();
        assertEquals(2 * PARTS_PER_LINE, s.captured(), name);
        assertEquals(0, s.inFlight(), "nothing may be left in flight after a drain");
        assertEquals(s.captured(), s.passed() + s.rejected() + s.failSafe(), "captured = passed + rejected + fail-safe");
        assertEquals(0, s.failSafe(), name + ": an unloaded mixed station has no fail-safe rejects: " + s.failSafeByReason());
        long good = s.captured() - s.defective();
        String scorecard = name + ": escapes " + s.escapes() + " of " + s.defective() + " defective, false rejects " + s.falseRejects()
                + " of " + good + " good";
        System.out.println("mixed gray + colour station, 2 lines x " + PARTS_PER_LINE + " parts, " + scorecard);
        assertTrue(s.escapes() * 5 <= s.defective(), "at most 1 in 5 defective parts may escape: " + scorecard);
        assertTrue(s.falseRejects() * 5 <= good, "at most 1 in 5 good parts may be rejected: " + scorecard);
        ColourStationTest.StainCamera[] cameras = {gray, colour};
        for (int line = 0; line < 2; line++) {
            Set<Long> caught = new java.util.HashSet<>(sink.byLine.get(line));
            caught.retainAll(cameras[line].defective);
            assertFalse(cameras[line].defective.isEmpty(), "line " + line + " should have had defective parts");
            assertTrue(caught.size() * 5 >= cameras[line].defective.size() * 4, name + ": line " + line + " rejected " + caught.size()
                    + " of its " + cameras[line].defective.size() + " defective parts");
        }
        assertRejectImagesKeepTheCamerasChannels(images);
    }

    /**
     * The inspection API on each line: a defective part's picture from that line's kind of camera,
     * as a PNG, gets the tensor the line's own preprocessing makes of the frame (converted to the
     * model's channels where the line converts), and is rejected.
     */
    private static void inspectEachLine(Station station, ModelPackage model) throws Exception {
        io.sightline.station.inspect.Inspector api = station.inspector(List.of("gray", "colour"), 1L << 22);
        int[] roi = SyntheticPartCamera.defaultRoi(FRAME, FRAME);
        ModelInfo info = model.info();
        for (int line = 0; line < 2; line++) {
            boolean colour = line == 1;
            PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], INPUT, INPUT, info.normMean(), info.normStd(),
                    colour ? 3 : 1, info.inputChannels());
            try (SyntheticPartCamera camera = new SyntheticPartCamera("api", new SyntheticPartCamera.Options(FRAME, FRAME, 0, 70 + line, 8,
                    colour));
                 io.sightline.natives.NativeBuffer tensor = io.sightline.natives.NativeBuffer.allocateFloats(spec.floatsPerImage());
                 io.sightline.preprocess.Preprocessor pre = new io.sightline.preprocess.Preprocessor(spec);
                 io.sightline.preprocess.Preprocessor.FloatView dst = new io.sightline.preprocess.Preprocessor.FloatView(spec, tensor.floats())) {
                CapturedFrame f = camera.render(DefectKind.MISSING_FEATURE);
                float[] expected = new float[spec.floatsPerImage()];
                try (io.sightline.preprocess.Preprocessor.View view = new io.sightline.preprocess.Preprocessor.View(spec, f.pixels(),
                        f.width(), f.height(), f.stride())) {
                    pre.process(view, dst);
                }
                tensor.floats().position(0).get(expected);
                byte[] png;
                try (Mat m = new Mat(f.height(), f.width(), colour ? org.bytedeco.opencv.global.opencv_core.CV_8UC3
                        : org.bytedeco.opencv.global.opencv_core.CV_8UC1, f.pixels());
                     org.bytedeco.javacpp.BytePointer out = new org.bytedeco.javacpp.BytePointer()) {
                    assertTrue(opencv_imgcodecs.imencode(".png", m, out));
                    png = new byte[(int) out.limit()];
                    out.get(png);
                }
                io.sightline.station.inspect.Inspector.Result r = api.inspect(colour ? "colour" : "gray", "image/png", png);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, r.tensor(), info.name() + ": the API's tensor for line "
                        + line + " is not its preprocessing's");
                assertTrue(r.reject(), info.name() + ": a part without its feature, on line " + line + ", scored " + r.score());
            }
        }
    }

    /** Line 0's saved rejects are gray pictures, line 1's colour ones (a defect box, if drawn, aside). */
    private static void assertRejectImagesKeepTheCamerasChannels(Path images) throws Exception {
        List<Path> saved = RejectImagesTest.pngs(images);
        for (int line = 0; line < 2; line++) {
            String folder = "line-" + line;
            List<Path> ofLine = saved.stream().filter(p -> p.toString().contains(folder)).toList();
            assertFalse(ofLine.isEmpty(), "line " + line + "'s rejects are saved: " + saved);
            try (Mat png = opencv_imgcodecs.imread(ofLine.get(0).toString(), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                long tinted = png.channels() == 1 ? 0 : tintedPixels(png);
                if (line == 0) {
                    assertEquals(0, tinted, "the gray camera's reject image stays gray: " + ofLine.get(0));
                } else {
                    assertEquals(3, png.channels(), "the colour camera's reject image is colour: " + ofLine.get(0));
                    assertTrue(tinted > (long) png.cols() * png.rows() / 4, "the colour camera's reject image holds its colours, "
                            + tinted + " tinted pixels in " + ofLine.get(0));
                }
            }
        }
    }

    /** Pixels whose channels differ, leaving out the defect box's colour. */
    private static long tintedPixels(Mat bgr) {
        long n = 0;
        try (UByteIndexer px = bgr.createIndexer()) {
            for (int y = 0; y < bgr.rows(); y++) {
                for (int x = 0; x < bgr.cols(); x++) {
                    int b = px.get(y, x, 0), g = px.get(y, x, 1), r = px.get(y, x, 2);
                    boolean box = b == 255 && g == 0 && r == 255;
                    if (!box && (b != g || g != r)) n++;
                }
            }
        }
        return n;
    }
}
