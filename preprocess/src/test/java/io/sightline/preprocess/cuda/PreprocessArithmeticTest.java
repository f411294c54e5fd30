package io.sightline.preprocess.cuda;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernel's arithmetic ({@link PreprocessArithmetic}, its line-by-line Java twin) against
 * the OpenCV CPU path, on synthetic part frames at the station's sizes: runs without a GPU.
 */
class PreprocessArithmeticTest {
    @BeforeAll
    static void load() {
        Natives.opencv();
    }

    @ParameterizedTest(name = "{0}x{1} stride {2}, undistort {3}")
    @CsvSource({
            "1280, 1024, 1280, false",   // station default: ROI 768 -> 128, two steps (2x2 then 3x3)
            "1280, 1024, 1280, true",
            "640, 512, 640, false",      // ROI 384 -> 128, one 3x3 step
            "640, 512, 640, true",
            "640, 512, 704, true",       // padded rows
    })
    void matchesOpenCvAtTheStationSizes(int width, int height, int stride, boolean undistort) {
        PreprocessSpec spec = Frames.stationSpec(width, height);
        assertMatches(spec, width, height, stride, undistort, 3);
    }

    @ParameterizedTest(name = "ROI {0}x{1} -> 128x128")
    @CsvSource({"256, 256", "512, 512", "128, 128", "384, 256", "1024, 1024"})
    void matchesOpenCvForOtherWholeFactors(int roiW, int roiH) {
        // 2x2 (OpenCV's vector path, rounds half up), 4 (two steps of 2), 1 (copy), 3x2, 8
        PreprocessSpec spec = new PreprocessSpec(1280 - roiW, 0, roiW, roiH, 128, 128, 0.5f, 0.2f);
        assertMatches(spec, 1280, 1024, 1280, false, 1);
        assertMatches(spec, 1280, 1024, 1280, true, 1);
    }

    @Test
    void aFractionalShrinkIsRefusedWithTheSizes() {
        PreprocessSpec spec = new PreprocessSpec(0, 0, 700, 700, 128, 128, 0.4f, 0.25f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelPlan.of(spec));
        assertTrue(e.getMessage().contains("700x700") && e.getMessage().contains("128x128"), e.getMessage());
    }

    private static void assertMatches(PreprocessSpec spec, int width, int height, int stride, boolean undistort, int frames) {
        try (Undistorter lens = undistort ? Frames.lens(width, height) : null) {
            float[] mapX = null;
            float[] mapY = null;
            if (lens != null) {
                mapX = new float[width * height];
                mapY = new float[width * height];
                lens.copyMaps(mapX, mapY);
            }
            PreprocessArithmetic reference = new PreprocessArithmetic(spec, width, height, mapX, mapY);
            float[] ref = new float[spec.floatsPerImage()];
            float worst = 0;
            int differing = 0;
            for (int f = 0; f < frames; f++) {
                byte[] frame = Frames.part(width, height, stride, 17L * f + width);
                float[] cpu = Frames.cpu(spec, lens, frame, width, height, stride);
                reference.process(frame, stride, ref, 0);
                worst = Math.max(worst, Frames.maxAbsDiff(cpu, ref, 0));
                for (int i = 0; i < ref.length; i++) if (cpu[i] != ref[i]) differing++;
            }
            System.out.printf("kernel arithmetic vs OpenCV, %dx%d ROI %dx%d, undistort %s: max |diff| %.3g, %d of %d values differ%n",
                    width, height, spec.roiWidth(), spec.roiHeight(), undistort, worst, differing, frames * ref.length);
            assertTrue(worst <= Frames.TOLERANCE, "max |diff| " + worst + " > " + Frames.TOLERANCE);
        }
    }
}
