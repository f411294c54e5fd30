package io.sightline.bench;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.InferenceDevice;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.postprocess.Outcome;
import io.sightline.preprocess.PreprocessSpec;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rivals run the real model on real replayed frames and account for every one of them. */
class StrongContenderTest {
    private static ReplaySource replay;
    private static PreprocessSpec spec;
    private static int[] roi;
    private static ModelInfo info;

    @BeforeAll
    static void record() throws Exception {
        Natives.loadAll();
        try (SyntheticPartCamera cam = new SyntheticPartCamera("line-0", SyntheticPartCamera.Options.defaults().withSize(320, 256))) {
            replay = ReplaySource.record("replay:line-0", cam, 8);
        }
        info = ModelInfo.read(BenchPaths.defaultModel().resolve(ModelInfo.FILE_NAME));
        roi = SyntheticPartCamera.defaultRoi(320, 256);
        spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], info.inputWidth(), info.inputHeight(), info.normMean(), info.normStd());
    }

    @AfterAll
    static void close() {
        if (replay != null) replay.close();
    }

    @Test
    void everyOfferedFrameGetsOneOutcomeInBatches() throws Exception {
        try (StrongContender c = new StrongContender(ModelPackage.load(BenchPaths.defaultModel(), 0, InferenceDevice.cpu()), List.of(replay),
                spec, 0.5f, 64, 8, 2_000)) {
            StepResult r = c.runStep(200, 1.0);
            assertEquals(200, r.captured());
            assertEquals(r.captured(), r.decided());
            assertTrue(r.balanced());
            assertEquals(0, r.failSafe(), "200 frames/s is far below what one batching thread handles: " + r.failSafeByReason());
            long inBatches = 0;
            long[] h = r.batchHistogram();
            for (int b = 1; b < h.length; b++) inBatches += b * h[b];
            assertEquals(200, inBatches, "every frame went through exactly one batch");
        }
    }

    @Test
    void aFullQueueIsAFailSafeRejectAndStillAccountedFor() throws Exception {
        // two buffers and a 1 ms deadline at a rate the batching thread cannot keep: turned away or late, never lost
        try (StrongContender c = new StrongContender(ModelPackage.load(BenchPaths.defaultModel(), 0, InferenceDevice.cpu()), List.of(replay),
                spec, 0.5f, 2, 2, 1)) {
            StepResult r = c.runStep(5_000, 0.2);
            assertEquals(1000, r.captured());
            assertEquals(r.captured(), r.decided());
            assertTrue(r.balanced());
            assertTrue(r.failSafeByReason().get(Outcome.FAILSAFE_RING_FULL.reason()) > 0, r.failSafeByReason().toString());
            assertTrue(r.failSafe() > 0);
        }
    }

    @Test
    void theNaiveRivalAccountsForEveryFrameToo() throws Exception {
        try (NaiveContender c = new NaiveContender(BenchPaths.defaultModel(), info, List.of(replay), roi, 0.5f, 2, 64, 2_000,
                InferenceDevice.cpu())) {
            StepResult r = c.runStep(100, 1.0);
            assertEquals(100, r.captured());
            assertEquals(r.captured(), r.decided());
            assertTrue(r.balanced());
            assertEquals(0, r.failSafe(), r.failSafeByReason().toString());
            assertEquals(100, r.batchHistogram()[1], "one session.run per frame");
        }
    }
}
