package io.sightline.preprocess.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Where CUDA cannot run (no GPU, no driver), construction fails with a message naming what is
 * missing; and on any machine, a spec the gray kernel does not take (colour, or converted channels)
 * is refused before CUDA is touched, naming the channels.
 */
class CudaUnavailableTest {
    @Test
    void colourAndConvertingSpecsAreRefusedBeforeCudaLoads() {
        io.sightline.preprocess.PreprocessSpec gray = Frames.stationSpec(1280, 1024);
        assertTrue(CudaPreprocessor.supports(gray));
        for (int[] c : new int[][] {{3, 3}, {3, 1}, {1, 3}}) {
            io.sightline.preprocess.PreprocessSpec spec = gray.withChannels(c[0], c[1]);
            assertFalse(CudaPreprocessor.supports(spec));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CudaPreprocessor(spec, 1280, 1024, 1280 * c[0], null));
            assertTrue(e.getMessage().contains("gray frames into a gray model only, the spec has " + c[0] + " frame channel(s) and "
                    + c[1] + " model input channel(s)"), e.getMessage());
        }
    }

    @Test
    void constructionNamesWhatIsMissing() {
        assumeTrue(Cuda.unavailableReason() != null, "this machine has CUDA: CudaPreprocessorGpuTest covers it");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> new CudaPreprocessor(Frames.stationSpec(1280, 1024), 1280, 1024, 1280, null));
        System.out.println("without CUDA: " + e.getMessage());
        assertTrue(e.getMessage().contains("NVIDIA GPU") && e.getMessage().contains("CUDA 13"), e.getMessage());
    }
}
