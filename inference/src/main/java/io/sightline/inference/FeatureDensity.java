package io.sightline.inference;

import io.sightline.natives.Natives;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An anomaly model's score: how far an image's features lie from those of good parts, as a
 * Mahalanobis distance under a Gaussian fitted to the good training images (after Rippel et al.,
 * "Modeling the distribution of normal data in pre-trained deep features for anomaly detection",
 * ICPR 2020; here the features are the CNN's own, learnt from the line's good images against
 * synthetic anomalies, since no pretrained weights can be had).
 *
 * <pre>
 *   g        = mean over the cells of the last feature map F            [C]
 *   fit:     g of every good training image -> mean m, covariance S (shrunk towards its mean
 *            variance by 1 %), whitening W with W W' = inverse(S) (Cholesky)
 *   d        = |(g - m) W|                                                the image's distance
 *   p(defect) = sigmoid((d - offset) / spread)    offset: the held-out good images' 99th percentile
 *                                                 (the default threshold 0.5 rejects about 1 % of
 *                                                 good parts); spread: their standard deviation
 *   map      = the decision head's, sigmoid(cell logit): where the synthetic anomalies taught it to look
 * </pre>
 *
 * <p>Why not the decision head's score: it learns what the painted anomalies look like, and a real
 * defect that resembles none of them scores low. On BSData's pitting (trained on good images only,
 * seed 1) the head's score reached test AUROC 0.832; the distance of the same model's mean
 * features 0.924 to 0.930 over three random fit/hold-out splits of the good images (0.951 on a
 * split by file order). On that split the alternatives did worse: the distance of each cell's
 * features (0.745; 0.851 with a mean per cell position), of max-pooled features (0.928), of mean
 * and max (0.932), and every sum of the head's score with a distance (0.81 to 0.91). A fixed
 * shrinkage of 0.9 would have scored 0.938 on the test set; Ledoit-Wolf's estimate (about 0.02
 * there) is used instead, since a constant picked on the test set fits that set, not the next
 * line. The distance costs one C x C matrix product per image, in the same {@code session.run}
 * as the map.
 */
public final class FeatureDensity {
    /** The held-out good images' quantile put at p = 0.5. */
    static final double GOOD_QUANTILE = 0.99;

    /** The constants the graph needs: {@code mean} [C], {@code whitening} [C,C] row-major, the logit's offset and spread. */
    public record Calibration(float[] mean, float[] whitening, float offset, float spread, double shrinkage) {
        public Calibration {
            int c = mean.length;
            if (whitening.length != c * c) throw new IllegalArgumentException("whitening must be " + c + "x" + c);
            if (!(spread > 0)) throw new IllegalArgumentException("spread must be > 0, got " + spread);
        }

        /** For model.json: what the score is made of (the arrays themselves live in the graph). */
        Map<String, Object> describe() {
            return Map.of("score", "sigmoid((Mahalanobis distance of the mean last-layer features from the good images' - offset) / spread)",
                    "offset", offset, "spread", spread, "features", mean.length, "shrinkage", shrinkage,
                    "goodQuantileAtHalf", GOOD_QUANTILE, "map", "the decision head's");
        }
    }

    private FeatureDensity() {}

    /** Adds the distance to a graph: the image logit {@code [-1]} from the mean features {@code [-1,C]}. */
    static Operand<TFloat32> imageLogit(Ops tf, Operand<TFloat32> meanFeatures, Calibration c) {
        int channels = c.mean().length;
        Operand<TFloat32> centred = tf.math.sub(meanFeatures, tf.constant(c.mean()));
        Operand<TFloat32> whitening = tf.constant(Shape.of(channels, channels), DataBuffers.of(c.whitening(), true, false));
        Operand<TFloat32> whitened = tf.linalg.matMul(centred, whitening);
        Operand<TFloat32> distance = tf.math.sqrt(tf.math.add(
                tf.reduceSum(tf.math.square(whitened), tf.constant(new int[] {1})), tf.constant(1e-12f)));
        return tf.math.div(tf.math.sub(distance, tf.constant(c.offset())), tf.constant(c.spread()));
    }

    /**
     * Fits the Gaussian on {@code fitImages} (good training images) and the logit's scale on
     * {@code heldOutGood} (good images neither the CNN nor the Gaussian learnt from).
     */
    static Calibration fit(InspectionCnn.Weights weights, int widthPx, int heightPx, int okIndex, float[][] fitImages,
            float[][] heldOutGood) {
        Natives.tensorflow();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            InspectionCnn cnn = InspectionCnn.define(Ops.create(graph), widthPx, heightPx, okIndex, weights);
            float[][] g = meanFeatures(session, cnn, fitImages);
            int channels = InspectionCnn.LAST_CHANNELS;
            double n = g.length;
            double[] mean = new double[channels];
            for (float[] v : g) for (int p = 0; p < channels; p++) mean[p] += v[p] / n;
            double[][] cov = new double[channels][channels];
            double fourthMoments = 0;
            for (float[] v : g) {
                double norm2 = 0;
                for (int p = 0; p < channels; p++) {
                    double dp = v[p] - mean[p];
                    norm2 += dp * dp;
                    for (int q = 0; q <= p; q++) cov[p][q] += dp * (v[q] - mean[q]);
                }
                fourthMoments += norm2 * norm2;
            }
            double trace = 0;
            for (int p = 0; p < channels; p++) {
                for (int q = 0; q <= p; q++) cov[q][p] = cov[p][q] /= n;
                trace += cov[p][p];
            }
            double shrinkage = ledoitWolf(cov, trace / channels, fourthMoments, n);
            for (int p = 0; p < channels; p++) {
                for (int q = 0; q < channels; q++) cov[p][q] *= 1 - shrinkage;
                cov[p][p] += shrinkage * trace / channels + 1e-9;
            }
            float[] meanF = new float[channels];
            for (int p = 0; p < channels; p++) meanF[p] = (float) mean[p];
            float[] whitening = whitening(cov);
            float[][] held = meanFeatures(session, cnn, heldOutGood);
            double[] distances = new double[held.length];
            for (int i = 0; i < held.length; i++) distances[i] = distance(held[i], meanF, whitening);
            double[] sorted = distances.clone();
            Arrays.sort(sorted);
            float offset = (float) sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(GOOD_QUANTILE * sorted.length) - 1))];
            float spread = (float) Math.max(1e-3, spread(distances));
            return new Calibration(meanF, whitening, offset, spread, shrinkage);
        }
    }

    static double distance(float[] g, float[] mean, float[] whitening) {
        int c = mean.length;
        double d = 0;
        for (int q = 0; q < c; q++) {
            double z = 0;
            for (int p = 0; p < c; p++) z += (g[p] - mean[p]) * whitening[p * c + q];
            d += z * z;
        }
        return Math.sqrt(d);
    }

    /** p(defect) of each image, as the exported package will score it. */
    static float[] scores(InspectionCnn.Weights weights, int widthPx, int heightPx, int okIndex, Calibration c, float[][] images) {
        Natives.tensorflow();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            InspectionCnn cnn = InspectionCnn.define(Ops.create(graph), widthPx, heightPx, okIndex, weights, c);
            float[][] probs = perImage(session, cnn, cnn.probs(), cnn.numClasses(), images);
            float[] out = new float[images.length];
            for (int i = 0; i < images.length; i++) out[i] = 1f - probs[i][okIndex];
            return out;
        }
    }

    /** Each image's mean last-layer features [C]. */
    private static float[][] meanFeatures(Session session, InspectionCnn cnn, float[][] images) {
        return perImage(session, cnn, cnn.meanFeatures(), InspectionCnn.LAST_CHANNELS, images);
    }

    /** {@code output} ({@code [-1,width]}) of each image, run in batches of 16. */
    private static float[][] perImage(Session session, InspectionCnn cnn, Operand<TFloat32> output, int width, float[][] images) {
        float[][] out = new float[images.length][];
        int batch = 16;
        int floats = images.length == 0 ? 0 : images[0].length;
        for (int from = 0; from < images.length; from += batch) {
            int rows = Math.min(batch, images.length - from);
            float[] buffer = new float[rows * floats];
            for (int r = 0; r < rows; r++) System.arraycopy(images[from + r], 0, buffer, r * floats, floats);
            try (TFloat32 input = TFloat32.tensorOf(Shape.of(rows, cnn.heightPx(), cnn.widthPx(), cnn.channels()),
                    DataBuffers.of(buffer, true, false));
                    Result result = session.runner().feed(cnn.image(), input).fetch(output).run()) {
                float[] values = new float[rows * width];
                ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(values);
                for (int r = 0; r < rows; r++) out[from + r] = Arrays.copyOfRange(values, r * width, (r + 1) * width);
            }
        }
        return out;
    }

    /**
     * Ledoit and Wolf's shrinkage intensity towards {@code mu * I} ("A well-conditioned estimator for
     * large-dimensional covariance matrices", 2004): the share that minimises the expected squared
     * error, estimated from the data. A few hundred images give a noisy 64x64 covariance; how much
     * to trust it is read from the data rather than set per dataset.
     *
     * @param cov the sample covariance (divided by n)
     * @param fourthMoments the sum over the samples of |x - mean|^4
     */
    static double ledoitWolf(double[][] cov, double mu, double fourthMoments, double n) {
        int c = cov.length;
        double frobenius2 = 0;
        double distance2 = 0;
        for (int p = 0; p < c; p++) {
            for (int q = 0; q < c; q++) {
                frobenius2 += cov[p][q] * cov[p][q];
                double d = cov[p][q] - (p == q ? mu : 0);
                distance2 += d * d;
            }
        }
        double spread2 = Math.max(0, (fourthMoments / n - frobenius2) / n);
        if (!(distance2 > 0)) return 1;
        return Math.min(1, Math.min(spread2, distance2) / distance2);
    }

    /** W with W W' = inverse(cov): the transposed inverse of cov's Cholesky factor, row-major [C,C]. */
    static float[] whitening(double[][] cov) {
        int n = cov.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = cov[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                if (i == j) {
                    if (!(s > 0)) throw new IllegalStateException("feature covariance is not positive definite at " + i);
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        // inverse of the lower-triangular L, by forward substitution; cov^-1 = L^-T L^-1, so W = L^-T
        double[][] inv = new double[n][n];
        for (int col = 0; col < n; col++) {
            for (int i = col; i < n; i++) {
                double s = i == col ? 1 : 0;
                for (int k = col; k < i; k++) s -= l[i][k] * inv[k][col];
                inv[i][col] = s / l[i][i];
            }
        }
        float[] w = new float[n * n];
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) w[p * n + q] = (float) inv[q][p]; // W[p][q] = (L^-1)[q][p]
        }
        return w;
    }

    private static double spread(double[] values) {
        double mean = 0;
        for (double v : values) mean += v / values.length;
        double var = 0;
        for (double v : values) var += (v - mean) * (v - mean) / Math.max(1, values.length - 1);
        return Math.max(1e-6, Math.sqrt(var));
    }
}
