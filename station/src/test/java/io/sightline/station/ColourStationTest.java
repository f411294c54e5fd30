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
 * colour preprocessing and TensorFlow. And the refusal of a line whose cameras do not deliver what
 * the model reads.
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
        float[][] images = new float[n][];
        int[] labels = new int[n];
        try (SyntheticPartCamera camera = new SyntheticPartCamera("train", new SyntheticPartCamera.Options(FRAME, FRAME, 0, seed, 16, true));
             Preprocessor pre = new Preprocessor(spec);
             NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
            for (int i = 0; i < n; i++) {
                labels[i] = i % 2;
                CapturedFrame f = camera.render(labels[i] == 0 ? DefectKind.NONE : DefectKind.DISCOLOURATION);
                try (Preprocessor.View view = new Preprocessor.View(spec, f.pixels(), f.width(), f.height(), f.stride())) {
                    pre.process(view, dst);
                }
                images[i] = new float[spec.floatsPerImage()];
                tensor.floats().position(0).get(images[i]);
            }
        }
        return new Trainer.TrainingData(List.of("ok", "discolouration"), images, labels);
    }

    /** A colour camera on a line where parts are good or discoloured (the kinds the test model knows), in seeded order. */
    static final class StainCamera implements FrameSource {
        private final SyntheticPartCamera camera;
        private final SplittableRandom rnd;

        StainCamera(String name, long seed) {
            this.camera = new SyntheticPartCamera(name, new SyntheticPartCamera.Options(FRAME, FRAME, 0, seed, 8, true));
            this.rnd = new SplittableRandom(seed);
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
            return camera.render(rnd.nextInt(3) == 0 ? DefectKind.DISCOLOURATION : DefectKind.NONE);
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

    @Test
    void aLineWhoseCamerasDoNotDeliverTheModelsChannelsIsRefusedByName() throws Exception {
        // a colour model, line 1 gray
        StationConfig two = StationConfig.defaults(colourModel.dir()).withLines(2);
        List<FrameSource> mixed = new ArrayList<>(List.of(new StainCamera("colour-cam", 3),
                new SyntheticPartCamera("gray-cam", new SyntheticPartCamera.Options(FRAME, FRAME, 0, 4, 1))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Station.create(two, colourModel, mixed, new StationTest.CountingSink()));
        assertTrue(e.getMessage().startsWith("line 1: camera gray-cam delivers 8-bit gray (1 channel) frames, but the model"
                + " test-colour-flange 1"), e.getMessage());
        assertTrue(e.getMessage().contains("expects 8-bit BGR colour (3 channels) input"), e.getMessage());
        // the gray default model, a colour camera
        StationConfig one = StationConfig.defaults(grayModel.dir()).withLines(1);
        List<FrameSource> colour = new ArrayList<>(List.of(new StainCamera("colour-cam", 5)));
        e = assertThrows(IllegalArgumentException.class, () -> Station.create(one, grayModel, colour, new StationTest.CountingSink()));
        assertTrue(e.getMessage().startsWith("line 0: camera colour-cam delivers 8-bit BGR colour (3 channels) frames, but the model "
                + grayModel.info().name()), e.getMessage());
        assertTrue(e.getMessage().contains("a model trained with --channels 3"), e.getMessage());
    }
}
