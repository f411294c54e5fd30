package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every figure of {@link Evaluation} against values worked out by hand for a fixed score list. */
class EvaluationTest {
    private static final List<String> CLASSES = List.of("ok", "scratch", "dent");

    /*
     * sample  truth    probs (ok, scratch, dent)  defect score  most probable  at 0.5
     *   0     ok       0.9  0.05 0.05             0.1           ok             pass
     *   1     ok       0.4  0.5  0.1              0.6           scratch        reject (false reject)
     *   2     ok       0.7  0.2  0.1              0.3           ok             pass
     *   3     scratch  0.2  0.7  0.1              0.8           scratch        reject
     *   4     scratch  0.6  0.3  0.1              0.4           ok             pass (escape)
     *   5     dent     0.1  0.6  0.3              0.9           scratch        reject (wrong kind)
     *
     * AUROC: defect scores 0.8, 0.4, 0.9 against ok scores 0.1, 0.6, 0.3:
     *   0.8 beats 3, 0.4 beats 2, 0.9 beats 3 -> 8 of 9 pairs.
     */
    private static final float[][] PROBS = {
        {0.9f, 0.05f, 0.05f}, {0.4f, 0.5f, 0.1f}, {0.7f, 0.2f, 0.1f},
        {0.2f, 0.7f, 0.1f}, {0.6f, 0.3f, 0.1f}, {0.1f, 0.6f, 0.3f},
    };
    private static final int[] LABELS = {0, 0, 0, 1, 1, 2};

    @Test
    void figuresMatchTheHandComputedOnes() {
        Evaluation e = Evaluation.of(CLASSES, 0, PROBS, LABELS, 0.5f);
        assertEquals(8.0 / 9.0, e.auroc(), 1e-12);
        assertEquals(3.0 / 6.0, e.accuracy(), 1e-12);
        assertEquals(1.0 / 3.0, e.escapeRate(), 1e-12);
        assertEquals(1.0 / 3.0, e.falseRejectRate(), 1e-12);
        assertEquals(3, e.okCount());
        assertEquals(3, e.defectCount());
        assertArrayEquals(new int[] {2, 1, 0}, e.confusion()[0]);
        assertArrayEquals(new int[] {1, 1, 0}, e.confusion()[1]);
        assertArrayEquals(new int[] {0, 1, 0}, e.confusion()[2]);
        assertArrayEquals(new double[] {2.0 / 3.0, 0.5, 0.0}, e.perClassRecall(), 1e-12);
    }

    @Test
    void rocCornersStepThroughTheScoresFromHighToLow() {
        Evaluation e = Evaluation.of(CLASSES, 0, PROBS, LABELS, 0.5f);
        double third = 1.0 / 3.0;
        double[][] expected = {{0, 0}, {0, third}, {0, 2 * third}, {third, 2 * third}, {third, 1}, {2 * third, 1}, {1, 1}};
        assertEquals(expected.length, e.roc().size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], e.roc().get(i)[0], 1e-12, "FPR of corner " + i);
            assertEquals(expected[i][1], e.roc().get(i)[1], 1e-12, "TPR of corner " + i);
        }
        // trapezoids under the corners give the AUROC again
        double area = 0;
        for (int i = 1; i < e.roc().size(); i++) {
            area += (e.roc().get(i)[0] - e.roc().get(i - 1)[0]) * (e.roc().get(i)[1] + e.roc().get(i - 1)[1]) / 2;
        }
        assertEquals(e.auroc(), area, 1e-12);
    }

    @Test
    void aScoreAtTheThresholdIsRejected() {
        float[][] probs = {{0.5f, 0.5f}, {0.5f, 0.5f}};
        Evaluation e = Evaluation.of(List.of("ok", "pit"), 0, probs, new int[] {0, 1}, 0.5f);
        assertEquals(1.0, e.falseRejectRate());
        assertEquals(0.0, e.escapeRate());
        assertEquals(0.5, e.auroc(), 1e-12, "a tie counts one half");
    }

    @Test
    void oneSidedSetsHaveNoAurocAndTheJsonSaysSo() {
        Evaluation e = Evaluation.of(List.of("ok", "pit"), 0, new float[][] {{0.8f, 0.2f}}, new int[] {0}, 0.5f);
        assertTrue(Double.isNaN(e.auroc()));
        assertTrue(Double.isNaN(e.escapeRate()));
        assertEquals(0.0, e.falseRejectRate());
        Map<String, Object> m = e.toMap();
        assertNull(m.get("auroc"));
        assertEquals(Map.of("ok", 1, "defect", 0), m.get("n"));
    }

    @Test
    void malformedInputIsNamed() {
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(CLASSES, 0, PROBS, new int[] {0}, 0.5f));
        var wide = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.of(CLASSES, 0, new float[][] {{1f, 0f}}, new int[] {0}, 0.5f));
        assertTrue(wide.getMessage().contains("2 class scores, expected 3"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(CLASSES, 0, PROBS, LABELS, 1.5f));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.of(CLASSES, 0, new float[0][], new int[0], 0.5f));
    }
}
