package io.sightline.bench.faults;

import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.PackageDigests;
import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Real TensorFlow SavedModels that fail on some inputs, made at run time from the default model:
 * its CNN with its trained weights (read from its SavedModel), plus a check of the top-left 8x8
 * input pixels. Where those are all white (the {@link MarkingSource marker}), the row's output is
 * NaN ({@link Kind#NAN}), or the session run fails ({@link Kind#THROWS}: {@code CheckNumerics}
 * on that NaN, so every batch holding a marked frame throws inside TensorFlow). Every other frame
 * gets exactly the default model's scores.
 *
 * <pre>
 *   image [-1,H,W,1] ─▶ the default CNN (its weights) ─▶ softmax of the class head [-1,K]
 *        └▶ slice [:, 0:8, 0:8, :] ▸ reduce_min ▸ &gt; white ─▶ select(marked row, NaN, probs)
 *                                                             └▶ (THROWS) CheckNumerics ─▶ "probs"
 * </pre>
 *
 * The package has the default model's signature ({@code serving_default}: {@code image} float32
 * {@code [-1,H,W,1]} to {@code probs} float32 {@code [-1,K]}) and its {@code model.json} under
 * another name, so the station loads and validates it like any model.
 */
final class FaultModels {
    enum Kind { NAN, THROWS }

    /** The marker's side in input pixels. */
    static final int MARK_INPUT_PX = 8;

    private FaultModels() {}

    static void write(Path defaultModel, Path dir, Kind kind) throws IOException {
        Natives.tensorflow();
        ModelInfo info = ModelInfo.read(defaultModel.resolve(ModelInfo.FILE_NAME));
        InspectionCnn.Weights weights = readWeights(defaultModel, info);
        Files.createDirectories(dir);
        // A white pixel normalises to (1 - mean) / std; anything darker than 254/255 is not the marker.
        float white = (254f / 255f - info.normMean()) / info.normStd();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            InspectionCnn cnn = InspectionCnn.define(tf, info.inputWidth(), info.inputHeight(), info.okIndex(), weights);
            Operand<TFloat32> corner = tf.slice(cnn.image(), tf.constant(new int[] {0, 0, 0, 0}),
                    tf.constant(new int[] {-1, MARK_INPUT_PX, MARK_INPUT_PX, -1}));
            Operand<TBool> marked = tf.math.greater(tf.reduceMin(corner, tf.constant(new int[] {1, 2, 3})), tf.constant(white));
            Operand<TFloat32> out = tf.select(tf.expandDims(marked, tf.constant(1)), tf.constant(Float.NaN), tf.nn.softmax(cnn.logits()));
            if (kind == Kind.THROWS) out = tf.debugging.checkNumerics(out, "sightline fault model: a marked frame in the batch");
            out = tf.withName("fault_probs").identity(out);
            session.initialize();
            Signature signature = Signature.builder().key(Signature.DEFAULT_KEY)
                    .input(InspectionCnn.INPUT_NAME, cnn.image()).output(InspectionCnn.OUTPUT_NAME, out).build();
            SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(signature, session)).export();
        }
        new ModelInfo(info.format(), info.name() + "-fault-" + kind.name().toLowerCase(java.util.Locale.ROOT), info.version(),
                info.mode(), info.classes(), info.inputWidth(), info.inputHeight(), info.inputChannels(), info.normMean(), info.normStd(),
                info.training(), info.evaluation(), PackageDigests.compute(dir)).write(dir.resolve(ModelInfo.FILE_NAME));
    }

    /** The trained weights of a package written by {@link InspectionCnn#exportPackage}, read from its variables. */
    static InspectionCnn.Weights readWeights(Path dir, ModelInfo info) {
        // the class head's softmax over its max-and-mean features is exactly a v2 package's probs, so a
        // package without the decision head (models/default, trained before it) gives the same scores
        InspectionCnn.Weights w = InspectionCnn.Weights.heInitialised(info.inputChannels(), info.numClasses(), 0);
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG)) {
            for (InspectionCnn.Parameter p : InspectionCnn.Parameter.values()) {
                float[] values = new float[p.size(info.inputChannels(), info.numClasses())];
                if (bundle.graph().operation(p.variableName()) == null) continue; // a v2 package: no decision head
                try (Result r = bundle.session().runner().fetch(p.variableName()).run()) {
                    ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
                }
                w = w.with(p, values);
            }
        }
        return w;
    }
}
