package io.sightline.preprocess.cuda;

import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;

/** Loading the CUDA runtime and NVRTC once, and turning their error codes into exceptions. */
public final class Cuda {
    static final String NEEDS = "CUDA preprocessing needs an NVIDIA GPU with a CUDA 13 driver (libcuda.so.1) and the CUDA 13"
            + " runtime libraries (libcudart.so.13, libnvrtc.so.13) on the library path";
    private static volatile String unavailable;
    private static volatile boolean checked;

    private Cuda() {}

    /**
     * Why CUDA preprocessing cannot run here, or null when it can (the libraries load and there is
     * at least one device). Checked once.
     */
    public static String unavailableReason() {
        try {
            requireDevice();
            return null;
        } catch (CudaUnavailableException e) {
            return e.getMessage();
        }
    }

    /** Loads cudart and NVRTC and checks for a device. @throws CudaUnavailableException naming what is missing */
    static synchronized void requireDevice() {
        if (!checked) {
            unavailable = probe();
            checked = true;
        }
        if (unavailable != null) throw new CudaUnavailableException(unavailable, null);
    }

    /**
     * The driver, runtime and devices as native's discovery found them (one check per JVM, the same
     * reason {@code ./sightline devices} prints), then NVRTC, which only this stage needs.
     */
    private static String probe() {
        io.sightline.natives.cuda.CudaReport report = io.sightline.natives.cuda.CudaDevices.discover();
        if (!report.available()) return NEEDS + ": " + report.reason();
        try {
            Loader.load(cudart.class);
            Loader.load(nvrtc.class);
        } catch (LinkageError e) {
            // UnsatisfiedLinkError (no libnvrtc.so.13), or a class that failed to initialise
            return NEEDS + ": loading the CUDA runtime or NVRTC failed: " + e;
        }
        return null;
    }

    /** Throws when a CUDA runtime call failed. */
    static void check(int err, String call) {
        if (err != cudaSuccess) {
            throw new CudaException(call + " failed: " + cudaGetErrorString(err).getString() + " (cudaError " + err + ")");
        }
    }

    /** Throws when a CUDA driver API call failed. */
    static void checkDriver(int err, String call) {
        if (err != 0) {
            String text = "unknown error";
            try (PointerPointer<BytePointer> s = new PointerPointer<>(1)) {
                if (cuGetErrorString(err, s) == 0 && s.get(0) != null) text = s.get(BytePointer.class, 0).getString();
            }
            throw new CudaException(call + " failed: " + text + " (CUresult " + err + ")");
        }
    }

    /** Throws when an NVRTC call failed; {@code log} (may be null) is the compiler's log. */
    static void checkNvrtc(int err, String call, String log) {
        if (err != nvrtc.NVRTC_SUCCESS) {
            throw new CudaException(call + " failed: " + nvrtc.nvrtcGetErrorString(err).getString()
                    + (log == null || log.isBlank() ? "" : "\nNVRTC log:\n" + log));
        }
    }
}
