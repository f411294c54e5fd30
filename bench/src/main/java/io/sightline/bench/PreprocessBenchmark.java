package io.sightline.bench;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Preprocessing at the station's defaults: 1280x1024 frames, 768x768 ROI, to 128x128 floats. The
 * parameters pick the camera's channels ({@code camera}: 1 gray, 3 BGR) and the model's
 * ({@code model}); where they differ the line converts (colour to gray before the resize, gray
 * replicated to BGR after it). The default run measures all four.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PreprocessBenchmark {
    /** The camera's frames: 1 gray, 3 BGR. */
    @Param({"1", "3"})
    public int camera;
    /** The model's input: 1 gray, 3 BGR. */
    @Param({"1", "3"})
    public int model;
    private SyntheticPartCamera source;
    private Preprocessor preprocessor;
    private Preprocessor.View view;
    private NativeBuffer tensor;
    private Preprocessor.FloatView dst;

    @Setup
    public void setUp() throws Exception {
        source = new SyntheticPartCamera("bench", SyntheticPartCamera.Options.defaults().withColour(camera == 3));
        CapturedFrame f = source.grab();
        int[] roi = SyntheticPartCamera.defaultRoi(f.width(), f.height());
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], 128, 128, 0.4f, 0.25f, camera, model);
        preprocessor = new Preprocessor(spec);
        view = new Preprocessor.View(spec, f.pixels(), f.width(), f.height(), f.stride());
        tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
        dst = new Preprocessor.FloatView(spec, tensor.floats());
    }

    @Benchmark
    public void preprocess() {
        preprocessor.process(view, dst);
    }

    @TearDown
    public void tearDown() {
        dst.close();
        tensor.close();
        view.close();
        preprocessor.close();
        source.close();
    }
}
