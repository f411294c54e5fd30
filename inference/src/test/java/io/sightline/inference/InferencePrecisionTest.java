package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/** bfloat16 inference: the option, where it is refused, and a real session computing in it. */
class InferencePrecisionTest {
    @TempDir
    Path tempDir;

    @Test
    void parsesBothSpellingsAndNamesABadOne() {
        assertEquals(InferencePrecision.FP32, InferencePrecision.parse("fp32"));
        assertEquals(InferencePrecision.BF16, InferencePrecision.parse("BF16"));
        assertEquals(InferencePrecision.BF16, InferencePrecision.parse("bfloat16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferencePrecision.parse("fp16"));
        assertTrue(e.getMessage().contains("'fp16'") && e.getMessage().contains("fp32 or bf16"), e.getMessage());
        assertEquals("bf16", InferencePrecision.BF16.toString());
    }

    @Test
    void bf16NeedsANativeBfloat16Cpu() {
        assertNull(InferencePrecision.bf16Unsupported("fpu sse2 avx512f avx512_bf16 avx512_vnni"));
        assertNull(InferencePrecision.bf16Unsupported("fpu amx_tile amx_bf16"));
        String without = InferencePrecision.bf16Unsupported("fpu sse2 avx2 avx512f avx512bw");
        assertNotNull(without);
        assertTrue(without.contains("AVX512_BF16") && without.contains("fp32"), without);
        assertNotNull(InferencePrecision.bf16Unsupported(null), "unreadable flags are no licence");
        assertNull(InferencePrecision.FP32.unsupportedReason(), "fp32 runs anywhere");
    }

    @Test
    void bf16IsRefusedOnAGpu() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceDevice.gpu(0, 0).withPrecision(InferencePrecision.BF16));
        assertTrue(e.getMessage().contains("bf16") && e.getMessage().contains("cuda:0"), e.getMessage());
    }

    @Test
    void bf16SessionsRewriteTheGraphAndScoreCloseToFp32() {
        assumeTrue(InferencePrecision.BF16.unsupportedReason() == null,
                "this CPU has no native bfloat16: " + InferencePrecision.BF16.unsupportedReason());
        InferenceDevice bf16 = InferenceDevice.cpu().withPrecision(InferencePrecision.BF16);
        ConfigProto config = bf16.sessionConfig(0, false);
        assertEquals(RewriterConfig.Toggle.ON, config.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16());
        assertEquals(2, bf16.sessionConfig(2, false).getIntraOpParallelismThreads(), "threads are kept");
        assertEquals("cpu (bf16)", bf16.toString());

        ModelInfo info = TestModels.info(List.of("ok", "scratch", "dent"), 32, 32);
        Path dir = TestModels.export(tempDir.resolve("m"), info, InspectionCnn.Weights.heInitialised(1, 3, 7));
        int n = 8;
        float[][] scores = new float[2][n];
        InferenceDevice[] devices = {InferenceDevice.cpu(), bf16};
        for (int d = 0; d < 2; d++) {
            try (ModelPackage model = ModelPackage.load(dir, 1, devices[d]); BatchClassifier c = model.newClassifier(n)) {
                Random random = new Random(3);
                for (int i = 0; i < n; i++) c.stage(i, TestModels.noiseImage(info.floatsPerImage(), random));
                c.run(n);
                for (int i = 0; i < n; i++) scores[d][i] = c.defectScore(i);
            }
        }
        double maxDiff = 0;
        for (int i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(scores[0][i] - scores[1][i]));
        assertTrue(maxDiff > 0, "bf16 must actually change the arithmetic: scores bit-identical to fp32");
        assertTrue(maxDiff < 0.05, "bf16 scores within 0.05 of fp32, got a difference of " + maxDiff);
    }
}
