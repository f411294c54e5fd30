package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arithmetic of an anomaly model's score: whitening, shrinkage, and the distance the graph computes. */
class FeatureDensityTest {
    @Test
    void theWhiteningTimesItsTransposeIsTheInverseCovariance() {
        Random random = new Random(5);
        int n = 6;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i][j] = random.nextGaussian();
        double[][] cov = new double[n][n]; // A A' + I: symmetric positive definite
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) cov[i][j] += a[i][k] * a[j][k];
                if (i == j) cov[i][j] += 1;
            }
        }
        float[] w = FeatureDensity.whitening(cov);
        // cov * (W W') must be the identity
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int k = 0; k < n; k++) {
                    double wwt = 0;
                    for (int m = 0; m < n; m++) wwt += w[k * n + m] * w[j * n + m];
                    v += cov[i][k] * wwt;
                }
                assertEquals(i == j ? 1 : 0, v, 1e-4, "(cov W W')[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void ledoitWolfTrustsAWellSampledCovarianceAndShrinksANoisyOne() {
        Random random = new Random(7);
        int c = 16;
        // strongly correlated features, many samples: the sample covariance is good, little shrinkage
        assertTrue(shrinkageOf(samples(random, 20_000, c, 0.9), c) < 0.05);
        // independent features of equal variance, few samples: the truth is mu * I, shrink almost fully
        assertTrue(shrinkageOf(samples(random, 20, c, 0.0), c) > 0.5);
    }

    @Test
    void theDistanceIsZeroAtTheMeanAndGrowsWithTheDeviationInUnitsOfItsSpread() {
        float[] mean = {1f, -2f};
        float[] whitening = {0.5f, 0f, 0f, 0.25f}; // variances 4 and 16
        assertEquals(0, FeatureDensity.distance(mean, mean, whitening), 1e-9);
        assertEquals(1, FeatureDensity.distance(new float[] {3f, -2f}, mean, whitening), 1e-6); // one sd along the first
        assertEquals(Math.sqrt(2), FeatureDensity.distance(new float[] {3f, 2f}, mean, whitening), 1e-6);
    }

    private static double[][] samples(Random random, int n, int c, double correlation) {
        double[][] x = new double[n][c];
        for (int i = 0; i < n; i++) {
            double common = random.nextGaussian();
            for (int k = 0; k < c; k++) x[i][k] = correlation * common + Math.sqrt(1 - correlation * correlation) * random.nextGaussian();
        }
        return x;
    }

    private static double shrinkageOf(double[][] x, int c) {
        int n = x.length;
        double[] mean = new double[c];
        for (double[] v : x) for (int k = 0; k < c; k++) mean[k] += v[k] / n;
        double[][] cov = new double[c][c];
        double fourth = 0;
        double trace = 0;
        for (double[] v : x) {
            double norm2 = 0;
            for (int p = 0; p < c; p++) {
                norm2 += (v[p] - mean[p]) * (v[p] - mean[p]);
                for (int q = 0; q < c; q++) cov[p][q] += (v[p] - mean[p]) * (v[q] - mean[q]) / n;
            }
            fourth += norm2 * norm2;
        }
        for (int p = 0; p < c; p++) trace += cov[p][p];
        return FeatureDensity.ledoitWolf(cov, trace / c, fourth, n);
    }
}
