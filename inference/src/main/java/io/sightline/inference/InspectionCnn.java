package io.sightline.inference;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The inspection CNN, built from TensorFlow ops (TensorFlow Java 1.1.0 has no layers API).
 *
 * <pre>
 *   image  [-1,H,W,C] float32, placeholder named "image"
 *     | conv 5x5 stride 2 -> 16 ch, leaky relu     H/2 x W/2
 *     | max pool 2x2                               H/4 x W/4
 *     | conv 3x3 -> 32 ch, leaky relu
 *     | max pool 2x2                               H/8 x W/8
 *     | conv 3x3 -> 32 ch, leaky relu
 *     | max pool 2x2                               H/16 x W/16
 *     | conv 3x3 -> 64 ch, leaky relu              receptive field 75 px: most of a 128 px part
 *     | global max (64) ++ global mean (64)        128 features; the max keeps small local defects,
 *     | dense -> K logits                          the mean sees what is missing or moved
 *   probs  [-1,K] float32, softmax named "probs"
 * </pre>
 *
 * <p>Sized for 128x128x1 grey images on a 2-core CPU: about 19.8 MFLOPs per frame (see
 * {@link #flopsPerImage}). The last stage's receptive field spans most of the part, so a missing
 * or misplaced feature (which no small window can see) changes the pooled features; the earlier
 * three-convolution stack (35 px field, 6.4 MFLOPs) could not learn those, and with plain relus
 * it sometimes did not train at all. Convolutions and pools use SAME padding, so odd sizes lose
 * no border pixels; a spatial size is divided by 2 with rounding up at each downsampling step.
 *
 * <p>Weights are plain Java arrays ({@link Weights}), initialised from a seeded
 * {@link java.util.Random} (He initialisation), and become the variables' initial values, so the
 * same seed gives the same model. {@link #exportPackage} writes a complete model package from a
 * set of weights, which is how {@link TrainedModel} exports and how tests make models with known
 * weights.
 */
public final class InspectionCnn {
    /** Name of the input placeholder and of the serving signature's input. */
    public static final String INPUT_NAME = "image";
    /** Name of the softmax op and of the serving signature's output. */
    public static final String OUTPUT_NAME = "probs";
    /** Architecture id recorded in model.json's training summary. */
    public static final String ARCHITECTURE = "sightline-inspection-cnn/2";
    /** Smallest input width or height: the CNN downsamples by 16. */
    public static final int MIN_INPUT_SIDE_PX = 16;

    /**
     * The convolution stack, in order: kernel size, stride, output channels, and whether a 2x2 max
     * pool follows. Every convolution uses SAME padding and a leaky relu. {@link Parameter} lists
     * a kernel and a bias per entry, in this order.
     */
    static final Conv[] CONVS = {
        new Conv(5, 2, 16, true),
        new Conv(3, 1, 32, true),
        new Conv(3, 1, 32, true),
        new Conv(3, 1, 64, false),
    };
    static final int POOL_SIZE = 2;
    /**
     * Slope of the activation below zero. A leaky relu rather than a plain one: with plain relus a
     * large early Adam step can silence every unit of a layer for good, and training then sits at
     * the uniform prediction whatever the data (seen with seed 42 on the synthetic set).
     */
    static final float LEAKY_SLOPE = 0.1f;
    /** Global max and global mean of the last convolution, concatenated. */
    static final int FEATURES = 2 * CONVS[CONVS.length - 1].channels();

    /** One convolution of the stack. */
    record Conv(int size, int stride, int channels, boolean poolAfter) {}

    private final int widthPx;
    private final int heightPx;
    private final int channels;
    private final int numClasses;
    private final Placeholder<TFloat32> image;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> probs;
    private final Map<Parameter, Variable<TFloat32>> variables;

    private InspectionCnn(int widthPx, int heightPx, int channels, int numClasses, Placeholder<TFloat32> image,
            Operand<TFloat32> logits, Operand<TFloat32> probs, Map<Parameter, Variable<TFloat32>> variables) {
        this.widthPx = widthPx;
        this.heightPx = heightPx;
        this.channels = channels;
        this.numClasses = numClasses;
        this.image = image;
        this.logits = logits;
        this.probs = probs;
        this.variables = variables;
    }

    /** The trainable tensors of the CNN, in the order the graph uses them. */
    public enum Parameter {
        CONV1_KERNEL, CONV1_BIAS, CONV2_KERNEL, CONV2_BIAS, CONV3_KERNEL, CONV3_BIAS, CONV4_KERNEL, CONV4_BIAS,
        DENSE_KERNEL, DENSE_BIAS;

        /** Tensor shape: kernels are [height, width, in, out], the dense kernel [features, K]. */
        public long[] shape(int channels, int numClasses) {
            if (this == DENSE_KERNEL) return new long[] {FEATURES, numClasses};
            if (this == DENSE_BIAS) return new long[] {numClasses};
            int layer = ordinal() / 2;
            Conv conv = CONVS[layer];
            if (isBias()) return new long[] {conv.channels()};
            int in = layer == 0 ? channels : CONVS[layer - 1].channels();
            return new long[] {conv.size(), conv.size(), in, conv.channels()};
        }

        /** Number of floats: the product of {@link #shape}. */
        public int size(int channels, int numClasses) {
            long size = 1;
            for (long dimension : shape(channels, numClasses)) size *= dimension;
            return Math.toIntExact(size);
        }

        /** The variable's op name in the graph, e.g. {@code conv1_kernel}. */
        public String variableName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean isBias() {
            return ordinal() % 2 == 1;
        }

        static Parameter kernel(int layer) {
            return values()[2 * layer];
        }

        static Parameter bias(int layer) {
            return values()[2 * layer + 1];
        }
    }

    /**
     * One value per {@link Parameter}: an immutable set of CNN weights for a given number of input
     * channels and classes. Arrays are copied on the way in and out.
     */
    public static final class Weights {
        private final int channels;
        private final int numClasses;
        private final float[][] valuesByParameter;

        private Weights(int channels, int numClasses, float[][] valuesByParameter) {
            if (channels <= 0 || numClasses < 2) {
                throw new IllegalArgumentException("CNN weights need channels >= 1 and at least 2 classes, got "
                        + channels + " channels and " + numClasses + " classes");
            }
            Parameter[] parameters = Parameter.values();
            if (valuesByParameter.length != parameters.length) {
                throw new IllegalArgumentException("expected " + parameters.length + " parameter arrays, got " + valuesByParameter.length);
            }
            for (Parameter parameter : parameters) {
                checkLength(parameter, channels, numClasses, valuesByParameter[parameter.ordinal()]);
            }
            this.channels = channels;
            this.numClasses = numClasses;
            this.valuesByParameter = valuesByParameter;
        }

        /**
         * He-initialised kernels (normal, standard deviation sqrt(2 / fan-in)) and zero biases,
         * drawn from {@code new Random(seed)}: the same seed gives the same weights.
         */
        public static Weights heInitialised(int channels, int numClasses, long seed) {
            Random random = new Random(seed);
            Parameter[] parameters = Parameter.values();
            float[][] values = new float[parameters.length][];
            for (Parameter parameter : parameters) {
                long[] parameterShape = parameter.shape(channels, numClasses);
                float[] parameterValues = new float[parameter.size(channels, numClasses)];
                if (!parameter.isBias()) {
                    int fanIn = parameterValues.length / (int) parameterShape[parameterShape.length - 1];
                    double std = Math.sqrt(2.0 / fanIn);
                    for (int i = 0; i < parameterValues.length; i++) {
                        parameterValues[i] = (float) (random.nextGaussian() * std);
                    }
                }
                values[parameter.ordinal()] = parameterValues;
            }
            return new Weights(channels, numClasses, values);
        }

        /** Weights from arrays indexed by {@link Parameter#ordinal()}; the arrays are taken as is. */
        static Weights adopt(int channels, int numClasses, float[][] valuesByParameter) {
            return new Weights(channels, numClasses, valuesByParameter);
        }

        public int channels() {
            return channels;
        }

        public int numClasses() {
            return numClasses;
        }

        /** A copy of one parameter's values, laid out as {@link Parameter#shape} row-major. */
        public float[] values(Parameter parameter) {
            return valuesByParameter[parameter.ordinal()].clone();
        }

        /** These weights with one parameter replaced (copied); the length must match its shape. */
        public Weights with(Parameter parameter, float[] values) {
            float[][] copy = valuesByParameter.clone();
            copy[parameter.ordinal()] = values.clone();
            return new Weights(channels, numClasses, copy);
        }

        float[] valuesView(Parameter parameter) {
            return valuesByParameter[parameter.ordinal()];
        }

        private static void checkLength(Parameter parameter, int channels, int numClasses, float[] values) {
            int expected = parameter.size(channels, numClasses);
            if (values == null || values.length != expected) {
                throw new IllegalArgumentException(parameter.variableName() + " needs " + expected + " floats (shape "
                        + Arrays.toString(parameter.shape(channels, numClasses)) + "), got "
                        + (values == null ? "null" : values.length));
            }
        }
    }

    /**
     * Adds the CNN to {@code tf}'s graph: placeholder {@value #INPUT_NAME} {@code [-1,H,W,C]},
     * variables initialised to {@code initialWeights} (the session runs their initialisers on its
     * first run), softmax {@value #OUTPUT_NAME} {@code [-1,K]}. Call once per graph: the op names
     * are fixed.
     */
    public static InspectionCnn define(Ops tf, int widthPx, int heightPx, Weights initialWeights) {
        checkInputSize(widthPx, heightPx);
        int channels = initialWeights.channels();
        int numClasses = initialWeights.numClasses();
        Map<Parameter, Variable<TFloat32>> variables = new EnumMap<>(Parameter.class);
        for (Parameter parameter : Parameter.values()) {
            Operand<TFloat32> initialValue = tf.withInitScope().constant(
                    Shape.of(parameter.shape(channels, numClasses)),
                    DataBuffers.of(initialWeights.valuesView(parameter), true, false));
            variables.put(parameter, tf.withName(parameter.variableName()).variable(initialValue));
        }
        Placeholder<TFloat32> image = tf.withName(INPUT_NAME).placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, heightPx, widthPx, channels)));

        Operand<TFloat32> x = image;
        for (int layer = 0; layer < CONVS.length; layer++) {
            Conv conv = CONVS[layer];
            x = convRelu(tf, x, variables.get(Parameter.kernel(layer)), variables.get(Parameter.bias(layer)), conv.stride());
            if (conv.poolAfter()) x = maxPool(tf, x);
        }
        Operand<TFloat32> last = x;
        Operand<TInt32> spatialAxes = tf.constant(new int[] {1, 2});
        Operand<TFloat32> features = tf.concat(List.of(
                tf.reduceMax(last, spatialAxes),
                tf.math.mean(last, spatialAxes)), tf.constant(1));
        Operand<TFloat32> logits = tf.nn.biasAdd(
                tf.linalg.matMul(features, variables.get(Parameter.DENSE_KERNEL)), variables.get(Parameter.DENSE_BIAS));
        Operand<TFloat32> probs = tf.withName(OUTPUT_NAME).nn.softmax(logits);
        return new InspectionCnn(widthPx, heightPx, channels, numClasses, image, logits, probs, variables);
    }

    /** The input placeholder {@value #INPUT_NAME}, {@code [-1,H,W,C]}. */
    public Placeholder<TFloat32> image() {
        return image;
    }

    /** The pre-softmax scores {@code [-1,K]}, for the training loss. */
    public Operand<TFloat32> logits() {
        return logits;
    }

    /** The softmax output {@value #OUTPUT_NAME}, {@code [-1,K]}. */
    public Operand<TFloat32> probs() {
        return probs;
    }

    /** The graph variable holding {@code parameter}. */
    public Variable<TFloat32> variable(Parameter parameter) {
        return variables.get(parameter);
    }

    public int widthPx() {
        return widthPx;
    }

    public int heightPx() {
        return heightPx;
    }

    public int channels() {
        return channels;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The model package contract's signature: {@code serving_default}, image -> probs. */
    public Signature servingSignature() {
        return Signature.builder().key(Signature.DEFAULT_KEY).input(INPUT_NAME, image).output(OUTPUT_NAME, probs).build();
    }

    /**
     * Floating-point operations per frame, counting a multiply-add as 2 and only the
     * convolutions and the dense layer (bias, activation, pooling and softmax add well under 2%).
     * About 19.8 million for 128x128x1 and 2 classes.
     */
    public static long flopsPerImage(int widthPx, int heightPx, int channels, int numClasses) {
        checkInputSize(widthPx, heightPx);
        long multiplyAdds = 0;
        int w = widthPx;
        int h = heightPx;
        int in = channels;
        for (Conv conv : CONVS) {
            w = (w + conv.stride() - 1) / conv.stride();
            h = (h + conv.stride() - 1) / conv.stride();
            multiplyAdds += (long) w * h * conv.size() * conv.size() * in * conv.channels();
            in = conv.channels();
            if (conv.poolAfter()) {
                w = halfUp(w);
                h = halfUp(h);
            }
        }
        multiplyAdds += (long) FEATURES * numClasses;
        return 2 * multiplyAdds;
    }

    /**
     * Writes a complete model package into {@code dir}: a SavedModel (tag {@code serve},
     * signature {@code serving_default}) of this CNN with {@code weights}, and {@code info} as
     * {@code model.json}. {@code dir} must not exist or be empty.
     *
     * @throws IllegalArgumentException if {@code info} and {@code weights} disagree on channels or classes
     * @throws ModelException if the folder is not empty or cannot be written
     */
    public static void exportPackage(Path dir, ModelInfo info, Weights weights) {
        if (info.inputChannels() != weights.channels() || info.numClasses() != weights.numClasses()) {
            throw new IllegalArgumentException("model.json describes " + info.inputChannels() + " channels and "
                    + info.numClasses() + " classes " + info.classes() + " but the weights have "
                    + weights.channels() + " channels and " + weights.numClasses() + " classes");
        }
        prepareEmptyFolder(dir);
        Natives.tensorflow();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            InspectionCnn cnn = define(Ops.create(graph), info.inputWidth(), info.inputHeight(), weights);
            session.initialize();
            SavedModelBundle.exporter(dir.toString())
                    .withFunction(SessionFunction.create(cnn.servingSignature(), session))
                    .export();
        } catch (IOException e) {
            throw new ModelException("cannot write the SavedModel into " + dir + ": " + e, e);
        }
        info.write(dir.resolve(ModelInfo.FILE_NAME));
    }

    private static void prepareEmptyFolder(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new ModelException("export folder " + dir + " is not empty (a model package is written into a new or empty folder)");
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new ModelException("cannot create export folder " + dir + ": " + e, e);
        }
    }

    private static Operand<TFloat32> convRelu(Ops tf, Operand<TFloat32> input, Operand<TFloat32> kernel,
            Operand<TFloat32> bias, long stride) {
        Operand<TFloat32> convolution = tf.nn.conv2d(input, kernel, List.of(1L, stride, stride, 1L), "SAME");
        return tf.nn.leakyRelu(tf.nn.biasAdd(convolution, bias), LeakyRelu.alpha(LEAKY_SLOPE));
    }

    private static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> input) {
        Operand<TInt32> window = tf.constant(new int[] {1, POOL_SIZE, POOL_SIZE, 1});
        return tf.nn.maxPool(input, window, window, "SAME");
    }

    private static int halfUp(int sizePx) {
        return (sizePx + 1) / 2;
    }

    private static void checkInputSize(int widthPx, int heightPx) {
        if (widthPx < MIN_INPUT_SIDE_PX || heightPx < MIN_INPUT_SIDE_PX) {
            throw new IllegalArgumentException("the CNN needs inputs of at least " + MIN_INPUT_SIDE_PX + "x"
                    + MIN_INPUT_SIDE_PX + " px, got " + widthPx + "x" + heightPx);
        }
    }
}
