package io.sightline.preprocess.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CUDA kernel against the OpenCV CPU path on a real GPU. Skipped (not failed) where CUDA cannot
 * run: it needs an NVIDIA GPU with a CUDA 13 driver.
 */
class CudaPreprocessorGpuTest {
    static final int BATCH = 7;

    /** Before each test, so that each shows as skipped (with why) in the report rather than vanishing. */
    @BeforeEach
    void needsAGpu() {
        Natives.opencv();
        String reason = Cuda.unavailableReason();
        assumeTrue(reason == null, () -> "skipped: this test needs an NVIDIA GPU with a CUDA 13 driver; " + reason);
    }

    @ParameterizedTest(name = "{0}x{1} stride {2}, undistort {3}")
    @CsvSource({"1280, 1024, 1280, false", "1280, 1024, 1280, true", "640, 512, 640, false", "640, 512, 704, true"})
    void aBatchMatchesTheCpuPathFrameByFrameEachInItsOwnSlot(int width, int height, int stride, boolean undistort) {
        PreprocessSpec spec = Frames.stationSpec(width, height);
        int n = spec.floatsPerImage();
        byte[][] frames = new byte[BATCH][];
        float[][] expected = new float[BATCH][];
        try (Undistorter lens = undistort ? Frames.lens(width, height) : null;
             CudaPreprocessor gpu = new CudaPreprocessor(spec, width, height, stride, lens);
             NativeBuffer batch = NativeBuffer.allocateFloats((long) BATCH * n)) {
            NativeBuffer[] raw = new NativeBuffer[BATCH];
            BytePointer[] pointers = new BytePointer[BATCH];
            try {
                for (int k = 0; k < BATCH; k++) {
                    frames[k] = Frames.part(width, height, stride, 1000L * k + width);
                    expected[k] = Frames.cpu(spec, lens, frames[k], width, height, stride);
                    raw[k] = NativeBuffer.allocate(frames[k].length);
                    raw[k].bytes().put(frames[k], 0, frames[k].length);
                    pointers[k] = raw[k].bytes();
                }
                for (int round = 0; round < 2; round++) {   // the second round reuses both buffers
                    batch.floats().fill(0);
                    gpu.processBatch(pointers, BATCH, batch.floats());
                    float[] got = new float[BATCH * n];
                    batch.floats().get(got);
                    float worst = 0;
                    for (int k = 0; k < BATCH; k++) {
                        float d = Frames.maxAbsDiff(expected[k], got, k * n);
                        worst = Math.max(worst, d);
                        assertTrue(d <= Frames.TOLERANCE, "slot " + k + ": max |diff| " + d);
                        if (k > 0) {
                            assertTrue(Frames.maxAbsDiff(expected[k - 1], got, k * n) > 0.01f,
                                    "slot " + k + " holds frame " + (k - 1) + "'s tensor");
                        }
                    }
                    System.out.printf("CUDA (%s) vs OpenCV, %dx%d undistort %s: max |diff| %.3g over %d frames%n",
                            gpu.architecture(), width, height, undistort, worst, BATCH);
                }
                float[] one = new float[n];
                try (NativeBuffer single = NativeBuffer.allocateFloats(n)) {
                    gpu.process(pointers[3], single.floats());
                    single.floats().get(one);
                }
                assertTrue(Frames.maxAbsDiff(expected[3], one, 0) <= Frames.TOLERANCE, "single frame");
            } finally {
                for (NativeBuffer b : raw) if (b != null) b.close();
            }
        }
    }
}
