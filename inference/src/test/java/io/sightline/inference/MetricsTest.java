package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void perfectSeparationIsOne() {
        assertEquals(1.0, Metrics.auroc(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, new boolean[] {false, false, true, true}));
    }

    @Test
    void reversedSeparationIsZero() {
        assertEquals(0.0, Metrics.auroc(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, new boolean[] {false, false, true, true}));
    }

    @Test
    void allTiedIsOneHalf() {
        assertEquals(0.5, Metrics.auroc(new float[] {0.3f, 0.3f, 0.3f, 0.3f, 0.3f}, new boolean[] {true, false, false, true, false}));
    }

    @Test
    void countsPairsWithTiesAsHalf() {
        // Positives 0.4 and 0.7; negatives 0.1, 0.4, 0.8. Pairs (pos > neg): 0.4>0.1 (1), 0.4=0.4 (1/2),
        // 0.4<0.8 (0), 0.7>0.1 (1), 0.7>0.4 (1), 0.7<0.8 (0): 3.5 of 6.
        float[] scores = {0.1f, 0.4f, 0.4f, 0.7f, 0.8f};
        boolean[] positive = {false, true, false, true, false};
        assertEquals(3.5 / 6, Metrics.auroc(scores, positive), 1e-12);
    }

    @Test
    void orderOfSamplesDoesNotMatter() {
        float[] scores = {0.8f, 0.4f, 0.1f, 0.7f, 0.4f};
        boolean[] positive = {false, false, false, true, true};
        assertEquals(3.5 / 6, Metrics.auroc(scores, positive), 1e-12);
    }

    @Test
    void rejectsOneSidedOrMismatchedInput() {
        IllegalArgumentException oneSided = assertThrows(IllegalArgumentException.class,
                () -> Metrics.auroc(new float[] {0.1f, 0.2f}, new boolean[] {true, true}));
        assertTrue(oneSided.getMessage().contains("2 positives and 0 negatives"), oneSided.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.auroc(new float[] {0.1f}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.auroc(new float[] {Float.NaN, 0.2f}, new boolean[] {true, false}));
    }
}
