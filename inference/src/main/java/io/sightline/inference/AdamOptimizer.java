package io.sightline.inference;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adam (Kingma and Ba) over a fixed list of variables, with the learning rate fed at every step so
 * the trainer can lower it when validation stops improving. TensorFlow Java's
 * {@code framework.optimizers.Adam} bakes the rate into the graph as a constant.
 *
 * <pre>
 *   gradients = d loss / d variables          (graph.addGradients, built once)
 *   per variable: m, v slots (zero)           ApplyAdam(var, m, v, beta1^t, beta2^t, lr, ...)
 *   fed per step: lr, beta1^t, beta2^t        as scalars, so one graph serves every step
 * </pre>
 *
 * <p>Training only: {@link #feed} allocates three scalar tensors per step, which the caller closes.
 */
final class AdamOptimizer {
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-7f;

    private final Placeholder<TFloat32> learningRate;
    private final Placeholder<TFloat32> beta1Power;
    private final Placeholder<TFloat32> beta2Power;
    private final Op update;

    /**
     * Adds the gradient and update ops for {@code variables} to {@code graph}.
     *
     * @param shapes each variable's shape, in the same order
     */
    AdamOptimizer(Graph graph, Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables, List<long[]> shapes) {
        Ops adam = tf.withSubScope("adam");
        this.learningRate = adam.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        this.beta1Power = adam.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        this.beta2Power = adam.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        Output<?>[] targets = new Output<?>[variables.size()];
        for (int i = 0; i < targets.length; i++) targets[i] = variables.get(i).asOutput();
        Output<?>[] gradients = graph.addGradients(loss.asOutput(), targets);
        // Barrier: every update waits for every gradient. The variables are read by reference, so an
        // update that ran while a backward op of another layer still had to read its kernel would
        // change that op's input mid-step, and the result would depend on thread timing.
        List<Op> computed = new ArrayList<>();
        for (Output<?> gradient : gradients) computed.add(adam.identity(gradient));
        Ops afterGradients = adam.withControlDependencies(computed);
        Operand<TFloat32> beta1 = adam.constant(BETA1);
        Operand<TFloat32> beta2 = adam.constant(BETA2);
        Operand<TFloat32> epsilon = adam.constant(EPSILON);
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            Variable<TFloat32> variable = variables.get(i);
            Operand<TFloat32> zeros = adam.withInitScope().zeros(adam.withInitScope().constant(shapes.get(i)), TFloat32.class);
            Variable<TFloat32> m = adam.withName("m" + i).variable(zeros);
            Variable<TFloat32> v = adam.withName("v" + i).variable(zeros);
            @SuppressWarnings("unchecked")
            Operand<TFloat32> gradient = afterGradients.identity((Output<TFloat32>) gradients[i]);
            updates.add(adam.train.applyAdam(variable, m, v, beta1Power, beta2Power, learningRate, beta1, beta2, epsilon,
                    gradient));
        }
        this.update = adam.withControlDependencies(updates).withName("update").noOp();
    }

    /**
     * Feeds step {@code step} (counted from 1) at {@code rate} into {@code runner}; returns the
     * three scalar tensors fed, which the caller closes after the run.
     */
    TFloat32[] feed(Session.Runner runner, long step, float rate) {
        TFloat32[] fed = {
            TFloat32.scalarOf(rate),
            TFloat32.scalarOf((float) Math.pow(BETA1, step)),
            TFloat32.scalarOf((float) Math.pow(BETA2, step)),
        };
        runner.feed(learningRate, fed[0]).feed(beta1Power, fed[1]).feed(beta2Power, fed[2]).addTarget(update);
        return fed;
    }
}
