package io.sightline.inference;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Variable;
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
 *     | conv 3x3 -> 64 ch, leaky relu = F          receptive field 75 px: most of a 128 px part
 *     +-- decision head (ok against any defect):
 *     |     cell logit  c(x,y) = F(x,y).map_kernel + mean(F).global_kernel + decision_bias
 *     |     map  [-1,H/16,W/16] = sigmoid(c), named "map": where the model sees the defect
 *     |     p(defect) = max over the cells of map  (one small strong response decides the image)
 *     +-- class head: global max (64) ++ global mean (64) -> dense -> K logits -> softmax s
 *   probs  [-1,K] float32, named "probs":  p(ok) = 1 - p(defect),
 *          p(k) = p(defect) * s(k) / (1 - s(ok)) for every defect class k
 * </pre>
 *
 * <p>Two heads, because one does not serve both questions. The decision (pass or reject) is ok
 * against any defect: on a small imbalanced multi-class set a K-way softmax alone spreads its
 * evidence over the defect classes, and a tiny class's weight can pull p(ok) down for every part
 * (a whole line rejected). The decision head answers that question alone, with its own balanced
 * loss; the class head only says which defect it is, and {@code probs} keeps the model package
 * contract ({@code 1 - p(ok)} is the score, per-class probabilities sum to 1). The defect map is
 * the decision head itself, evaluated per cell: its maximum <em>is</em> the score, so the map
 * comes from the same {@code session.run} as the score and explains it exactly.
 *
 * <p>Sized for 128x128x1 grey images on a 2-core CPU: about 19.8 MFLOPs per frame (see
 * {@link #flopsPerImage}). The last stage's receptive field spans most of the part, so a missing
 * or misplaced feature (which no small window can see) changes the features; the mean term of
 * the decision sees global changes (uneven brightness, a missing feature) that no cell alone
 * shows. Convolutions and pools use SAME padding, so odd sizes lose no border pixels; a spatial
 * size is divided by 2 with rounding up at each downsampling step.
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
    /** Name of the class probabilities op and of the serving signature's output. */
    public static final String OUTPUT_NAME = "probs";
    /** Name of the defect map op and of the serving signature's second output, {@code [-1,H/16,W/16]}. */
    public static final String MAP_NAME = "map";
    /** Architecture id recorded in model.json's training summary. */
    public static final String ARCHITECTURE = "sightline-inspection-cnn/3";
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
    /** Channels of the last convolution, F. */
    static final int LAST_CHANNELS = CONVS[CONVS.length - 1].channels();
    /** Global max and global mean of the last convolution, concatenated: the class head's input. */
    static final int FEATURES = 2 * LAST_CHANNELS;

    /** One convolution of the stack. */
    record Conv(int size, int stride, int channels, boolean poolAfter) {}

    private final int widthPx;
    private final int heightPx;
    private final int channels;
    private final int numClasses;
    private final Placeholder<TFloat32> image;
    private final Operand<TFloat32> meanFeatures;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> cellLogits;
    private final Operand<TFloat32> decisionLogit;
    private final Operand<TFloat32> map;
    private final Operand<TFloat32> probs;
    private final Map<Parameter, Variable<TFloat32>> variables;

    private InspectionCnn(int widthPx, int heightPx, int channels, int numClasses, Placeholder<TFloat32> image,
            Operand<TFloat32> meanFeatures, Operand<TFloat32> logits, Operand<TFloat32> cellLogits, Operand<TFloat32> decisionLogit, Operand<TFloat32> map,
            Operand<TFloat32> probs, Map<Parameter, Variable<TFloat32>> variables) {
        this.widthPx = widthPx;
        this.heightPx = heightPx;
        this.channels = channels;
        this.numClasses = numClasses;
        this.image = image;
        this.meanFeatures = meanFeatures;
        this.logits = logits;
        this.cellLogits = cellLogits;
        this.decisionLogit = decisionLogit;
        this.map = map;
        this.probs = probs;
        this.variables = variables;
    }

    /** The trainable tensors of the CNN, in the order the graph uses them. */
    public enum Parameter {
        CONV1_KERNEL, CONV1_BIAS, CONV2_KERNEL, CONV2_BIAS, CONV3_KERNEL, CONV3_BIAS, CONV4_KERNEL, CONV4_BIAS,
        /** Class head: [features, K]. */
        DENSE_KERNEL,
        /** Class head: [K]. */
        DENSE_BIAS,
        /** Decision head, per cell: [F, 1]. */
        MAP_KERNEL,
        /** Decision head, from the mean of F: [F, 1]. */
        GLOBAL_KERNEL,
        /** Decision head: [1]. Its logit for a featureless image. */
        DECISION_BIAS;

        private static final int CONV_PARAMETERS = 2 * CONVS.length;

        /** Tensor shape: kernels are [height, width, in, out], the dense kernel [features, K]. */
        public long[] shape(int channels, int numClasses) {
            switch (this) {
                case DENSE_KERNEL: return new long[] {FEATURES, numClasses};
                case DENSE_BIAS: return new long[] {numClasses};
                case MAP_KERNEL, GLOBAL_KERNEL: return new long[] {LAST_CHANNELS, 1};
                case DECISION_BIAS: return new long[] {1};
                default: break;
            }
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
            return this == DENSE_BIAS || this == DECISION_BIAS || (ordinal() < CONV_PARAMETERS && ordinal() % 2 == 1);
        }

        /** A head's kernel: initialised smaller than He (logits start near 0, no early saturation). */
        boolean isHead() {
            return this == DENSE_KERNEL || this == MAP_KERNEL || this == GLOBAL_KERNEL;
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
         * He-initialised convolution kernels (normal, standard deviation sqrt(2 / fan-in)), head
         * kernels with standard deviation sqrt(1 / fan-in) / 4 (so the first logits sit near 0),
         * and zero biases, drawn from {@code new Random(seed)}: the same seed gives the same weights.
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
                    double std = parameter.isHead() ? Math.sqrt(1.0 / fanIn) / 4 : Math.sqrt(2.0 / fanIn);
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
     * first run), {@value #OUTPUT_NAME} {@code [-1,K]} and {@value #MAP_NAME}; {@code okIndex} is the
     * passing class's index. Call once per graph: the op names
     * are fixed.
     */
    public static InspectionCnn define(Ops tf, int widthPx, int heightPx, int okIndex, Weights initialWeights) {
        return define(tf, widthPx, heightPx, okIndex, initialWeights, null);
    }

    /**
     * As {@link #define(Ops, int, int, int, Weights)}; with {@code density} (an anomaly model's), the
     * score is the mean features' distance from good parts ({@link FeatureDensity}) and the map
     * stays the decision head's.
     */
    static InspectionCnn define(Ops tf, int widthPx, int heightPx, int okIndex, Weights initialWeights,
            FeatureDensity.Calibration density) {
        checkInputSize(widthPx, heightPx);
        Objects.checkIndex(okIndex, initialWeights.numClasses());
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
            x = CnnLayers.convRelu(tf, x, variables.get(Parameter.kernel(layer)), variables.get(Parameter.bias(layer)), conv.stride());
            if (conv.poolAfter()) x = CnnLayers.maxPool(tf, x);
        }
        Operand<TFloat32> last = x;
        Operand<TInt32> spatialAxes = tf.constant(new int[] {1, 2});
        Operand<TFloat32> meanFeatures = tf.math.mean(last, spatialAxes);
        Operand<TFloat32> features = tf.concat(List.of(tf.reduceMax(last, spatialAxes), meanFeatures), tf.constant(1));
        Operand<TFloat32> logits = tf.nn.biasAdd(
                tf.linalg.matMul(features, variables.get(Parameter.DENSE_KERNEL)), variables.get(Parameter.DENSE_BIAS));

        // decision head: a 1x1 convolution of F plus a term from F's mean, per cell [-1,h,w,1]
        Operand<TFloat32> mapKernel = tf.reshape(variables.get(Parameter.MAP_KERNEL), tf.constant(new long[] {1, 1, LAST_CHANNELS, 1}));
        Operand<TFloat32> globalTerm = tf.nn.biasAdd(
                tf.linalg.matMul(meanFeatures, variables.get(Parameter.GLOBAL_KERNEL)), variables.get(Parameter.DECISION_BIAS));
        Operand<TFloat32> cellLogits = tf.math.add(
                tf.nn.conv2d(last, mapKernel, List.of(1L, 1L, 1L, 1L), "SAME"),
                tf.reshape(globalTerm, tf.constant(new long[] {-1, 1, 1, 1})));
        Operand<TFloat32> decisionLogit = density == null ? tf.reduceMax(cellLogits, tf.constant(new int[] {1, 2, 3})) // [-1]
                : FeatureDensity.imageLogit(tf, meanFeatures, density);
        Operand<TFloat32> map = tf.withName(MAP_NAME).squeeze(tf.math.sigmoid(cellLogits), Squeeze.axis(List.of(3L)));

        // probs: p(ok) from the decision head, the defect classes share p(defect) in the class head's proportions
        Operand<TFloat32> probs = CnnLayers.probabilities(tf, OUTPUT_NAME, logits, decisionLogit, okIndex, numClasses);
        return new InspectionCnn(widthPx, heightPx, channels, numClasses, image, meanFeatures, logits, cellLogits, decisionLogit, map, probs,
                variables);
    }

    /** The input placeholder {@value #INPUT_NAME}, {@code [-1,H,W,C]}. */
    public Placeholder<TFloat32> image() {
        return image;
    }

    /** The mean over the cells of the last convolution's feature map F, {@code [-1,C]}. */
    public Operand<TFloat32> meanFeatures() {
        return meanFeatures;
    }

    /** The pre-softmax scores {@code [-1,K]}, for the training loss. */
    public Operand<TFloat32> logits() {
        return logits;
    }

    /** The class probabilities {@value #OUTPUT_NAME}, {@code [-1,K]}. */
    public Operand<TFloat32> probs() {
        return probs;
    }

    /** The decision head's logit per cell, {@code [-1,h,w,1]}: the defect map before the sigmoid. */
    public Operand<TFloat32> cellLogits() {
        return cellLogits;
    }

    /** The decision head's image logit {@code [-1]}: the largest cell logit. */
    public Operand<TFloat32> decisionLogit() {
        return decisionLogit;
    }

    /** The defect map {@value #MAP_NAME}, {@code [-1,h,w]}, each cell's p(defect). */
    public Operand<TFloat32> map() {
        return map;
    }

    /** Map width in cells for an input {@code widthPx} wide: the input halved (rounding up) four times. */
    public static int mapSide(int inputSidePx) {
        int side = inputSidePx;
        for (Conv conv : CONVS) {
            side = (side + conv.stride() - 1) / conv.stride();
            if (conv.poolAfter()) side = halfUp(side);
        }
        return side;
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
        return Signature.builder().key(Signature.DEFAULT_KEY).input(INPUT_NAME, image).output(OUTPUT_NAME, probs)
                .output(MAP_NAME, map).build();
    }

    /**
     * Floating-point operations per frame, counting a multiply-add as 2 and only the
     * convolutions and the two heads (bias, activation, pooling and softmax add well under 2%).
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
        multiplyAdds += (long) w * h * LAST_CHANNELS + LAST_CHANNELS; // decision head: per cell, and the mean term
        return 2 * multiplyAdds;
    }

    /**
     * Writes a complete model package into {@code dir}: a SavedModel (tag {@code serve},
     * signature {@code serving_default}) of this CNN with {@code weights}, and {@code info} as
     * {@code model.json}, sealed with the SHA-256 of every file written ({@link PackageDigests}).
     * {@code dir} must not exist or be empty.
     *
     * @throws IllegalArgumentException if {@code info} and {@code weights} disagree on channels or classes
     * @throws ModelException if the folder is not empty or cannot be written
     */
    public static void exportPackage(Path dir, ModelInfo info, Weights weights) {
        PackageWriter.write(dir, info, weights, null);
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
