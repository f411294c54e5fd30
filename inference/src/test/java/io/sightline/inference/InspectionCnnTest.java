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
        long conv1 = 64L * 64 * 16 * 5 * 5 * 1; // stride 2, then pool
        long conv2 = 32L * 32 * 32 * 3 * 3 * 16; // then pool
        long conv3 = 16L * 16 * 32 * 3 * 3 * 32; // then pool
        long conv4 = 8L * 8 * 64 * 3 * 3 * 32;
        long dense = 128L * 2;
        long decision = 8L * 8 * 64 + 64; // per cell of the 8x8 map, and the mean term
        assertEquals(2 * (conv1 + conv2 + conv3 + conv4 + dense + decision), InspectionCnn.flopsPerImage(128, 128, 1, 2));
        assertEquals(19_800_704L, InspectionCnn.flopsPerImage(128, 128, 1, 2));
        assertEquals(8, InspectionCnn.mapSide(128));
    }

    @Test
    void flopsRoundOddSizesUp() {
        // 17 px -> 9 (stride 2) -> 5 -> 3 -> 2 at the pools (SAME padding rounds up).
        long expected = 2 * (81L * 16 * 25 + 25L * 32 * 9 * 16 + 9L * 32 * 9 * 32 + 4L * 64 * 9 * 32 + 128L * 3 + 4L * 64 + 64);
        assertEquals(expected, InspectionCnn.flopsPerImage(17, 17, 1, 3));
        assertEquals(2, InspectionCnn.mapSide(17));
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
        assertArrayEquals(new float[16], a.values(InspectionCnn.Parameter.CONV1_BIAS), "biases start at zero");
    }

    @Test
    void heInitialisationHasTheExpectedSpread() {
        float[] kernel = InspectionCnn.Weights.heInitialised(1, 2, 7).values(InspectionCnn.Parameter.CONV3_KERNEL);
        double sumOfSquares = 0;
        for (float value : kernel) sumOfSquares += value * value;
        double expectedVariance = 2.0 / (3 * 3 * 32);
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
    void parametersFollowTheConvolutionTable() {
        // a kernel and a bias per convolution, the class head's two, the decision head's three:
        // editing the table without the enum fails here
        assertEquals(2 * InspectionCnn.CONVS.length + 2 + 3, InspectionCnn.Parameter.values().length);
        assertArrayEquals(new long[] {64, 1}, InspectionCnn.Parameter.MAP_KERNEL.shape(1, 2));
        assertArrayEquals(new long[] {1}, InspectionCnn.Parameter.DECISION_BIAS.shape(1, 2));
        long[] lastKernel = InspectionCnn.Parameter.CONV4_KERNEL.shape(1, 2);
        assertArrayEquals(new long[] {3, 3, 32, 64}, lastKernel);
        assertArrayEquals(new long[] {InspectionCnn.FEATURES, 2}, InspectionCnn.Parameter.DENSE_KERNEL.shape(1, 2));
    }

    @Test
    void rejectsInputsSmallerThanTheDownsampling() {
        assertThrows(IllegalArgumentException.class, () -> InspectionCnn.flopsPerImage(15, 128, 1, 2));
    }
}
