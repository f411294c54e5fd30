package io.sightline.bench;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.cuda.Cuda;
import io.sightline.preprocess.cuda.CudaPreprocessor;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
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
 * The CUDA preprocessing stage next to {@link PreprocessBenchmark} (the CPU one), at the same
 * station defaults: 1280x1024 gray, 768x768 ROI, to 128x128 floats. {@code single}: one frame,
 * upload + kernel + download, synchronous (as a station worker would call it); {@code batch}: a
 * batch of {@code batch} frames pipelined over the two streams, time per batch.
 *
 * <p>Without a CUDA GPU the setup throws with the reason (JMH reports the benchmark as failed with
 * that message and goes on with the others); it never crashes the JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CudaPreprocessBenchmark {
    @Param({"16"})
    public int batch;

    private SyntheticPartCamera camera;
    private CudaPreprocessor gpu;
    private NativeBuffer tensor;
    private BytePointer[] frames;
    private BytePointer frame;

    @Setup
    public void setUp() throws Exception {
        String reason = Cuda.unavailableReason();
        if (reason != null) throw new IllegalStateException("CudaPreprocessBenchmark skipped: " + reason);
        camera = new SyntheticPartCamera("bench", SyntheticPartCamera.Options.defaults());
        CapturedFrame f = camera.grab();
        int[] roi = SyntheticPartCamera.defaultRoi(f.width(), f.height());
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], 128, 128, 0.4f, 0.25f);
        gpu = new CudaPreprocessor(spec, f.width(), f.height(), f.stride(), null);
        tensor = NativeBuffer.allocateFloats((long) batch * spec.floatsPerImage());
        frame = f.pixels();
        frames = new BytePointer[batch];
        java.util.Arrays.fill(frames, frame);
    }

    @Benchmark
    public void single() {
        gpu.process(frame, tensor.floats());
    }

    @Benchmark
    public void batch() {
        gpu.processBatch(frames, batch, tensor.floats());
    }

    @TearDown
    public void tearDown() {
        if (gpu != null) gpu.close();
        if (tensor != null) tensor.close();
        if (camera != null) camera.close();
    }
}
