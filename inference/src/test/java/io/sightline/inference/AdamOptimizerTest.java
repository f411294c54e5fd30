package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.sightline.natives.Natives;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class AdamOptimizerTest {
    /**
     * The first step has a closed form (m and v start at zero and are bias-corrected: every
     * coordinate moves by exactly the rate against the sign of its gradient); later steps, with a
     * rate that changes from step to step, follow a plain-Java Adam.
     */
    @Test
    void followsAReferenceAdamWhenTheRateChanges() {
        Natives.tensorflow();
        float[] rates = {0.3f, 0.3f, 0.1f, 0.05f, 0.2f, 0.01f};
        double[] expected = {3, -2};
        double[] m = new double[2];
        double[] v = new double[2];
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat32> x = tf.withName("x").variable(tf.withInitScope().constant(new float[] {3f, -2f}));
            var loss = tf.reduceSum(tf.math.mul(x, x), tf.constant(0)); // not math.square: its C++ gradient crashes on a variable input
            AdamOptimizer adam = new AdamOptimizer(graph, tf, loss, List.of(x), List.of(new long[] {2}));
            try (Session session = new Session(graph)) {
                for (int t = 1; t <= rates.length; t++) {
                    step(session, adam, t, rates[t - 1]);
                    for (int i = 0; i < 2; i++) {
                        double g = 2 * expected[i];
                        m[i] = AdamOptimizer.BETA1 * m[i] + (1 - AdamOptimizer.BETA1) * g;
                        v[i] = AdamOptimizer.BETA2 * v[i] + (1 - AdamOptimizer.BETA2) * g * g;
                        double mHat = m[i] / (1 - Math.pow(AdamOptimizer.BETA1, t));
                        double vHat = v[i] / (1 - Math.pow(AdamOptimizer.BETA2, t));
                        expected[i] -= rates[t - 1] * mHat / (Math.sqrt(vHat) + AdamOptimizer.EPSILON);
                    }
                    float[] actual = read(session, x);
                    if (t == 1) assertArrayEquals(new float[] {3f - rates[0], -2f + rates[0]}, actual, 1e-5f, "first step");
                    assertArrayEquals(new float[] {(float) expected[0], (float) expected[1]}, actual, 1e-4f, "step " + t);
                }
            }
        }
    }

    private static void step(Session session, AdamOptimizer adam, long step, float rate) {
        Session.Runner runner = session.runner();
        TFloat32[] fed = adam.feed(runner, step, rate);
        try {
            runner.run().close();
        } finally {
            for (TFloat32 t : fed) t.close();
        }
    }

    private static float[] read(Session session, Variable<TFloat32> x) {
        try (Result result = session.runner().fetch(x).run()) {
            TFloat32 value = (TFloat32) result.get(0);
            return new float[] {value.getFloat(0), value.getFloat(1)};
        }
    }
}
