package io.sightline.inference;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The graph building blocks {@link InspectionCnn} is made of: a convolution with its leaky relu,
 * a 2x2 max pool, and the mix of the two heads into the class probabilities. Each adds ops to the
 * graph in a fixed order, so the generated op names do not change from one build to the next.
 */
final class CnnLayers {
    private CnnLayers() {}

    /** A SAME-padded convolution with {@code stride}, its bias, and a leaky relu. */
    static Operand<TFloat32> convRelu(Ops tf, Operand<TFloat32> input, Operand<TFloat32> kernel,
            Operand<TFloat32> bias, long stride) {
        Operand<TFloat32> convolution = tf.nn.conv2d(input, kernel, List.of(1L, stride, stride, 1L), "SAME");
        return tf.nn.leakyRelu(tf.nn.biasAdd(convolution, bias), LeakyRelu.alpha(InspectionCnn.LEAKY_SLOPE));
    }

    /** A SAME-padded max pool of {@link InspectionCnn#POOL_SIZE} square, with that stride. */
    static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> input) {
        Operand<TInt32> window = tf.constant(new int[] {1, InspectionCnn.POOL_SIZE, InspectionCnn.POOL_SIZE, 1});
        return tf.nn.maxPool(input, window, window, "SAME");
    }

    /**
     * The class probabilities {@code [-1,K]}, the last op named {@code name}: p(ok) is
     * {@code 1 - p(defect)} from the decision head, and the defect classes share p(defect) in
     * the class head's softmax proportions.
     */
    static Operand<TFloat32> probabilities(Ops tf, String name, Operand<TFloat32> logits,
            Operand<TFloat32> decisionLogit, int okIndex, int numClasses) {
        Operand<TFloat32> softmax = tf.nn.softmax(logits);
        Operand<TFloat32> pDefect = tf.reshape(tf.math.sigmoid(decisionLogit), tf.constant(new long[] {-1, 1}));
        float[] okMask = new float[numClasses];
        okMask[okIndex] = 1f;
        float[] defectMask = new float[numClasses];
        Arrays.fill(defectMask, 1f);
        defectMask[okIndex] = 0f;
        Operand<TFloat32> sOk = tf.reduceSum(tf.math.mul(softmax, tf.constant(okMask)), tf.constant(1), ReduceSum.keepDims(true));
        Operand<TFloat32> defectShare = tf.math.div(tf.math.mul(softmax, tf.constant(defectMask)),
                tf.math.maximum(tf.math.sub(tf.constant(1f), sOk), tf.constant(1e-12f)));
        return tf.withName(name).math.add(
                tf.math.mul(tf.math.sub(tf.constant(1f), pDefect), tf.constant(okMask)),
                tf.math.mul(pDefect, defectShare));
    }
}
