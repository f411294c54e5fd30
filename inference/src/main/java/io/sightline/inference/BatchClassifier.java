package io.sightline.inference;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;

import io.sightline.natives.MovablePointer;
import java.util.Objects;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Batched CNN inference for the station's hot path: single-threaded, everything preallocated.
 *
 * <pre>
 *   stage(row, src) x n          copies each image (floatsPerImage floats, HWC, normalised)
 *         |                      into row `row` of the staging tensor (the maxBatch bucket)
 *         v
 *   run(n)                       picks the smallest bucket >= n (every size up to 16, then
 *         |                      32, 64, ... , maxBatch);
 *         |                      a smaller bucket gets rows [0,n) copied from the staging tensor
 *         v
 *   one Session run              feeds the bucket's tensor, fetches probs [bucket,K] and, when the
 *         |                      model has one, its defect map [bucket,h,w] from the same run
 *         v
 *   prob(row, k), defectScore(row)   read from a preallocated float[maxBatch*K]
 *   mapValue(row, x, y), locate(row, out)   read from a preallocated float[maxBatch*h*w]
 * </pre>
 *
 * <p>Buckets: one input tensor for every batch size up to {@value #EXACT_UP_TO}, then one per power
 * of two below {@code maxBatch}, plus {@code maxBatch} itself. Up to {@value #EXACT_UP_TO} a
 * batch runs on exactly its rows: on a CPU a padded row costs as much as a real one, and with
 * power-of-two buckets the station's batches of 9 to 15 near capacity paid for 16 (about a fifth
 * of the inference work wasted). Above it a batch of n runs on fewer than 2n rows, so TensorFlow
 * still sees a bounded number of shapes; every shape is run once by {@link #warmUp()}.
 * Memory: at most {@value #EXACT_UP_TO} * 17 / 2 plus about twice maxBatch images of input
 * tensors (64 KiB per 128x128x1 image).
 * Rows n..bucket-1 are padding: they hold zeros or stale images and their scores are ignored.
 * Full batches (n == maxBatch) are fed straight from the staging tensor without a copy.
 *
 * <p>Allocation: {@link #stage} and the copies in {@link #run} allocate nothing (native
 * {@code memcpy} through reusable pointers). Each {@link #run} allocates only what TensorFlow
 * Java's {@code Session.Runner.run()} inevitably does: its handle arrays, a pointer scope, the
 * {@link Result} and the output tensor's Java wrapper, plus one {@link Pointer} returned by
 * {@code TF_TensorData} for the output's address; about 2.4 KB per run, measured. The
 * {@code Runner} of each bucket is built once and reused.
 *
 * <p>Not thread-safe. Close it before the {@link ModelPackage} it came from.
 */
public final class BatchClassifier implements AutoCloseable {
    /** Batch sizes up to this run on a tensor of exactly their size. */
    static final int EXACT_UP_TO = 16;
    private final int maxBatch;
    private final int floatsPerImage;
    private final int numClasses;
    private final int okIndex;
    private final long bytesPerImage;
    private final int[] bucketSizes;
    private final TFloat32[] bucketTensors;
    private final long[] bucketAddresses;
    private final Session.Runner[] bucketRunners;
    /** Images are staged into the largest bucket's tensor. */
    private final long stagingAddress;
    private final MovablePointer copyDestination = new MovablePointer();
    private final MovablePointer copySource = new MovablePointer();
    private final float[] probs;
    private final boolean hasMap;
    private final int mapWidth;
    private final int mapHeight;
    private final int inputWidth;
    private final int inputHeight;
    private final float[] maps;
    private int lastRows;
    private int lastBucket;
    private boolean closed;

    BatchClassifier(Session session, String inputTensorName, String outputTensorName, String mapTensorName, ModelInfo info,
            int maxBatch) {
        this.maxBatch = maxBatch;
        this.floatsPerImage = info.floatsPerImage();
        this.numClasses = info.numClasses();
        this.okIndex = info.okIndex();
        this.bytesPerImage = (long) floatsPerImage * Float.BYTES;
        this.bucketSizes = bucketSizes(maxBatch);
        this.bucketTensors = new TFloat32[bucketSizes.length];
        this.bucketAddresses = new long[bucketSizes.length];
        this.bucketRunners = new Session.Runner[bucketSizes.length];
        this.probs = new float[maxBatch * numClasses];
        this.hasMap = mapTensorName != null;
        this.inputWidth = info.inputWidth();
        this.inputHeight = info.inputHeight();
        this.mapWidth = hasMap ? InspectionCnn.mapSide(info.inputWidth()) : 0;
        this.mapHeight = hasMap ? InspectionCnn.mapSide(info.inputHeight()) : 0;
        this.maps = new float[maxBatch * mapWidth * mapHeight];
        try {
            for (int b = 0; b < bucketSizes.length; b++) {
                TFloat32 tensor = TFloat32.tensorOf(Shape.of(bucketSizes[b], info.inputHeight(), info.inputWidth(), info.inputChannels()));
                bucketTensors[b] = tensor;
                bucketAddresses[b] = TF_TensorData(TensorHandles.of(tensor)).address();
                Pointer.memset(copyDestination.moveTo(bucketAddresses[b]), 0, bucketSizes[b] * bytesPerImage);
                Session.Runner runner = session.runner().feed(inputTensorName, tensor).fetch(outputTensorName);
                bucketRunners[b] = hasMap ? runner.fetch(mapTensorName) : runner;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.stagingAddress = bucketAddresses[bucketSizes.length - 1];
    }

    /**
     * The bucket sizes for {@code maxBatch}: every size up to {@value #EXACT_UP_TO} (and at most
     * maxBatch), then the powers of two between that and maxBatch, then {@code maxBatch}.
     */
    static int[] bucketSizes(int maxBatch) {
        int exact = Math.min(maxBatch, EXACT_UP_TO);
        int count = exact;
        for (int size = Integer.highestOneBit(exact) << 1; size < maxBatch; size <<= 1) count++;
        if (maxBatch > exact) count++;
        int[] sizes = new int[count];
        int b = 0;
        for (int size = 1; size <= exact; size++) sizes[b++] = size;
        for (int size = Integer.highestOneBit(exact) << 1; size < maxBatch; size <<= 1) sizes[b++] = size;
        if (maxBatch > exact) sizes[b] = maxBatch;
        return sizes;
    }

    /**
     * Runs every bucket once on the rows staged now (zeros before anything was staged), so that
     * TensorFlow builds each shape's kernels before the first part rather than while one waits.
     */
    public void warmUp() {
        for (int size : bucketSizes) run(size);
    }

    /** The batch sizes this classifier runs as their own shapes (what {@link #warmUp()} runs), ascending. */
    public int[] shapes() {
        return bucketSizes.clone();
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Floats per image (width * height * channels), the size of one staged row. */
    public int floatsPerImage() {
        return floatsPerImage;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Index of class {@code ok} in the model's classes. */
    public int okIndex() {
        return okIndex;
    }

    /**
     * Copies {@link #floatsPerImage()} floats from native memory at {@code src.address()} (its
     * position is ignored) into row {@code row}. Allocates nothing.
     */
    public void stage(int row, Pointer src) {
        checkOpen();
        Objects.checkIndex(row, maxBatch);
        if (src == null || src.isNull()) {
            throw new IllegalArgumentException("source pointer for row " + row + " is null");
        }
        Pointer.memcpy(copyDestination.moveTo(stagingAddress + row * bytesPerImage),
                copySource.moveTo(src.address()), bytesPerImage);
    }

    /** Copies {@code src} (exactly {@link #floatsPerImage()} floats) into row {@code row}. */
    public void stage(int row, float[] src) {
        checkOpen();
        Objects.checkIndex(row, maxBatch);
        if (src.length != floatsPerImage) {
            throw new IllegalArgumentException("image for row " + row + " has " + src.length + " floats, expected "
                    + floatsPerImage);
        }
        copyDestination.moveTo(stagingAddress + row * bytesPerImage).put(src, 0, floatsPerImage);
    }

    /**
     * Classifies rows [0,n) in one session run and keeps their class probabilities for
     * {@link #prob} and {@link #defectScore}. See the class comment for what it allocates.
     *
     * @throws IllegalArgumentException if {@code n} is not in 1..maxBatch
     * @throws InferenceException if TensorFlow fails; the previous results are then invalid
     */
    public void run(int n) {
        checkOpen();
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch size must be between 1 and " + maxBatch + ", got " + n);
        }
        int bucket = bucketIndex(n);
        if (bucketAddresses[bucket] != stagingAddress) {
            Pointer.memcpy(copyDestination.moveTo(bucketAddresses[bucket]), copySource.moveTo(stagingAddress), n * bytesPerImage);
        }
        lastRows = 0;
        try (Result result = bucketRunners[bucket].run()) {
            readProbs(result.get(0), bucketSizes[bucket]);
            if (hasMap) readMaps(result.get(1), bucketSizes[bucket]);
        } catch (RuntimeException e) {
            throw new InferenceException("inference on a batch of " + n + " images (bucket of " + bucketSizes[bucket]
                    + ") failed: " + e.getMessage(), e);
        }
        lastRows = n;
        lastBucket = bucketSizes[bucket];
    }

    /** Probability of class {@code k} for row {@code row} of the last {@link #run}. */
    public float prob(int row, int k) {
        Objects.checkIndex(row, lastRows);
        Objects.checkIndex(k, numClasses);
        return probs[row * numClasses + k];
    }

    /**
     * The most probable defect class for row {@code row} of the last {@link #run}, as an index among the
     * defect classes (the model's classes without ok, in their order); -1 for a model with none.
     */
    public int topDefectClass(int row) {
        Objects.checkIndex(row, lastRows);
        int best = -1;
        float bestProb = -1f;
        int base = row * numClasses;
        for (int k = 0, d = 0; k < numClasses; k++) {
            if (k == okIndex) continue;
            if (probs[base + k] > bestProb) {
                bestProb = probs[base + k];
                best = d;
            }
            d++;
        }
        return best;
    }

    /** 1 - p(ok) for row {@code row} of the last {@link #run}: 0 = surely good, 1 = surely defective. */
    public float defectScore(int row) {
        return 1f - prob(row, okIndex);
    }

    /** Whether the model yields a defect map (packages trained before maps existed do not). */
    public boolean hasDefectMap() {
        return hasMap;
    }

    /** Defect map width in cells (0 without a map). */
    public int mapWidth() {
        return mapWidth;
    }

    /** Defect map height in cells (0 without a map). */
    public int mapHeight() {
        return mapHeight;
    }

    /** p(defect) of cell (x, y) of row {@code row}'s defect map, from the last {@link #run}. */
    public float mapValue(int row, int x, int y) {
        Objects.checkIndex(row, lastRows);
        Objects.checkIndex(x, mapWidth);
        Objects.checkIndex(y, mapHeight);
        return maps[(row * mapHeight + y) * mapWidth + x];
    }

    /**
     * Where row {@code row}'s defect map places the defect, in input pixels: see
     * {@link DefectMaps#locate}; {@code out} gets x, y, width, height, peak x, peak y. Allocates nothing.
     *
     * @return false (and {@code out} untouched) when the model has no map
     */
    public boolean locate(int row, int[] out) {
        Objects.checkIndex(row, lastRows);
        if (!hasMap) return false;
        DefectMaps.locate(maps, row * mapWidth * mapHeight, mapWidth, mapHeight, inputWidth, inputHeight, out);
        return true;
    }

    /** The bucket (tensor batch size) the last {@link #run} used; 0 before the first run. */
    public int lastBucket() {
        return lastBucket;
    }

    /** Frees every preallocated tensor; idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (TFloat32 tensor : bucketTensors) {
            if (tensor != null) tensor.close();
        }
    }

    private int bucketIndex(int n) {
        int b = 0;
        while (bucketSizes[b] < n) b++;
        return b;
    }

    private void readProbs(Tensor output, int bucketSize) {
        TF_Tensor handle = TensorHandles.of(output);
        long expectedBytes = (long) bucketSize * numClasses * Float.BYTES;
        long actualBytes = TF_TensorByteSize(handle);
        if (actualBytes != expectedBytes) {
            throw new IllegalStateException("output has " + actualBytes + " bytes (shape " + output.shape()
                    + "), expected " + expectedBytes + " for [" + bucketSize + "," + numClasses + "] float32");
        }
        copySource.moveTo(TF_TensorData(handle).address()).get(probs, 0, bucketSize * numClasses);
    }

    private void readMaps(Tensor output, int bucketSize) {
        TF_Tensor handle = TensorHandles.of(output);
        int floats = bucketSize * mapWidth * mapHeight;
        long actualBytes = TF_TensorByteSize(handle);
        if (actualBytes != (long) floats * Float.BYTES) {
            throw new IllegalStateException("defect map has " + actualBytes + " bytes (shape " + output.shape()
                    + "), expected [" + bucketSize + "," + mapHeight + "," + mapWidth + "] float32");
        }
        copySource.moveTo(TF_TensorData(handle).address()).get(maps, 0, floats);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("batch classifier is closed");
    }
}
