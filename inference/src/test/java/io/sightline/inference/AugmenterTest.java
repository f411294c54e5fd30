package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    private static final int W = 48;
    private static final int H = 32;

    @BeforeAll
    static void load() {
        Natives.opencv();
    }

    private static float[] image(int channels) {
        float[] img = new float[W * H * channels];
        for (int i = 0; i < img.length; i++) img[i] = (float) Math.sin(i * 0.37) + (i % 7) * 0.1f;
        return img;
    }

    private static float[] augment(Augmenter a, float[] img, long seed) {
        float[] out = new float[img.length + 5];
        a.apply(img, out, 5, new Random(seed));
        return java.util.Arrays.copyOfRange(out, 5, out.length);
    }

    @Test
    void theSameSeedGivesTheSameImageAndAnotherSeedAnother() {
        for (int channels : new int[] {1, 3}) {
            try (Augmenter a = new Augmenter(W, H, channels, 0.25f, Augmenter.Settings.defaults())) {
                float[] img = image(channels);
                float[] first = augment(a, img, 7);
                assertArrayEquals(first, augment(a, img, 7), 0f, channels + " channels");
                assertFalse(java.util.Arrays.equals(first, augment(a, img, 8)));
                for (float v : first) assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void noAugmentationIsTheIdentity() {
        try (Augmenter a = new Augmenter(W, H, 1, 0.25f, new Augmenter.Settings(false, 0, 0, 0, 0, 0))) {
            float[] img = image(1);
            assertArrayEquals(img, augment(a, img, 3), 0f);
        }
    }

    @Test
    void flipsOnlyGiveOneOfTheFourMirrors() {
        try (Augmenter a = new Augmenter(W, H, 1, 0.25f, Augmenter.Settings.flipsOnly())) {
            float[] img = image(1);
            float[] out = augment(a, img, 11);
            boolean found = false;
            for (int symmetry = 0; symmetry < 4; symmetry++) {
                float[] mirrored = new float[img.length];
                Augmenter.Symmetries.apply(img, mirrored, 0, W, H, 1, symmetry);
                found |= java.util.Arrays.equals(mirrored, out);
            }
            assertTrue(found);
        }
    }

    @Test
    void brightnessMovesTheMeanWithinItsBound() {
        float normStd = 0.25f;
        var settings = new Augmenter.Settings(false, 0, 0, 0, 0.08f, 0);
        try (Augmenter a = new Augmenter(W, H, 1, normStd, settings)) {
            float[] img = image(1);
            double before = mean(img);
            boolean moved = false;
            for (long seed = 0; seed < 20; seed++) {
                double shift = mean(augment(a, img, seed)) - before;
                assertTrue(Math.abs(shift) <= 0.08 / normStd + 1e-4, "shift " + shift);
                moved |= Math.abs(shift) > 0.01;
            }
            assertTrue(moved);
        }
    }

    @Test
    void aShiftMovesTheContentAndReflectsTheBorder() {
        var settings = new Augmenter.Settings(false, 0, 0.1f, 0, 0, 0);
        try (Augmenter a = new Augmenter(W, H, 1, 0.25f, settings)) {
            float[] img = new float[W * H];
            img[(H / 2) * W + W / 2] = 1f; // one bright pixel in the middle
            float[] out = augment(a, img, 5);
            double sum = 0;
            for (float v : out) sum += v;
            assertEquals(1.0, sum, 0.05, "the bright pixel is moved, not lost");
            assertTrue(out[(H / 2) * W + W / 2] < 1f, "and it is no longer where it was");
        }
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Augmenter.Settings(true, 90, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter.Settings(true, 0, 0.5f, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmenter(W, H, 2, 0.25f, Augmenter.Settings.defaults()));
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }
}
