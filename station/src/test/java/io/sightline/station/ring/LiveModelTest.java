package io.sightline.station.ring;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import io.sightline.station.models.ModelCopies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-over on real TensorFlow sessions: a worker moves only at a batch boundary, and the last one out frees the old version. */
class LiveModelTest {
    @Test
    void theOldVersionIsFreedWhenTheLastWorkerLeavesIt(@TempDir Path tmp) throws Exception {
        Path v2 = ModelCopies.asVersion(tmp.resolve("v2"), "2");
        Path v3 = ModelCopies.asVersion(tmp.resolve("v3"), "3");
        try (ModelPackage first = ModelPackage.load(ModelCopies.DEFAULT)) {
            LiveModel live = new LiveModel(first, "v1", 0, 2, 8);
            LiveModel.Hold w0 = live.hold(0);
            LiveModel.Hold w1 = live.hold(1);
            BatchClassifier c0 = w0.atBoundary();
            assertSame(c0, w0.classifier());

            ModelPackage second = ModelPackage.load(v2);
            LiveModel.Generation g2 = live.prepare(second, "v2", 1);
            LiveModel.Generation g1 = live.publish(g2);
            assertSame(c0, w0.classifier(), "a worker keeps its classifier until its next batch boundary");
            BatchClassifier c0v2 = w0.atBoundary();
            assertNotSame(c0, c0v2);
            assertEquals(1, w0.journalId());
            assertFalse(g1.freed(), "worker 1 still runs the first version");
            assertFalse(live.awaitAndFree(g1, 1), "not while a worker is on it");
            assertFalse(g1.freed());
            c0v2.run(1); // the new version scores
            assertTrue(Float.isFinite(c0v2.defectScore(0)));
            w1.atBoundary();
            assertFalse(g1.freed(), "a worker frees nothing on its own thread");
            assertTrue(live.awaitAndFree(g1, 10_000));
            assertTrue(g1.freed(), "freed once the last worker left");
            assertNotNull(first.newClassifier(1), "the first package is its opener's: not closed by the swap");

            ModelPackage third = ModelPackage.load(v3);
            live.publish(live.prepare(third, "v3", 2));
            w0.atBoundary();
            w1.atBoundary();
            assertTrue(live.awaitAndFree(g2, 10_000));
            assertTrue(g2.freed());
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> second.newClassifier(1));
            assertTrue(closed.getMessage().contains("is closed"), "a swapped-in version's session is freed: " + closed.getMessage());

            w0.release();
            w1.release();
            live.close();
            assertThrows(IllegalStateException.class, () -> third.newClassifier(1), "the live version is freed once every worker stopped");
        }
    }
}
