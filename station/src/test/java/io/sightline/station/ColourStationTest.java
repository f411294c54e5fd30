package io.sightline.station;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.TrainedModel;
import io.sightline.inference.Trainer;
import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A colour line end to end on the real libraries: a colour model trained here, in a few seconds, on
 * synthetic colour parts (good against {@link DefectKind#DISCOLOURATION}, a stain plain in colour
 * and faint in gray), then run by a station whose camera delivers BGR frames through the ring, the
 * colour preprocessing and TensorFlow. And the refusal of cameras whose channels cannot be
 * converted to the model's.
 */
class ColourStationTest {
    static final int FRAME = 256;
    static final int INPUT = 48;
    static Path dir;
    static ModelPackage colourModel;
    static ModelPackage grayModel;

    @BeforeAll
    static void trainColourModel() throws Exception {
        Natives.loadAll();
        dir = Files.createTempDirectory("sightline-colour");
        Path out = dir.resolve("colour-model");
        Trainer.TrainingData data = render(320, 11);
        TrainedModel trained = Trainer.train(data, INPUT, INPUT, 3, new Trainer.TrainOptions(60, 32, 0.002f, 5, 0.2f, 8),
                Trainer.ProgressListener.NONE);
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, "test-colour-flange", "1", ModelInfo.MODE_SUPERVISED, trained.classes(),
                INPUT, INPUT, 3, 0.5f, 0.25f, Map.of("source", "ColourStationTest"), Map.of());
        trained.export(out, info);
        colourModel = ModelPackage.load(out);
        grayModel = ModelPackage.load(Path.of(System.getProperty("sightline.home", ".")).resolve("models/default"));
    }

    @AfterAll
    static void close() {
        if (colourModel != null) colourModel.close();
        if (grayModel != null) grayModel.close();
    }

    /** Half good parts, half discoloured ones, through the station's own colour preprocessing over the default ROI. */
    static Trainer.TrainingData render(int n, long seed) {
        int[] roi = SyntheticPartCamera.defaultRoi(FRAME, FRAME);
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], INPUT, INPUT, 0.5f, 0.25f, 3);
        return new Trainer.TrainingData(List.of("ok", "discolouration"), render(n, seed, spec, DefectKind.DISCOLOURATION), labels(n));
    }

    /** Labels of {@link #render(int, long, PreprocessSpec, DefectKind)}'s tensors: good and defective in turn. */
    static int[] labels(int n) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 2;
        return labels;
    }

    /**
     * Tensors of {@code n} synthetic parts, good and {@code defect} in turn, from a camera of
     * {@code spec.channels()} through the station's own preprocessing ({@code spec}: the default ROI,
     * converted to the model's channels where they differ).
     */
    static float[][] render(int n, long seed, PreprocessSpec spec, DefectKind defect) {
        float[][] images = new float[n][];
        boolean colour = spec.channels() == 3;
        try (SyntheticPartCamera camera = new SyntheticPartCamera("train", new SyntheticPartCamera.Options(FRAME, FRAME, 0, seed, 16, colour));
             Preprocessor pre = new Preprocessor(spec);
             NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
            for (int i = 0; i < n; i++) {
                CapturedFrame f = camera.render(i % 2 == 0 ? DefectKind.NONE : defect);
                try (Preprocessor.View view = new Preprocessor.View(spec, f.pixels(), f.width(), f.height(), f.stride())) {
                    pre.process(view, dst);
                }
                images[i] = new float[spec.floatsPerImage()];
                tensor.floats().position(0).get(images[i]);
            }
        }
        return images;
    }

    /** A camera (gray or colour) on a line where parts are good or of one defect kind, in seeded order, one in three defective. */
    static final class StainCamera implements FrameSource {
        private final SyntheticPartCamera camera;
        private final SplittableRandom rnd;
        private final DefectKind defect;
        /** The sequence numbers (part ids) of the frames drawn defective. */
        final java.util.Set<Long> defective = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** A colour camera whose defective parts are discoloured (the kind the colour test model knows). */
        StainCamera(String name, long seed) {
            this(name, seed, true, DefectKind.DISCOLOURATION);
        }

        StainCamera(String name, long seed, boolean colour, DefectKind defect) {
            this.camera = new SyntheticPartCamera(name, new SyntheticPartCamera.Options(FRAME, FRAME, 0, seed, 8, colour));
            this.rnd = new SplittableRandom(seed);
            this.defect = defect;
        }

        @Override
        public String name() {
            return camera.name();
        }

        @Override
        public int maxWidth() {
            return camera.maxWidth();
        }

        @Override
        public int maxHeight() {
            return camera.maxHeight();
        }

        @Override
        public int channels() {
            return camera.channels();
        }

        @Override
        public CapturedFrame grab() throws CaptureException {
            CapturedFrame f = camera.render(rnd.nextInt(3) == 0 ? defect : DefectKind.NONE);
            if (f.truth().isDefect()) defective.add(f.sequence());
            return f;
        }

        @Override
        public void close() {
            camera.close();
        }
    }

    private static StationStats run(StationConfig config, List<FrameSource> sources, StationTest.CountingSink sink) throws Exception {
        try (Station station = Station.create(config, colourModel, sources, sink)) {
            station.start();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
            assertTrue(station.camerasFinished(), "cameras should finish their frame budget");
            return station.stop(Duration.ofSeconds(30));
        }
    }

    @Test
    void aColourLineDecidesEveryPartAndRejectsTheDiscolouredOnes() throws Exception {
        StationConfig config = StationConfig.defaults(colourModel.dir()).withLines(2).withFps(40).withMaxFramesPerLine(120)
                .withRejectDelayMillis(2_000).withThreshold(0.5f);
        StationTest.CountingSink sink = new StationTest.CountingSink();
        List<FrameSource> cameras = new ArrayList<>(List.of(new StainCamera("colour-0", 91), new StainCamera("colour-1", 92)));
        StationStats s = run(config, cameras, sink);
        assertEquals(240, s.captured());
        assertEquals(0, s.inFlight(), "nothing may be left in flight after a drain");
        assertEquals(s.captured(), s.passed() + s.rejected() + s.failSafe(), "captured = passed + rejected + fail-safe");
        assertEquals(0, s.failSafe(), "an unloaded colour station has no fail-safe rejects: " + s.failSafeByReason());
        assertEquals(s.rejected(), sink.total(), "every reject reaches the sink");
        long good = s.captured() - s.defective();
        String scorecard = "escapes " + s.escapes() + " of " + s.defective() + " discoloured, false rejects " + s.falseRejects()
                + " of " + good + " good";
        System.out.println("colour station, 2 lines x 120 parts: " + scorecard);
        assertTrue(s.defective() > 40, "the cameras should have made discoloured parts: " + scorecard);
        // a model that did not read colour, or a station that fed it other channels, would be at chance here
        assertTrue(s.escapes() * 5 <= s.defective(), "at most 1 in 5 discoloured parts may escape: " + scorecard);
        assertTrue(s.falseRejects() * 5 <= good, "at most 1 in 5 good parts may be rejected: " + scorecard);
    }

    /**
     * Gray and colour cameras both feed either model (see {@link MixedChannelStationTest}); what is
     * refused, by line and camera: frames of channel counts that cannot be converted, and a line whose
     * views mix gray and colour (they share one preprocessing).
     */
    @Test
    void unconvertibleCamerasAndMixedViewsOfOneLineAreRefusedByName() throws Exception {
        StationConfig one = StationConfig.defaults(colourModel.dir()).withLines(1);
        List<FrameSource> four = new ArrayList<>(List.of(new FourChannelCamera()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Station.create(one, colourModel, four, new StationTest.CountingSink()));
        assertTrue(e.getMessage().startsWith("line 0: camera bgra-cam delivers 4-channel frames, which cannot be converted to the model"
                + " test-colour-flange 1's 8-bit BGR colour (3 channels) input"), e.getMessage());
        List<List<CameraView>> mixed = List.of(List.of(new CameraView("top", new StainCamera("colour-cam", 3)),
                new CameraView("side", new SyntheticPartCamera("gray-cam", new SyntheticPartCamera.Options(FRAME, FRAME, 0, 4, 1)))));
        e = assertThrows(IllegalArgumentException.class, () -> Station.createWithViews(one, colourModel, mixed,
                StationAttachments.of(new StationTest.CountingSink())));
        assertTrue(e.getMessage().startsWith("line 0: camera gray-cam (view 'side') delivers 8-bit gray (1 channel) frames, the line's"
                + " view 'top' (camera colour-cam) 8-bit BGR colour (3 channels)"), e.getMessage());
    }

    /** A source that says it delivers 4 channels (BGRA): no frame source of the project does; the station must refuse it. */
    private static final class FourChannelCamera implements FrameSource {
        @Override
        public String name() {
            return "bgra-cam";
        }

        @Override
        public int maxWidth() {
            return FRAME;
        }

        @Override
        public int maxHeight() {
            return FRAME;
        }

        @Override
        public int channels() {
            return 4;
        }

        @Override
        public CapturedFrame grab() throws CaptureException {
            throw new CaptureException("bgra-cam: never opened");
        }

        @Override
        public void close() {}
    }
}
