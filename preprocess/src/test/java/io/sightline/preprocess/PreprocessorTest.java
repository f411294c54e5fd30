package io.sightline.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.NativeBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

    /** Area-average resize by exact fractional pixel overlap, written from its definition. */
    static double[] referenceAreaResize(byte[] img, int stride, int x0, int y0, int w, int h, int outW, int outH) {
        double sx = (double) w / outW;
        double sy = (double) h / outH;
        double[] out = new double[outW * outH];
        for (int oy = 0; oy < outH; oy++) {
            double fy0 = oy * sy;
            double fy1 = fy0 + sy;
            for (int ox = 0; ox < outW; ox++) {
                double fx0 = ox * sx;
                double fx1 = fx0 + sx;
                double sum = 0;
                for (int y = (int) Math.floor(fy0); y < Math.ceil(fy1); y++) {
                    double wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
                    for (int x = (int) Math.floor(fx0); x < Math.ceil(fx1); x++) {
                        double wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
                        sum += wx * wy * (img[(y0 + y) * stride + x0 + x] & 0xff);
                    }
                }
                out[oy * outW + ox] = sum / (sx * sy);
            }
        }
        return out;
    }

    private static void check(int frameW, int frameH, PreprocessSpec spec, long seed) {
        byte[] img = new byte[frameW * frameH];
        Random random = new Random(seed);
        // Smooth structure plus noise, so resampling errors would show.
        for (int y = 0; y < frameH; y++) {
            for (int x = 0; x < frameW; x++) {
                int v = (int) (128 + 80 * Math.sin(x / 17.0) * Math.cos(y / 23.0)) + random.nextInt(41) - 20;
                img[y * frameW + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        try (NativeBuffer frame = NativeBuffer.allocate(img.length);
             NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
             Preprocessor pre = new Preprocessor(spec);
             Preprocessor.View view = new Preprocessor.View(spec, frame.bytes(), frameW, frameH, frameW);
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
            frame.bytes().put(img, 0, img.length);
            pre.process(view, dst);

            double[] ref = referenceAreaResize(img, frameW, spec.roiX(), spec.roiY(), spec.roiWidth(), spec.roiHeight(),
                    spec.inputWidth(), spec.inputHeight());
            // The intermediate images are 8-bit, so the only allowed difference is rounding to a gray
            // level: once, or twice when the area average runs in two steps.
            double grayLevels = Preprocessor.halvesFirst(spec) ? 1.0 : 0.5;
            double tolerance = (grayLevels + 1e-3) / 255.0 / spec.normStd();
            double maxError = 0;
            for (int i = 0; i < ref.length; i++) {
                double expected = (ref[i] / 255.0 - spec.normMean()) / spec.normStd();
                maxError = Math.max(maxError, Math.abs(tensor.floats().get(i) - expected));
            }
            assertTrue(maxError <= tolerance, "max error " + maxError + " > " + tolerance);
        }
    }

    @Test
    void integerScaleMatchesAreaAverageReference() {
        check(256, 200, new PreprocessSpec(32, 8, 128, 128, 32, 32, 0.5f, 0.25f), 1);
    }

    @Test
    void evenScaleRunsInTwoStepsAndStillMatchesReference() {
        // The station's default: 768 -> 128 (k = 6) on a 1280x1024 frame, halved first.
        PreprocessSpec spec = new PreprocessSpec(256, 128, 768, 768, 128, 128, 0.45f, 0.25f);
        assertTrue(Preprocessor.halvesFirst(spec));
        check(1280, 1024, spec, 4);
    }

    @Test
    void onlyEvenWholeMultiplesAboveTwoHalveFirst() {
        assertFalse(Preprocessor.halvesFirst(new PreprocessSpec(0, 0, 256, 256, 128, 128, 0f, 1f)), "k = 2 is one step");
        assertFalse(Preprocessor.halvesFirst(new PreprocessSpec(0, 0, 384, 384, 128, 128, 0f, 1f)), "k = 3 is odd");
        assertFalse(Preprocessor.halvesFirst(new PreprocessSpec(0, 0, 800, 800, 128, 128, 0f, 1f)), "6.25 is fractional");
        assertFalse(Preprocessor.halvesFirst(new PreprocessSpec(0, 0, 512, 768, 128, 128, 0f, 1f)), "4 across, 6 down");
        assertTrue(Preprocessor.halvesFirst(new PreprocessSpec(0, 0, 512, 256, 128, 64, 0f, 1f)), "4 both ways");
    }

    @Test
    void fractionalScaleOnAFullFrameMatchesReference() {
        // 800 -> 128 is a factor of 6.25 (OpenCV's general INTER_AREA path); a 1280x1024 frame.
        check(1280, 1024, new PreprocessSpec(240, 112, 800, 800, 128, 128, 0.45f, 0.25f), 2);
    }

    @Test
    void nonSquareRoiAndOutput() {
        check(640, 480, new PreprocessSpec(10, 20, 600, 300, 96, 64, 0f, 1f), 3);
    }

    @Test
    void viewSeesNewPixelsWithoutBeingRemade() {
        PreprocessSpec spec = new PreprocessSpec(0, 0, 64, 64, 8, 8, 0f, 1f);
        try (NativeBuffer frame = NativeBuffer.allocate(64 * 64);
             NativeBuffer tensor = NativeBuffer.allocateFloats(64);
             Preprocessor pre = new Preprocessor(spec);
             Preprocessor.View view = new Preprocessor.View(spec, frame.bytes(), 64, 64, 64);
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, tensor.floats())) {
            pre.process(view, dst);
            assertEquals(0f, tensor.floats().get(0));
            for (int i = 0; i < 64 * 64; i++) frame.bytes().put(i, (byte) 255);
            pre.process(view, dst);
            for (int i = 0; i < 64; i++) assertEquals(1f, tensor.floats().get(i), 1e-6);
        }
    }

    @Test
    void roiOutsideTheFrameIsRejectedWithBothSizes() {
        PreprocessSpec spec = new PreprocessSpec(240, 112, 800, 800, 128, 128, 0.5f, 0.25f);
        try (NativeBuffer frame = NativeBuffer.allocate(640 * 480)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Preprocessor.View(spec, frame.bytes(), 640, 480, 640));
            assertTrue(e.getMessage().contains("240,112,800,800") && e.getMessage().contains("640x480"), e.getMessage());
        }
    }

    @Test
    void destinationTooSmallIsRejected() {
        PreprocessSpec spec = new PreprocessSpec(0, 0, 64, 64, 32, 32, 0f, 1f);
        try (NativeBuffer tensor = NativeBuffer.allocateFloats(100)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Preprocessor.FloatView(spec, tensor.floats()));
            assertTrue(e.getMessage().contains("100") && e.getMessage().contains("1024"), e.getMessage());
        }
    }

    @Test
    void impossibleSpecsNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new PreprocessSpec(0, 0, 0, 10, 8, 8, 0f, 1f)).getMessage().contains("0,0,0,10"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new PreprocessSpec(0, 0, 10, 10, 8, 8, 0f, 0f)).getMessage().contains("std 0.0"));
    }
}
