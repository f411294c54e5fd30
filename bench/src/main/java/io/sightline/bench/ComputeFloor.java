package io.sightline.bench;

import io.sightline.natives.Natives;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * The compute floor: the machine's float32 matrix-multiply rate through TensorFlow (a large square
 * {@code MatMul} on every core, the best-tuned kernel the CPU build has), and from it the frame rate
 * no implementation of the CNN could pass: FLOP/s divided by the CNN's FLOPs per frame. Real
 * convolutions reach less than a big matmul, so the floor is generous.
 */
final class ComputeFloor {
    /** @param flopsPerSecond median over the timed runs */
    record Measurement(int size, double flopsPerSecond, int runs) {}

    private ComputeFloor() {}

    static Measurement measure(int n, double seconds) {
        Natives.tensorflow();
        try (Graph g = new Graph(); Session session = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class);
            Placeholder<TFloat32> b = tf.placeholder(TFloat32.class);
            MatMul<TFloat32> product = tf.linalg.matMul(a, b);
            // Reduce to one number so the fetch does not copy the n x n result out every run.
            var sum = tf.reduceSum(product, tf.constant(new int[] {0, 1}));
            try (TFloat32 left = TFloat32.tensorOf(Shape.of(n, n)); TFloat32 right = TFloat32.tensorOf(Shape.of(n, n))) {
                java.util.SplittableRandom random = new java.util.SplittableRandom(1);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        left.setFloat((float) random.nextDouble(-1, 1), i, j);
                        right.setFloat((float) random.nextDouble(-1, 1), i, j);
                    }
                }
                Session.Runner runner = session.runner().feed(a, left).feed(b, right).fetch(sum);
                double flops = 2.0 * n * n * n;
                long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
                do {
                    try (Result r = runner.run()) {
                        // warm-up: thread pools, kernel selection
                    }
                } while (System.nanoTime() - warmEnd < 0);
                double[] rates = new double[4096];
                int runs = 0;
                long end = System.nanoTime() + (long) (seconds * 1e9);
                while (runs < rates.length && (runs < 3 || System.nanoTime() - end < 0)) {
                    long t0 = System.nanoTime();
                    try (Result r = runner.run()) {
                        rates[runs++] = flops / ((System.nanoTime() - t0) / 1e9);
                    }
                }
                double[] measured = Arrays.copyOf(rates, runs);
                Arrays.sort(measured);
                return new Measurement(n, measured[runs / 2], runs);
            }
        }
    }
}
