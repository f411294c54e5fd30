package io.sightline.inference;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * An exponential moving average of the trained weights (Polyak averaging), kept in the graph
 * beside them: validation and the exported model use the average, training steps the raw weights.
 *
 * <pre>
 *   after each step t (from 1):  avg = d avg + (1 - d) w,   d = min(1 - 1/horizon, (t - 1) / (t + 9))
 *                                                           (t = 1: avg = w exactly)
 *   horizon = max(50, 5 % of the planned steps)             the average spans the last ~5 % of the plan
 *   evaluate:  backup = w; w = avg  ... run ...  w = backup
 * </pre>
 *
 * <p>Why: with a few hundred images, the weights after any one step carry that step's batch; the
 * validation AUROC swings from epoch to epoch, and the epoch picked as best is partly the one that
 * happened to fit the few validation defects. The average over the last steps is a smoother
 * model (Polyak and Juditsky 1992; the EMA of weights in most image classifiers since), so the
 * best-epoch choice picks between smoother candidates.
 */
final class WeightAverage {
    /** Fewest steps the average spans. */
    static final int MIN_HORIZON = 50;
    /** The share of the planned steps the average spans. */
    static final double HORIZON_SHARE = 0.05;

    private final Placeholder<TFloat32> decay;
    private final Op update;
    private final Op swapIn;
    private final Op restore;
    private final double maxDecay;

    /**
     * Adds the average, its update and the swap ops for {@code variables} to the graph.
     *
     * @param shapes each variable's shape, in the same order
     * @param plannedSteps the optimiser steps the run plans
     */
    WeightAverage(Ops tf, List<Variable<TFloat32>> variables, List<long[]> shapes, long plannedSteps) {
        Ops avg = tf.withSubScope("weight_average");
        this.decay = avg.withName("decay").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        this.maxDecay = 1.0 - 1.0 / horizon(plannedSteps);
        List<Op> updates = new ArrayList<>();
        List<Op> backups = new ArrayList<>();
        List<Variable<TFloat32>> backupVariables = new ArrayList<>();
        List<Variable<TFloat32>> averages = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            Variable<TFloat32> w = variables.get(i);
            Ops init = avg.withInitScope();
            Variable<TFloat32> a = avg.withName("avg" + i).variable(init.zeros(init.constant(shapes.get(i)), TFloat32.class));
            Variable<TFloat32> b = avg.withName("backup" + i).variable(init.zeros(init.constant(shapes.get(i)), TFloat32.class));
            averages.add(a);
            backupVariables.add(b);
            // avg += (1 - d) (w - avg)
            updates.add(avg.assignSub(a, avg.math.mul(avg.math.sub(avg.constant(1f), decay), avg.math.sub(a, w))));
            backups.add(avg.assign(b, w));
        }
        this.update = avg.withControlDependencies(updates).withName("update").noOp();
        // first every backup, then every weight from its average
        Ops afterBackup = avg.withControlDependencies(backups);
        List<Op> loads = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) loads.add(afterBackup.assign(variables.get(i), averages.get(i)));
        this.swapIn = avg.withControlDependencies(loads).withName("swap_in").noOp();
        List<Op> restores = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) restores.add(avg.assign(variables.get(i), backupVariables.get(i)));
        this.restore = avg.withControlDependencies(restores).withName("restore").noOp();
    }

    /** Steps the average spans for a run of {@code plannedSteps}. */
    static double horizon(long plannedSteps) {
        return Math.max(MIN_HORIZON, HORIZON_SHARE * plannedSteps);
    }

    /** The decay after step {@code step} (from 1): 0 at the first, so the average starts at the weights. */
    double decay(long step) {
        return Math.min(maxDecay, (step - 1) / (double) (step + 9));
    }

    /** Folds the weights after step {@code step} (from 1) into the average. */
    void update(Session session, long step) {
        try (TFloat32 d = TFloat32.scalarOf((float) decay(step))) {
            session.runner().feed(decay, d).addTarget(update).run();
        }
    }

    /** Puts the average into the model's weights, keeping the raw ones aside until {@link #restore}. */
    void swapIn(Session session) {
        session.runner().addTarget(swapIn).run();
    }

    /** Puts the raw weights back after {@link #swapIn}. */
    void restore(Session session) {
        session.runner().addTarget(restore).run();
    }
}
