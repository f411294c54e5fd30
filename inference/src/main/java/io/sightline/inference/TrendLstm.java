package io.sightline.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The trend forecaster's LSTM, built from TensorFlow ops (TensorFlow Java has no RNN layers, and
 * {@code BlockLSTM} has no gradient), trained on sequences of window features and exported as its
 * own model package.
 *
 * <pre>
 *   per line and window t: x_t [F] (features of the line's last window, see postprocess)
 *   z   = x_t Wx + h_{t-1} Wh + b               [4H]: input, forget, cell, output gates
 *   c_t = sigmoid(f + 1) c_{t-1} + sigmoid(i) tanh(g)
 *   h_t = sigmoid(o) tanh(c_t)
 *   y_t = h_t Wo + bo                            the forecast: log of the coming windows' reject
 *                                                rate over the line's in-control rate
 * </pre>
 *
 * <p>Training unrolls the cell over whole sequences in one graph (its own graph: the Adam step
 * trains every variable of its graph) and minimises the squared forecast error at every step.
 * The exported package holds one step, batched over lines: inputs {@code x [-1,F]},
 * {@code h [-1,H]}, {@code c [-1,H]}; outputs {@code y [-1,1]}, {@code h_out}, {@code c_out}. The
 * state lives with the caller, so every line keeps its own and one session run advances them all.
 */
public final class TrendLstm {
    public static final String ARCHITECTURE = "sightline-trend-lstm/1";
    public static final String FORMAT = "sightline-trend-model/1";
    public static final String FILE_NAME = "model.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrendLstm() {}

    /** Weights as plain arrays, row-major: wx [F][4H], wh [H][4H], b [4H], wo [H][1], bo [1]. */
    public record Weights(int features, int hidden, float[] wx, float[] wh, float[] b, float[] wo, float[] bo) {
        public Weights {
            int g = 4 * hidden;
            if (features < 1 || hidden < 1 || wx.length != features * g || wh.length != hidden * g || b.length != g
                    || wo.length != hidden || bo.length != 1) {
                throw new IllegalArgumentException("LSTM weights do not fit " + features + " features and " + hidden
                        + " hidden units");
            }
        }

        /** Glorot-uniform kernels from a seeded random, zero biases. */
        public static Weights initial(int features, int hidden, long seed) {
            Random r = new Random(seed);
            int g = 4 * hidden;
            return new Weights(features, hidden, uniform(r, features * g, Math.sqrt(6.0 / (features + g))),
                    uniform(r, hidden * g, Math.sqrt(6.0 / (hidden + g))), new float[g],
                    uniform(r, hidden, Math.sqrt(6.0 / (hidden + 1))), new float[1]);
        }

        private static float[] uniform(Random r, int n, double limit) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
            return v;
        }

        float[][] all() {
            return new float[][] {wx, wh, b, wo, bo};
        }

        long[][] shapes() {
            int g = 4 * hidden;
            return new long[][] {{features, g}, {hidden, g}, {g}, {hidden, 1}, {1}};
        }
    }

    private static List<Variable<TFloat32>> variables(Ops tf, Weights w) {
        String[] names = {"wx", "wh", "b", "wo", "bo"};
        float[][] values = w.all();
        long[][] shapes = w.shapes();
        List<Variable<TFloat32>> vars = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            Operand<TFloat32> init = tf.withInitScope().constant(Shape.of(shapes[i]), DataBuffers.of(values[i], true, false));
            vars.add(tf.withSubScope("lstm").withName(names[i]).variable(init));
        }
        return vars;
    }

    /** One cell step: returns {h, c, y}. */
    @SuppressWarnings("unchecked")
    private static Operand<TFloat32>[] cell(Ops tf, Operand<TFloat32> x, Operand<TFloat32> h, Operand<TFloat32> c,
                                            List<Variable<TFloat32>> v, int hidden) {
        Operand<TFloat32> z = tf.math.add(tf.math.add(tf.linalg.matMul(x, v.get(0)), tf.linalg.matMul(h, v.get(1))), v.get(2));
        List<Operand<TFloat32>> gates = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            gates.add(tf.slice(z, tf.constant(new int[] {0, k * hidden}), tf.constant(new int[] {-1, hidden})));
        }
        Operand<TFloat32> i = tf.math.sigmoid(gates.get(0));
        Operand<TFloat32> f = tf.math.sigmoid(tf.math.add(gates.get(1), tf.constant(1f)));
        Operand<TFloat32> g = tf.math.tanh(gates.get(2));
        Operand<TFloat32> o = tf.math.sigmoid(gates.get(3));
        Operand<TFloat32> cNext = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, g));
        Operand<TFloat32> hNext = tf.math.mul(o, tf.math.tanh(cNext));
        Operand<TFloat32> y = tf.math.add(tf.linalg.matMul(hNext, v.get(3)), v.get(4));
        return new Operand[] {hNext, cNext, y};
    }

    /** Training settings. */
    public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, float valFraction) {
        public TrainOptions {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || !(valFraction > 0 && valFraction < 1)) {
                throw new IllegalArgumentException("bad LSTM training options " + this);
            }
        }

        public static TrainOptions defaults(long seed) {
            return new TrainOptions(60, 32, 0.01f, seed, 0.15f);
        }
    }

    /** Progress: after each epoch, the training and validation loss, and whether it is the best so far. */
    public interface Progress {
        void onEpoch(int epoch, int epochs, double trainLoss, double valLoss, boolean best);
    }

    /** The trained weights, the best epoch (lowest validation loss) and its losses. */
    public record Trained(Weights weights, int bestEpoch, double trainLoss, double valLoss) {}

    /**
     * Trains on {@code x[s][t][f]} (every sequence the same length T) to forecast {@code y[s][t]}.
     */
    public static Trained train(float[][][] x, float[][] y, int hidden, TrainOptions options, Progress progress) {
        return train(x, y, Weights.initial(x.length == 0 ? 1 : x[0][0].length, hidden, options.seed()), options, progress);
    }

    /**
     * Trains from {@code start}'s weights (fine-tuning a trained model on a line's own history);
     * the best epoch on the held-out sequences is kept, and epoch 0 (the start itself) counts.
     */
    public static Trained train(float[][][] x, float[][] y, Weights start, TrainOptions options, Progress progress) {
        int hidden = start.hidden();
        int n = x.length;
        if (n < 4 || y.length != n) throw new IllegalArgumentException("LSTM training needs at least 4 sequences with targets, got " + n);
        int steps = x[0].length;
        int features = x[0][0].length;
        for (int s = 0; s < n; s++) {
            if (x[s].length != steps || y[s].length != steps) {
                throw new IllegalArgumentException("sequence " + s + " has " + x[s].length + " steps and " + y[s].length
                        + " targets, expected " + steps);
            }
        }
        Random random = new Random(options.seed());
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < n; s++) order.add(s);
        java.util.Collections.shuffle(order, random);
        int held = Math.max(1, Math.round(n * options.valFraction()));
        int[] validation = order.subList(0, held).stream().mapToInt(Integer::intValue).toArray();
        int[] training = order.subList(held, n).stream().mapToInt(Integer::intValue).toArray();

        if (features != start.features()) {
            throw new IllegalArgumentException("the sequences have " + features + " features, the weights " + start.features());
        }
        Natives.tensorflow();
        Weights init = start;
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            List<Variable<TFloat32>> v = variables(tf, init);
            Placeholder<TFloat32> xs = tf.withName("xs").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, steps, features)));
            Placeholder<TFloat32> ys = tf.withName("ys").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, steps)));
            Operand<org.tensorflow.types.TInt32> batchSize = tf.slice(tf.shape(xs), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
            Operand<TFloat32> zerosH = tf.fill(tf.concat(List.of(batchSize, tf.constant(new int[] {hidden})), tf.constant(0)),
                    tf.constant(0f));
            Operand<TFloat32> hs = zerosH;
            Operand<TFloat32> cs = zerosH;
            List<Operand<TFloat32>> forecasts = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                Operand<TFloat32> xt = tf.reshape(tf.slice(xs, tf.constant(new int[] {0, t, 0}), tf.constant(new int[] {-1, 1, features})),
                        tf.constant(new int[] {-1, features}));
                Operand<TFloat32>[] next = cell(tf, xt, hs, cs, v, hidden);
                hs = next[0];
                cs = next[1];
                forecasts.add(next[2]);
            }
            Operand<TFloat32> predicted = tf.concat(forecasts, tf.constant(1));
            Operand<TFloat32> loss = tf.math.mean(tf.math.square(tf.math.sub(predicted, ys)), tf.constant(new int[] {0, 1}));
            List<long[]> shapes = List.of(init.shapes());
            AdamOptimizer adam = new AdamOptimizer(graph, tf, loss, v, shapes);
            // One thread: the LSTM is small, and thread timing then plays no part in the order of its
            // sums. Runs with the same seed still differ in the last bits when TensorFlow uses oneDNN
            // kernels (forecasts within 0.005 after 60 epochs; within 1e-7 with TF_ENABLE_ONEDNN_OPTS=0).
            ConfigProto config = TrainingLoop.sessionConfig().toBuilder().setIntraOpParallelismThreads(1)
                    .setInterOpParallelismThreads(1).build();
            try (Session session = new Session(graph, config)) {
                Weights best = init;
                double bestVal;
                try (TFloat32 bx = tensor3(x, validation, steps, features); TFloat32 by = tensor2(y, validation, steps);
                     Result r = session.runner().feed(xs, bx).feed(ys, by).fetch(loss).run()) {
                    bestVal = ((TFloat32) r.get(0)).getFloat(); // epoch 0: where it starts (a fine-tuning that does not help keeps it)
                }
                double bestTrain = Double.NaN;
                int bestEpoch = 0;
                long step = 0;
                int[] shuffled = training.clone();
                for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                    for (int i = shuffled.length - 1; i > 0; i--) {
                        int j = random.nextInt(i + 1);
                        int tmp = shuffled[i];
                        shuffled[i] = shuffled[j];
                        shuffled[j] = tmp;
                    }
                    double sum = 0;
                    int batches = 0;
                    for (int from = 0; from < shuffled.length; from += options.batchSize()) {
                        int[] rows = java.util.Arrays.copyOfRange(shuffled, from, Math.min(shuffled.length, from + options.batchSize()));
                        try (TFloat32 bx = tensor3(x, rows, steps, features); TFloat32 by = tensor2(y, rows, steps)) {
                            Session.Runner runner = session.runner().feed(xs, bx).feed(ys, by).fetch(loss);
                            TFloat32[] fed = adam.feed(runner, ++step, options.learningRate());
                            try (Result r = runner.run()) {
                                sum += ((TFloat32) r.get(0)).getFloat();
                                batches++;
                            } finally {
                                for (TFloat32 t : fed) t.close();
                            }
                        }
                    }
                    double val;
                    try (TFloat32 bx = tensor3(x, validation, steps, features); TFloat32 by = tensor2(y, validation, steps);
                         Result r = session.runner().feed(xs, bx).feed(ys, by).fetch(loss).run()) {
                        val = ((TFloat32) r.get(0)).getFloat();
                    }
                    boolean isBest = val < bestVal;
                    if (isBest) {
                        bestVal = val;
                        bestTrain = sum / batches;
                        bestEpoch = epoch;
                        best = fetch(session, v, init);
                    }
                    if (progress != null) progress.onEpoch(epoch, options.epochs(), sum / batches, val, isBest);
                }
                return new Trained(best, bestEpoch, bestTrain, bestVal);
            }
        }
    }

    private static Weights fetch(Session session, List<Variable<TFloat32>> v, Weights like) {
        Session.Runner runner = session.runner();
        for (Variable<TFloat32> var : v) runner.fetch(var);
        float[][] out = new float[v.size()][];
        float[][] shapes = like.all();
        try (Result r = runner.run()) {
            for (int i = 0; i < v.size(); i++) {
                out[i] = new float[shapes[i].length];
                ((TFloat32) r.get(i)).copyTo(DataBuffers.of(out[i], false, false));
            }
        }
        return new Weights(like.features(), like.hidden(), out[0], out[1], out[2], out[3], out[4]);
    }

    private static TFloat32 tensor3(float[][][] x, int[] rows, int steps, int features) {
        float[] flat = new float[rows.length * steps * features];
        int k = 0;
        for (int s : rows) for (int t = 0; t < steps; t++) for (int f = 0; f < features; f++) flat[k++] = x[s][t][f];
        return TFloat32.tensorOf(Shape.of(rows.length, steps, features), DataBuffers.of(flat, true, false));
    }

    private static TFloat32 tensor2(float[][] y, int[] rows, int steps) {
        float[] flat = new float[rows.length * steps];
        int k = 0;
        for (int s : rows) for (int t = 0; t < steps; t++) flat[k++] = y[s][t];
        return TFloat32.tensorOf(Shape.of(rows.length, steps), DataBuffers.of(flat, true, false));
    }

    /**
     * Writes the step model (SavedModel, signature {@code serving_default}) and {@code model.json}
     * with {@code description} (window, feature names, baseline, training summary...) into {@code dir}.
     */
    public static void export(Path dir, Weights w, Map<String, Object> description) {
        try {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    if (s.findAny().isPresent()) throw new ModelException("export folder " + dir + " is not empty");
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ModelException("cannot create " + dir + ": " + e, e);
        }
        Natives.tensorflow();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            List<Variable<TFloat32>> v = variables(tf, w);
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, w.features())));
            Placeholder<TFloat32> h = tf.withName("h").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, w.hidden())));
            Placeholder<TFloat32> c = tf.withName("c").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, w.hidden())));
            Operand<TFloat32>[] next = cell(tf, x, h, c, v, w.hidden());
            Operand<TFloat32> hOut = tf.withName("h_out").identity(next[0]);
            Operand<TFloat32> cOut = tf.withName("c_out").identity(next[1]);
            Operand<TFloat32> y = tf.withName("y").identity(next[2]);
            session.initialize();
            Signature signature = Signature.builder().key(Signature.DEFAULT_KEY).input("x", x).input("h", h).input("c", c)
                    .output("y", y).output("h_out", hOut).output("c_out", cOut).build();
            SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(signature, session)).export();
        } catch (IOException e) {
            throw new ModelException("cannot write the SavedModel into " + dir + ": " + e, e);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("architecture", ARCHITECTURE);
        json.put("features", w.features());
        json.put("hidden", w.hidden());
        json.putAll(description);
        try {
            JSON.writeValue(dir.resolve(FILE_NAME).toFile(), json);
        } catch (IOException e) {
            throw new ModelException("cannot write " + dir.resolve(FILE_NAME) + ": " + e, e);
        }
    }

    /** A loaded trend model package: one batched step at a time. Not thread-safe. */
    public static final class Runner implements AutoCloseable {
        private final Path dir;
        private final SavedModelBundle bundle;
        private final Map<String, Object> description;
        private final int features;
        private final int hidden;
        private final TrendStepTensors step;

        private Runner(Path dir, SavedModelBundle bundle, Map<String, Object> description, int features, int hidden) {
            this.dir = dir;
            this.bundle = bundle;
            this.description = description;
            this.features = features;
            this.hidden = hidden;
            this.step = new TrendStepTensors(bundle.graph(), features, hidden);
        }

        /**
         * Loads a package written by {@link #export}.
         *
         * @throws ModelException naming the folder when it is not a trend model package
         */
        @SuppressWarnings("unchecked")
        public static Runner load(Path dir) {
            Path json = dir.resolve(FILE_NAME);
            if (!Files.isRegularFile(json) || !Files.isRegularFile(dir.resolve("saved_model.pb"))) {
                throw new ModelException("trend model folder " + dir + " is not a trend model package (expected "
                        + FILE_NAME + " and saved_model.pb, as 'sightline train-trend' writes)");
            }
            Map<String, Object> d;
            try {
                d = JSON.readValue(json.toFile(), LinkedHashMap.class);
            } catch (IOException e) {
                throw new ModelException(json + ": not valid JSON: " + e.getMessage(), e);
            }
            if (!FORMAT.equals(d.get("format"))) {
                throw new ModelException(json + ": format is '" + d.get("format") + "', expected '" + FORMAT + "'");
            }
            int f = intField(d, "features", json);
            int h = intField(d, "hidden", json);
            Natives.tensorflow();
            SavedModelBundle bundle;
            try {
                bundle = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG);
            } catch (RuntimeException e) {
                throw new ModelException("trend SavedModel " + dir + " could not be loaded: " + e.getMessage(), e);
            }
            return new Runner(dir, bundle, d, f, h);
        }

        private static int intField(Map<String, Object> d, String key, Path file) {
            Object v = d.get(key);
            if (!(v instanceof Number n) || n.intValue() < 1) {
                throw new ModelException(file + ": field " + key + " must be a positive integer, found " + v);
            }
            return n.intValue();
        }

        public int features() {
            return features;
        }

        public int hidden() {
            return hidden;
        }

        public Path dir() {
            return dir;
        }

        /** The package's trained weights (to fine-tune it). */
        public Weights weights() {
            Session.Runner r = bundle.session().runner();
            String[] names = {"wx", "wh", "b", "wo", "bo"};
            // the sub-scopes were made unique as the variables were added: lstm/wx, lstm_1/wh, lstm_2/b, ...
            java.util.Map<String, String> found = new java.util.HashMap<>();
            for (java.util.Iterator<org.tensorflow.GraphOperation> it = bundle.graph().operations(); it.hasNext(); ) {
                org.tensorflow.GraphOperation op = it.next();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("lstm(_\\d+)?/(wx|wh|b|wo|bo)").matcher(op.name());
                if (m.matches() && op.type().startsWith("Variable")) found.put(m.group(2), op.name());
            }
            for (String n : names) {
                if (!found.containsKey(n)) throw new ModelException("trend model " + dir + " has no LSTM variable " + n + " to fine-tune");
                r.fetch(found.get(n));
            }
            Weights shape = Weights.initial(features, hidden, 0);
            float[][] out = new float[names.length][];
            try (Result result = r.run()) {
                for (int i = 0; i < names.length; i++) {
                    out[i] = new float[shape.all()[i].length];
                    ((TFloat32) result.get(i)).copyTo(DataBuffers.of(out[i], false, false));
                }
            } catch (RuntimeException e) {
                throw new ModelException("trend model " + dir + ": its weights could not be read: " + e.getMessage(), e);
            }
            return new Weights(features, hidden, out[0], out[1], out[2], out[3], out[4]);
        }

        /** model.json as read. */
        public Map<String, Object> description() {
            return description;
        }

        /**
         * Advances {@code n} lines one window: {@code x} holds n rows of features, {@code h} and
         * {@code c} n rows of state (updated in place), {@code y} receives n forecasts.
         */
        public void step(int n, float[] x, float[] h, float[] c, float[] y) {
            if (n < 1 || x.length < n * features || h.length < n * hidden || c.length < n * hidden || y.length < n) {
                throw new IllegalArgumentException("step of " + n + " lines needs " + n * features + " features and "
                        + n * hidden + " state values per array");
            }
            TFloat32[] in = step.fill(n, x, h, c);
            try (Result r = bundle.session().runner().feed(step.x, in[0]).feed(step.h, in[1]).feed(step.c, in[2])
                    .fetch(step.y).fetch(step.hOut).fetch(step.cOut).run()) {
                ((TFloat32) r.get(0)).copyTo(step.view(3, y));
                ((TFloat32) r.get(1)).copyTo(step.view(4, h));
                ((TFloat32) r.get(2)).copyTo(step.view(5, c));
            }
        }

        @Override
        public void close() {
            step.close();
            bundle.close();
        }
    }
}
