package io.sightline.station;

import java.nio.file.Path;

/**
 * How a station runs: its lines, the model, the decision threshold, the ring and the reject
 * timing. Every value is checked when the config is built, and a bad one is reported with its key
 * and the accepted range.
 *
 * @param lines production lines, one camera each
 * @param fpsPerLine camera trigger rate per line (parts per second)
 * @param modelDir the model package (SavedModel + model.json)
 * @param rejectThreshold defect score at or above which a part is rejected
 * @param roi region of interest {x, y, w, h} in frame pixels, or null for the camera's default
 * @param ringSize ring slots (power of two); each holds one full-resolution frame
 * @param workers inspection workers sharing the ring by sequence ({@code sequence % workers}); each
 *                preprocesses its frames and runs them through the CNN in batches
 * @param inferenceThreads TensorFlow's intra-op threads per worker (0: TensorFlow's default, every
 *                         core). Each batch runs in its worker's thread; on few cores the workers
 *                         already keep every core busy, and one thread per op wastes least (on 2
 *                         cores a batch of 32 costs 288 CPU µs per frame on 1 thread, 328 on 2)
 * @param maxBatch largest inference batch (the model runs batches of 1, 2, 4, ... up to it)
 * @param rejectDelayMillis camera-to-ejector travel time: a part without a decision by then is rejected
 * @param maxFramesPerLine stop each camera after this many frames; -1 for no limit
 * @param overrun what a camera loop that falls more than one trigger period behind does: skip the
 *                missed triggers (a free-running camera) or deliver them all late (a triggered camera,
 *                an open-loop benchmark)
 * @param preprocessDevice where the workers preprocess (ROI, undistortion, resize, normalise): the CPU
 *                         with OpenCV, or CUDA device 0 with the fused kernel of
 *                         {@link io.sightline.preprocess.cuda.CudaPreprocessor} (same tensors)
 * @param preprocessOnCameras true: each camera's thread preprocesses its frames (on the CPU) into
 *                            their slots before publishing them, and the workers only batch and
 *                            infer; false: the workers preprocess (the only choice with CUDA)
 */
public record StationConfig(int lines, double fpsPerLine, Path modelDir, float rejectThreshold, int[] roi,
                            int ringSize, int workers, int inferenceThreads, int maxBatch, long rejectDelayMillis,
                            long maxFramesPerLine, TriggerSchedule.Overrun overrun, io.sightline.natives.cuda.Device preprocessDevice,
                            boolean preprocessOnCameras) {
    public static final int DEFAULT_LINES = 2;
    public static final double DEFAULT_FPS = 25;
    public static final float DEFAULT_THRESHOLD = 0.5f;
    public static final int DEFAULT_RING_SIZE = 128;
    /**
     * 16, not 32: on the 2-core benchmark machine a batch of 16 costs about as much per frame as
     * one of 32 (one intra-op thread), and fills in half the time, so p99 latency near capacity
     * fell from 50 to 28 ms at 1,800 frames/s with the same throughput.
     */
    public static final int DEFAULT_MAX_BATCH = 16;
    public static final long DEFAULT_REJECT_DELAY_MILLIS = 200;

    public StationConfig {
        check(lines >= 1 && lines <= 64, "lines", lines, "an integer from 1 to 64");
        check(fpsPerLine > 0 && fpsPerLine <= 10_000 && Double.isFinite(fpsPerLine), "fps", fpsPerLine,
                "a rate above 0 and at most 10000 frames/s per line");
        check(modelDir != null, "model", modelDir, "a model package folder");
        check(rejectThreshold > 0f && rejectThreshold <= 1f, "threshold", rejectThreshold, "a score in (0, 1]");
        check(roi == null || roi.length == 4, "roi", roi == null ? null : roi.length + " numbers", "x,y,w,h");
        check(ringSize >= 4 && ringSize <= 65_536 && Integer.bitCount(ringSize) == 1, "ring-size", ringSize,
                "a power of two from 4 to 65536");
        check(workers >= 1 && workers <= 64, "workers", workers,
                "an integer from 1 to 64");
        check(inferenceThreads >= 0 && inferenceThreads <= 256, "inference-threads", inferenceThreads,
                "0 (TensorFlow's default: every core) or a thread count up to 256");
        check(maxBatch >= 1 && maxBatch <= 1024, "max-batch", maxBatch, "an integer from 1 to 1024");
        check(maxBatch <= ringSize, "max-batch", maxBatch, "at most ring-size (" + ringSize + ")");
        check(rejectDelayMillis >= 0 && rejectDelayMillis <= 600_000, "reject-delay-ms", rejectDelayMillis,
                "0 to 600000 milliseconds");
        check(maxFramesPerLine == -1 || maxFramesPerLine > 0, "max-frames", maxFramesPerLine, "-1 or a positive count");
        check(overrun != null, "overrun", overrun, "one of " + java.util.Arrays.toString(TriggerSchedule.Overrun.values()));
        check(preprocessDevice != null, "device", preprocessDevice, "cpu or cuda:0");
        check(preprocessDevice.isCpu() || preprocessDevice.cudaIndex() == 0, "device", preprocessDevice,
                "cpu or cuda:0 (CUDA preprocessing runs on the first device)");
        check(!preprocessOnCameras || preprocessDevice.isCpu(), "preprocess-on", "cameras with device " + preprocessDevice,
                "workers with a CUDA device (the cameras preprocess on the CPU only)");
        roi = roi == null ? null : roi.clone();
    }

    /** Preprocessing on the CPU. */
    public StationConfig(int lines, double fpsPerLine, Path modelDir, float rejectThreshold, int[] roi, int ringSize, int workers,
                         int inferenceThreads, int maxBatch, long rejectDelayMillis, long maxFramesPerLine,
                         TriggerSchedule.Overrun overrun) {
        this(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis,
                maxFramesPerLine, overrun, io.sightline.natives.cuda.Device.cpu(), false);
    }

    public StationConfig withPreprocessDevice(io.sightline.natives.cuda.Device v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch,
                rejectDelayMillis, maxFramesPerLine, overrun, v, preprocessOnCameras);
    }

    /** See {@code preprocessOnCameras}: the cameras' threads preprocess (true) or the workers (false). */
    public StationConfig withPreprocessOnCameras(boolean v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch,
                rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, v);
    }

    /**
     * Defaults sized from the machine's cores: one worker per core up to 8, and TensorFlow threads
     * per worker to share the rest (at least 1). On 2 cores: 2 workers of 1 thread each.
     */
    public static StationConfig defaults(Path modelDir) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new StationConfig(DEFAULT_LINES, DEFAULT_FPS, modelDir, DEFAULT_THRESHOLD, null, DEFAULT_RING_SIZE,
                defaultWorkers(cores), defaultInferenceThreads(cores), DEFAULT_MAX_BATCH,
                DEFAULT_REJECT_DELAY_MILLIS, -1, TriggerSchedule.Overrun.RESYNC, io.sightline.natives.cuda.Device.cpu(), false);
    }

    static int defaultWorkers(int cores) {
        return Math.max(1, Math.min(cores, 8));
    }

    static int defaultInferenceThreads(int cores) {
        return Math.max(1, cores / defaultWorkers(cores));
    }

    public StationConfig withLines(int v) {
        return new StationConfig(v, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withFps(double v) {
        return new StationConfig(lines, v, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withThreshold(float v) {
        return new StationConfig(lines, fpsPerLine, modelDir, v, roi, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withRoi(int[] v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, v, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withWorkers(int v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, v, inferenceThreads, maxBatch, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withInferenceThreads(int v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, v, maxBatch, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withMaxBatch(int v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, v, rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withRejectDelayMillis(long v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch, v, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withMaxFramesPerLine(long v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis, v, overrun, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withOverrun(TriggerSchedule.Overrun v) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, ringSize, workers, inferenceThreads, maxBatch, rejectDelayMillis, maxFramesPerLine, v, preprocessDevice, preprocessOnCameras);
    }

    public StationConfig withRing(int size) {
        return new StationConfig(lines, fpsPerLine, modelDir, rejectThreshold, roi, size, workers, inferenceThreads,
                Math.min(maxBatch, size), rejectDelayMillis, maxFramesPerLine, overrun, preprocessDevice, preprocessOnCameras);
    }

    @Override
    public int[] roi() {
        return roi == null ? null : roi.clone();
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) throw new IllegalArgumentException(key + ": expected " + expected + ", got " + value);
    }
}
