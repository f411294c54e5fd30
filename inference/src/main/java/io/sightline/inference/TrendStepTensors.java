package io.sightline.inference;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * What {@link TrendLstm.Runner#step} keeps between steps so that a step allocates only what
 * TensorFlow's own session run does: the graph's feed and fetch operands, looked up once; the
 * input tensors, one set per number of lines stepped (at most the tracker's lines), filled in
 * place; and views of the caller's arrays, made again only when the caller passes other arrays.
 */
final class TrendStepTensors implements AutoCloseable {
    final Operand<?> x;
    final Operand<?> h;
    final Operand<?> c;
    final Operand<?> y;
    final Operand<?> hOut;
    final Operand<?> cOut;
    private final int features;
    private final int hidden;
    private TFloat32[][] inputs = new TFloat32[1][];
    private final float[][] viewed = new float[6][];
    private final FloatDataBuffer[] views = new FloatDataBuffer[6];

    TrendStepTensors(Graph graph, int features, int hidden) {
        this.x = graph.operation("x").output(0);
        this.h = graph.operation("h").output(0);
        this.c = graph.operation("c").output(0);
        this.y = graph.operation("y").output(0);
        this.hOut = graph.operation("h_out").output(0);
        this.cOut = graph.operation("c_out").output(0);
        this.features = features;
        this.hidden = hidden;
    }

    /** The x, h and c tensors of {@code n} rows, filled from the first rows of the arrays. */
    TFloat32[] fill(int n, float[] xs, float[] hs, float[] cs) {
        if (n >= inputs.length) inputs = java.util.Arrays.copyOf(inputs, n + 1);
        TFloat32[] t = inputs[n];
        if (t == null) {
            t = new TFloat32[] {TFloat32.tensorOf(Shape.of(n, features)), TFloat32.tensorOf(Shape.of(n, hidden)),
                TFloat32.tensorOf(Shape.of(n, hidden))};
            inputs[n] = t;
        }
        t[0].copyFrom(view(0, xs));
        t[1].copyFrom(view(1, hs));
        t[2].copyFrom(view(2, cs));
        return t;
    }

    /** A view of {@code array} as slot {@code slot} last saw it (0-2 inputs, 3-5 the y, h and c outputs). */
    FloatDataBuffer view(int slot, float[] array) {
        if (viewed[slot] != array) {
            viewed[slot] = array;
            views[slot] = DataBuffers.of(array, false, false);
        }
        return views[slot];
    }

    @Override
    public void close() {
        for (TFloat32[] t : inputs) {
            if (t == null) continue;
            for (TFloat32 tensor : t) tensor.close();
        }
        inputs = new TFloat32[1][];
    }
}
