package io.sightline.station.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.DefectKind;
import io.sightline.inference.ModelInfo;
import io.sightline.preprocess.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The side queue's bounds without a worker (real OpenCV decoding and preprocessing, no model run):
 * a full queue refuses at once with 503, a request no worker takes is answered 503 when its wait is
 * over, and its slot comes back to the queue once a worker finds it cancelled.
 */
class InspectQueueTest {
    static final Path DEFAULT_MODEL = Path.of(System.getProperty("sightline.home", "..")).resolve("models/default");

    @Test
    void aFullQueueRefusesAndAnUntakenRequestTimesOut() throws Exception {
        assertTrue(Files.isDirectory(DEFAULT_MODEL), "the default model is committed at " + DEFAULT_MODEL);
        ModelInfo info = ModelInfo.read(DEFAULT_MODEL.resolve(ModelInfo.FILE_NAME));
        InspectQueue queue = new InspectQueue(1, info.floatsPerImage(), info.numClasses(), 0);
        PreprocessSpec spec = new PreprocessSpec(0, 0, 256, 256, info.inputWidth(), info.inputHeight(), info.normMean(), info.normStd());
        Inspector inspector = new Inspector(info, DEFAULT_MODEL, List.of(new Inspector.Line("only", 256, 256, spec, null)), i -> 0.5,
                queue, 0, 0, 1 << 20, 300);
        byte[] png = TestImages.part(256, 256, DefectKind.NONE, 1, ".png");

        CompletableFuture<InspectException> first = CompletableFuture.supplyAsync(() -> {
            try {
                inspector.inspect("only", "image/png", png);
                return null;
            } catch (InspectException e) {
                return e;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!queue.hasWaiting() && !first.isDone()) Thread.onSpinWait();
        InspectException full = assertThrows(InspectException.class, () -> inspector.inspect("only", "image/png", png));
        assertEquals(503, full.status());
        assertTrue(full.getMessage().contains("queue is full"), full.getMessage());
        assertEquals(1, queue.refused());

        InspectException waited = first.get();
        assertEquals(503, waited.status(), "no worker took it");
        assertTrue(waited.getMessage().contains("no inspection worker"), waited.getMessage());
        assertEquals(null, queue.poll(), "a worker finds only the cancelled request, and frees it");
        assertTrue(queue.acquire() != null, "its slot is free again");
    }

    @Test
    void aBadQueueSizeIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InspectQueue(0, 16, 2, 0));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
    }
}
