package io.sightline.inference;

import io.sightline.natives.cuda.CudaDevice;
import io.sightline.natives.cuda.CudaReport;

/**
 * The largest inference batch to use on a device.
 *
 * <p>The rule: on the CPU {@value #CPU_MAX_BATCH}, the station's default {@code max-batch}
 * before devices existed, unchanged. On a GPU, by the device's
 * free memory at discovery: at least 8 GiB free: {@value #GPU_MAX_BATCH}; 4 GiB: 32; 2 GiB: 16;
 * less: 8 (halved per halving of free memory, never below 8). The GPU figures are a starting
 * point, not a measurement: the inspection CNN's activations at 128x128 take a few MB per image,
 * far below these limits; the cap keeps latency down and leaves room for other processes and the
 * CUDA preprocessing. Tune with {@code bench pipeline --max-batch} on the real machine.
 */
public final class BatchSizes {
    /** The CPU's largest batch. */
    public static final int CPU_MAX_BATCH = 16;
    /** The largest batch on a GPU with at least 8 GiB free. */
    public static final int GPU_MAX_BATCH = 64;
    /** The smallest batch this rule gives a GPU. */
    public static final int GPU_MIN_BATCH = 8;

    private static final long GIB = 1L << 30;

    private BatchSizes() {}

    /** The largest batch for {@code device}; for a GPU, read from {@code report}'s free memory. */
    public static int maxBatch(InferenceDevice device, CudaReport report) {
        if (!device.isGpu()) return CPU_MAX_BATCH;
        int index = device.device().cudaIndex();
        if (!report.available() || index >= report.devices().size()) {
            throw new IllegalArgumentException("device " + device + " is not in the CUDA report (" + report.summary() + ")");
        }
        CudaDevice d = report.devices().get(index);
        return maxBatchForGpu(d.freeMemoryBytes());
    }

    /** The GPU rule alone: {@value #GPU_MAX_BATCH} from 8 GiB free, halved per halving, at least {@value #GPU_MIN_BATCH}. */
    public static int maxBatchForGpu(long freeMemoryBytes) {
        int batch = GPU_MAX_BATCH;
        long needed = 8 * GIB;
        while (batch > GPU_MIN_BATCH && freeMemoryBytes < needed) {
            batch /= 2;
            needed /= 2;
        }
        return batch;
    }
}
