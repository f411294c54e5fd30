package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InspectionCnnTest {
    @Test
    void flopsFor128x128Grey() {
        long conv1 = 64L * 64 * 8 * 5 * 5 * 1;
        long conv2 = 32L * 32 * 16 * 3 * 3 * 8;
        long conv3 = 16L * 16 * 32 * 3 * 3 * 16;
        long dense = 64L * 2;
        assertEquals(2 * (conv1 + conv2 + conv3 + dense), InspectionCnn.flopsPerImage(128, 128, 1, 2));
        assertEquals(6_357_248L, InspectionCnn.flopsPerImage(128, 128, 1, 2));
    }

    @Test
    void flopsRoundOddSizesUp() {
        // 9 px -> 5 -> 3 -> 2 at the three downsampling steps (SAME padding).
        long expected = 2 * (25L * 8 * 25 + 9L * 16 * 9 * 8 + 4L * 32 * 9 * 16 + 64L * 3);
        assertEquals(expected, InspectionCnn.flopsPerImage(9, 9, 1, 3));
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        InspectionCnn.Weights a = InspectionCnn.Weights.heInitialised(1, 3, 5);
        InspectionCnn.Weights b = InspectionCnn.Weights.heInitialised(1, 3, 5);
        InspectionCnn.Weights c = InspectionCnn.Weights.heInitialised(1, 3, 6);
        for (InspectionCnn.Parameter parameter : InspectionCnn.Parameter.values()) {
            assertArrayEquals(a.values(parameter), b.values(parameter), parameter.variableName());
        }
        assertFalse(Arrays.equals(a.values(InspectionCnn.Parameter.CONV1_KERNEL), c.values(InspectionCnn.Parameter.CONV1_KERNEL)));
        assertArrayEquals(new float[8], a.values(InspectionCnn.Parameter.CONV1_BIAS), "biases start at zero");
    }

    @Test
    void heInitialisationHasTheExpectedSpread() {
        float[] kernel = InspectionCnn.Weights.heInitialised(1, 2, 7).values(InspectionCnn.Parameter.CONV3_KERNEL);
        double sumOfSquares = 0;
        for (float value : kernel) sumOfSquares += value * value;
        double expectedVariance = 2.0 / (3 * 3 * 16);
        assertEquals(expectedVariance, sumOfSquares / kernel.length, expectedVariance * 0.1);
    }

    @Test
    void weightsRejectWrongLengths() {
        InspectionCnn.Weights weights = InspectionCnn.Weights.heInitialised(1, 3, 5);
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> weights.with(InspectionCnn.Parameter.DENSE_BIAS, new float[2]));
        assertTrue(failure.getMessage().contains("dense_bias needs 3 floats"), failure.getMessage());
    }

    @Test
    void rejectsInputsSmallerThanTheDownsampling() {
        assertThrows(IllegalArgumentException.class, () -> InspectionCnn.flopsPerImage(7, 128, 1, 2));
    }
}
