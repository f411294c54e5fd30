package io.sightline.preprocess.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Where CUDA cannot run (no GPU, no driver), construction fails with a message naming what is missing. */
class CudaUnavailableTest {
    @Test
    void constructionNamesWhatIsMissing() {
        assumeTrue(Cuda.unavailableReason() != null, "this machine has CUDA: CudaPreprocessorGpuTest covers it");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> new CudaPreprocessor(Frames.stationSpec(1280, 1024), 1280, 1024, 1280, null));
        System.out.println("without CUDA: " + e.getMessage());
        assertTrue(e.getMessage().contains("NVIDIA GPU") && e.getMessage().contains("CUDA 13"), e.getMessage());
    }
}
