package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.natives.NativeBuffer;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.junit.jupiter.api.Test;

/**
 * The station's colour path (CV_8UC3 in, CV_32FC3 HWC out) against the two references a colour
 * model relies on: training's {@link ImageTensorizer} (each channel through the gray path, then
 * interleaved), and the gray {@link Preprocessor} run on each channel alone with the same ROI.
 */
class ColourPreprocessTest {

    /** A BGR picture with different smooth structure and noise per channel, so a mixed-up channel would show. */
    static byte[] colourImage(int w, int h, long seed) {
        byte[] img = new byte[w * h * 3];
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 128 + 80 * Math.sin(x / (11.0 + 7 * c)) * Math.cos(y / (19.0 + 5 * c)) + 30 * c - 30;
                    img[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v + random.nextInt(41) - 20));
                }
            }
        }
        return img;
    }

    /** {@code spec}'s preprocessing of one frame of {@code spec.channels()} (its bytes, rows packed). */
    static float[] colourPath(byte[] img, int w, int h, PreprocessSpec spec) {
        float[] out = new float[spec.floatsPerImage()];
        try (NativeBuffer frame = NativeBuffer.allocate(img.length);
             NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
             Preprocessor pre = new Preprocessor(spec);
             Preprocessor.View view = new Preprocessor.View(spec, frame.bytes(), w, h, w * spec.channels());
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
            frame.bytes().put(img, 0, img.length);
            pre.process(view, dst);
            tensor.floats().position(0).get(out);
        }
        return out;
    }

    private static float maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    /** Whole frame as the ROI, as training tensorizes an image: two-step (6x) and one-step (fractional) resizes. */
    @Test
    void colourPathMatchesTrainingsTensorizer() {
        int[][] cases = {{384, 384, 64, 64}, {300, 300, 64, 64}, {256, 192, 96, 72}};
        for (int[] c : cases) {
            int w = c[0], h = c[1], iw = c[2], ih = c[3];
            byte[] img = colourImage(w, h, w * 31L + h);
            PreprocessSpec spec = ImageTensorizer.fullFrameSpec(w, h, iw, ih, 0.45f, 0.22f).withChannels(3);
            float[] station = colourPath(img, w, h, spec);
            float[] training = new float[iw * ih * 3];
            try (ImageTensorizer t = new ImageTensorizer(iw, ih, 3, 0.45f, 0.22f);
                 Mat m = new Mat(h, w, CV_8UC3)) {
                m.data().put(img, 0, img.length);
                t.tensorize(m, training);
            }
            float diff = maxDifference(station, training);
            assertTrue(diff <= 1e-5f, w + "x" + h + " to " + iw + "x" + ih + ": station and training tensors differ by " + diff);
        }
    }

    /** With a station ROI: each channel of the colour tensor is the gray path's tensor of that channel alone. */
    @Test
    void eachChannelIsTheGrayPathOfThatChannel() {
        int w = 640, h = 512;
        byte[] img = colourImage(w, h, 7);
        PreprocessSpec gray = new PreprocessSpec(64, 64, 384, 384, 64, 64, 0.5f, 0.25f);
        float[] colour = colourPath(img, w, h, gray.withChannels(3));
        try (Mat m = new Mat(h, w, CV_8UC3); MatVector planes = new MatVector()) {
            m.data().put(img, 0, img.length);
            opencv_core.split(m, planes);
            for (int c = 0; c < 3; c++) {
                byte[] plane = new byte[w * h];
                planes.get(c).data().get(plane);
                float[] one = new float[gray.floatsPerImage()];
                try (NativeBuffer frame = NativeBuffer.allocate(plane.length);
                     NativeBuffer tensor = NativeBuffer.allocateFloats(gray.floatsPerImage());
                     Preprocessor pre = new Preprocessor(gray);
                     Preprocessor.View view = new Preprocessor.View(gray, frame.bytes(), w, h, w);
                     Preprocessor.FloatView dst = new Preprocessor.FloatView(gray, tensor.floats())) {
                    frame.bytes().put(plane, 0, plane.length);
                    pre.process(view, dst);
                    tensor.floats().position(0).get(one);
                }
                float max = 0;
                for (int i = 0; i < one.length; i++) max = Math.max(max, Math.abs(one[i] - colour[i * 3 + c]));
                assertTrue(max <= 1e-5f, "channel " + c + " differs from the gray path by " + max);
            }
        }
    }

    @Test
    void badChannelsAndMismatchedBuffersAreRefusedByName() {
        PreprocessSpec gray = new PreprocessSpec(0, 0, 64, 64, 32, 32, 0.5f, 0.25f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gray.withChannels(4));
        assertTrue(e.getMessage().contains("channels must be 1 (8-bit gray) or 3 (8-bit BGR), got 4"), e.getMessage());
        PreprocessSpec colour = gray.withChannels(3);
        assertEquals(32 * 32 * 3, colour.floatsPerImage());
        try (NativeBuffer frame = NativeBuffer.allocate(64 * 64 * 3);
             NativeBuffer small = NativeBuffer.allocateFloats(32 * 32)) {
            e = assertThrows(IllegalArgumentException.class, () -> new Preprocessor.View(colour, frame.bytes(), 64, 64, 64));
            assertTrue(e.getMessage().contains("row stride 64 is smaller than the width 64 x 3 channel(s)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Preprocessor.FloatView(colour, small.floats()));
            assertTrue(e.getMessage().contains("the model input needs 3072"), e.getMessage());
            try (Preprocessor pre = new Preprocessor(colour);
                 Preprocessor.View view = new Preprocessor.View(colour, frame.bytes(), 64, 64, 192);
                 Preprocessor.FloatView grayDst = new Preprocessor.FloatView(gray, small.floats())) {
                e = assertThrows(IllegalArgumentException.class, () -> pre.process(view, grayDst));
                assertTrue(e.getMessage().contains("destination was made for 1 channel(s), the model input has 3"), e.getMessage());
            }
        }
    }

    /**
     * Benchmarks measure, tests assert: the cost of the gray and colour paths, and of the two
     * conversions (colour camera into a gray model, gray camera into a colour model), is printed,
     * their allocation (none) asserted.
     */
    @Test
    void theColourAndConvertingPathsAllocateNothingPerFrameAndPrintTheirCost() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int w = 1280, h = 1024;
        for (int[] frameAndInput : new int[][] {{1, 1}, {3, 3}, {3, 1}, {1, 3}}) {
            int channels = frameAndInput[0];
            PreprocessSpec spec = new PreprocessSpec(256, 128, 768, 768, 128, 128, 0.5f, 0.25f, channels, frameAndInput[1]);
            try (NativeBuffer frame = NativeBuffer.allocate((long) w * h * channels);
                 NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
                 Preprocessor pre = new Preprocessor(spec);
                 Preprocessor.View view = new Preprocessor.View(spec, frame.bytes(), w, h, w * channels);
                 Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
                for (int i = 0; i < 300; i++) pre.process(view, dst); // warm up
                int frames = 500;
                long before = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                for (int i = 0; i < frames; i++) pre.process(view, dst);
                long nanos = System.nanoTime() - start;
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                System.out.printf("preprocess 1280x1024x%d ROI 768 -> 128x128x%d: %.3f ms/frame over %d frames, %d bytes allocated%n",
                        channels, spec.inputChannels(), nanos / 1e6 / frames, frames, allocated);
                assertTrue(allocated < 1024, channels + " channel(s) into " + spec.inputChannels() + ": process() allocated " + allocated
                        + " bytes in " + frames + " frames");
            }
        }
    }

    /** A colour line with a camera calibration: the BGR frame undistorted is each channel undistorted alone. */
    @Test
    void aColourFrameIsUndistortedChannelByChannelAsAGrayOneWouldBe() {
        int w = 160, h = 120;
        byte[] img = colourImage(w, h, 5);
        try (Undistorter u = new Undistorter(w, h, 150, 150, 80, 60, new double[] {-0.2, 0.05, 0, 0, 0});
             NativeBuffer in = NativeBuffer.allocate(img.length);
             NativeBuffer out = NativeBuffer.allocate(img.length);
             Mat src = new Mat(h, w, CV_8UC3, in.bytes());
             Mat dst = u.destination(out.bytes(), 3);
             MatVector planes = new MatVector()) {
            in.bytes().put(img, 0, img.length);
            u.undistort(src, dst);
            byte[] colour = new byte[img.length];
            out.bytes().get(colour, 0, colour.length);
            opencv_core.split(src, planes);
            for (int c = 0; c < 3; c++) {
                try (NativeBuffer one = NativeBuffer.allocate((long) w * h); Mat grayDst = u.destination(one.bytes())) {
                    u.undistort(planes.get(c), grayDst);
                    byte[] gray = new byte[w * h];
                    one.bytes().get(gray, 0, gray.length);
                    for (int p = 0; p < gray.length; p++) {
                        assertEquals(gray[p], colour[3 * p + c], "channel " + c + " at pixel " + p);
                    }
                }
            }
        }
    }
}
