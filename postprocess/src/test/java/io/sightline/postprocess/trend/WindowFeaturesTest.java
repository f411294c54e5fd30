package io.sightline.postprocess.trend;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class WindowFeaturesTest {
    @Test
    void featuresAgainstHandComputedValues() {
        // baseline of 20 parts: 2 rejects (p0 = 0.1); 18 good parts, 9 at 0.1 and 9 at 0.3 (mean 0.2, std 0.1)
        WindowFeatures f = new WindowFeatures(2, 10, 20);
        float[] out = new float[WindowFeatures.FEATURES];
        for (int i = 0; i < 20; i++) {
            boolean reject = i < 2;
            assertFalse(f.add(0, reject ? 0.9f : (i % 2 == 0 ? 0.1f : 0.3f), reject, out, 0));
        }
        assertTrue(f.ready(0));
        assertFalse(f.ready(1), "line 1 has seen nothing");
        assertEquals(0.1, f.baseRate(0), 1e-12);
        // a window of 10: 3 rejects, 7 good parts all at 0.3
        boolean done = false;
        for (int i = 0; i < 10; i++) {
            assertFalse(done);
            done = f.add(0, i < 3 ? 0.95f : 0.3f, i < 3, out, 0);
        }
        assertTrue(done);
        double r = 0.3;
        assertEquals((r - 0.1) / Math.sqrt(0.1 * 0.9 / 10), out[0], 1e-5);
        assertEquals(Math.log((r + 0.05) / (0.1 + 0.05)), out[1], 1e-5);
        assertEquals((0.3 - 0.2) / (0.1 / Math.sqrt(7)), out[2], 1e-4);
        assertEquals(Math.log(0.1) / 5, out[3], 1e-6);
        assertEquals((0.3 - 0.2) / (1 - 0.2), out[4], 1e-5, "good parts went an eighth of the way to a certain defect");
        // a window of rejects alone has no good part to move
        for (int i = 0; i < 10; i++) f.add(0, 0.95f, true, out, 0);
        assertEquals(0f, out[4]);
        assertEquals(0f, out[2]);
    }

    @Test
    void aBaselineWithoutRejectsStillHasARate() {
        WindowFeatures f = new WindowFeatures(1, 5, 10);
        float[] out = new float[WindowFeatures.FEATURES];
        for (int i = 0; i < 10; i++) f.add(0, 0.1f, false, out, 0);
        assertEquals(0.05, f.baseRate(0), 1e-12, "half a reject over the baseline");
        assertThrows(IllegalArgumentException.class, () -> new WindowFeatures(1, 20, 10));
        assertThrows(IllegalArgumentException.class, () -> new WindowFeatures(1, 0, 10));
    }

    @Test
    void aWindowOfOnePartStepsOnEveryPart() {
        // a series of a few dozen images is watched image by image
        WindowFeatures f = new WindowFeatures(1, 1, 10);
        float[] out = new float[WindowFeatures.FEATURES];
        for (int i = 0; i < 10; i++) assertFalse(f.add(0, i % 2 == 0 ? 0.1f : 0.2f, false, out, 0));
        assertTrue(f.add(0, 0.45f, false, out, 0));
        assertEquals((0.45 - 0.15) / 0.05, out[2], 1e-4, "one good part, against the baseline's deviation");
        assertEquals((0.45 - 0.15) / 0.85, out[4], 1e-5);
        assertTrue(f.add(0, 0.9f, true, out, 0));
        assertEquals((1 - 0.05) / Math.sqrt(0.05 * 0.95), out[0], 1e-4, "a reject against p0 = 0.5 / 10");
    }
}
