package io.sightline.natives.cuda;

import static org.bytedeco.cuda.global.cudart.*;

import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CUDA device discovery, once per JVM, and the choice of device.
 *
 * <pre>
 *   discover():  dlopen libcuda.so.1 (the driver)        -- missing: "no NVIDIA driver ..."
 *                Loader.load(cudart)  (libcudart.so.13)   -- missing: "no CUDA 13 runtime ..."
 *                cudaDriverGetVersion / cudaRuntimeGetVersion
 *                cudaGetDeviceCount                       -- cudaErrorInsufficientDriver: "driver too old ..."
 *                                                          -- cudaErrorNoDevice, other errors: by name and text
 *                per device: cudaGetDeviceProperties, cudaMemGetInfo
 *   select(request): auto -> cuda:0 or CPU (one WARN line saying why), cpu -> CPU,
 *                    cuda:N -> cuda:N or CudaUnavailableException with the reason
 * </pre>
 *
 * <p>{@link #discover()} never throws and never crashes the JVM: every {@code Throwable} from
 * loading or calling CUDA becomes the report's reason. Reading the free memory creates the CUDA
 * primary context on each device (a few hundred MB of device memory), as the first real use would.
 */
public final class CudaDevices {
    private static final Logger LOG = LoggerFactory.getLogger(CudaDevices.class);
    private static final Object LOCK = new Object();
    private static volatile CudaReport report;
    private static volatile Selector selector;

    private CudaDevices() {}

    /** The discovery report, probed on the first call and cached for the JVM's life. Never throws. */
    public static CudaReport discover() {
        CudaReport r = report;
        if (r != null) return r;
        synchronized (LOCK) {
            if (report == null) {
                report = probe();
                LOG.debug("CUDA discovery: {}", report.summary());
            }
            return report;
        }
    }

    /** True when {@link #discover()} found at least one usable CUDA device. */
    public static boolean usable() {
        return discover().available();
    }

    /**
     * Resolves {@code request} against this machine's {@link #discover()} report. {@code auto} falls
     * back to the CPU with one WARN line per JVM saying why.
     *
     * @throws CudaUnavailableException when CUDA was asked for explicitly and cannot be used, or the
     *     device number does not exist
     */
    public static Device select(DeviceRequest request) {
        Selector s = selector;
        if (s == null) {
            synchronized (LOCK) {
                if (selector == null) selector = new Selector(discover(), LOG);
                s = selector;
            }
        }
        return s.select(request);
    }

    /** {@link #select(DeviceRequest)} of {@link DeviceRequest#parse(String) parse(spec)}. */
    public static Device select(String spec) {
        return select(DeviceRequest.parse(spec));
    }

    /**
     * Resolves requests against one report; logs the CPU fallback of {@code auto} once per selector.
     * Exposed so that tests and tools can resolve against a given report.
     */
    public static final class Selector {
        private final CudaReport report;
        private final Logger log;
        private boolean fallbackLogged;

        public Selector(CudaReport report, Logger log) {
            this.report = report;
            this.log = log;
        }

        public synchronized Device select(DeviceRequest request) {
            switch (request.kind()) {
                case CPU:
                    return Device.cpu();
                case AUTO:
                    if (report.available()) {
                        CudaDevice d = report.devices().get(0);
                        return Device.cuda(0, d.name() + " is the first usable CUDA device");
                    }
                    String why = "no usable CUDA device: " + report.reason();
                    if (!fallbackLogged) {
                        fallbackLogged = true;
                        log.warn("Device auto resolves to the CPU: {}", report.reason());
                    }
                    return Device.cpu(why);
                case CUDA:
                default:
                    int n = request.cudaIndex();
                    if (!report.available()) {
                        throw new CudaUnavailableException("device '" + request + "' was asked for but CUDA cannot be used: "
                                + report.reason() + " (use --device cpu or auto to run on the CPU)");
                    }
                    if (n >= report.devices().size()) {
                        throw new CudaUnavailableException("device '" + request + "' does not exist: this machine has "
                                + report.devices().size() + " CUDA device(s), cuda:0 to cuda:" + (report.devices().size() - 1));
                    }
                    return Device.cuda(n, "asked for: " + report.devices().get(n).name());
            }
        }
    }

    /** Probes the machine now (no caching). Never throws. */
    static CudaReport probe() {
        // 1. The driver: the CUDA runtime needs libcuda.so.1, which comes with the NVIDIA driver, not with CUDA.
        try {
            NativeLibrary.getInstance("libcuda.so.1");
        } catch (Throwable t) {
            return CudaReport.unavailable("no NVIDIA driver: libcuda.so.1 cannot be loaded (" + firstLine(t)
                    + "); install the NVIDIA driver for CUDA 13 (R580 or newer)" + kernelModuleHint(), 0, 0, cudart.CUDART_VERSION);
        }
        // 2. The CUDA runtime the presets link against (libcudart.so.13): the system's, not bundled.
        int presets = cudart.CUDART_VERSION;
        String runtimeProblem = loadRuntime();
        if (runtimeProblem != null) {
            return CudaReport.unavailable(runtimeProblem, 0, 0, presets);
        }
        try (PointerScope scope = new PointerScope()) {
            int[] value = new int[1];
            int driver = cudaDriverGetVersion(value) == cudaSuccess ? value[0] : 0;
            int runtime = cudaRuntimeGetVersion(value) == cudaSuccess ? value[0] : 0;
            int err = cudaGetDeviceCount(value);
            if (err == cudaErrorInsufficientDriver) {
                return CudaReport.unavailable("the NVIDIA driver is too old: it supports CUDA " + CudaReport.version(driver)
                        + " but the CUDA runtime is " + CudaReport.version(runtime > 0 ? runtime : presets)
                        + " (cudaErrorInsufficientDriver); install a driver for CUDA 13 (R580 or newer)", driver, runtime, presets);
            }
            if (err == cudaErrorNoDevice) {
                return CudaReport.unavailable("no CUDA device: the NVIDIA driver (CUDA " + CudaReport.version(driver)
                        + ") is installed but sees no GPU (cudaErrorNoDevice)" + kernelModuleHint(), driver, runtime, presets);
            }
            if (err != cudaSuccess) {
                return CudaReport.unavailable(cudaError("cudaGetDeviceCount", err) + kernelModuleHint(), driver, runtime, presets);
            }
            int count = value[0];
            if (count <= 0) {
                return CudaReport.unavailable("no CUDA device: cudaGetDeviceCount found 0", driver, runtime, presets);
            }
            int previous = cudaGetDevice(value) == cudaSuccess ? value[0] : 0;
            List<CudaDevice> devices = new ArrayList<>(count);
            cudaDeviceProp prop = new cudaDeviceProp();
            SizeTPointer free = new SizeTPointer(1);
            SizeTPointer total = new SizeTPointer(1);
            for (int i = 0; i < count; i++) {
                err = cudaGetDeviceProperties(prop, i);
                if (err != cudaSuccess) {
                    return CudaReport.unavailable(cudaError("cudaGetDeviceProperties(" + i + ")", err), driver, runtime, presets);
                }
                long freeBytes = 0;
                if (cudaSetDevice(i) == cudaSuccess && cudaMemGetInfo(free, total) == cudaSuccess) {
                    freeBytes = free.get();
                } else {
                    err = cudaGetLastError();
                    return CudaReport.unavailable("CUDA device " + i + " cannot be used: " + cudaError("cudaMemGetInfo", err), driver, runtime, presets);
                }
                devices.add(new CudaDevice(i, prop.name().getString().trim(), prop.totalGlobalMem(), freeBytes, prop.major(), prop.minor(),
                        prop.multiProcessorCount()));
            }
            cudaSetDevice(previous);
            return CudaReport.available(driver, runtime, presets, devices);
        } catch (Throwable t) {
            return CudaReport.unavailable("CUDA discovery failed: " + firstLine(t), 0, 0, presets);
        }
    }

    /** Loads the presets' JNI library and the system's libcudart.so.13; null when loaded, else the reason. Never throws. */
    static String loadRuntime() {
        try {
            Loader.load(cudart.class);
            return null;
        } catch (Throwable t) {
            return "the CUDA " + CudaReport.version(cudart.CUDART_VERSION) + " runtime (libcudart.so.13, which the JavaCPP CUDA presets "
                    + "are built against) cannot be loaded (" + firstLine(t) + "); install the CUDA 13 runtime libraries "
                    + "(e.g. cuda-cudart-13-x) and put them on LD_LIBRARY_PATH";
        }
    }

    private static String cudaError(String call, int err) {
        String name;
        String text;
        try (PointerScope scope = new PointerScope()) {
            BytePointer n = cudaGetErrorName(err);
            BytePointer s = cudaGetErrorString(err);
            name = n == null || n.isNull() ? "cudaError " + err : n.getString();
            text = s == null || s.isNull() ? "" : s.getString();
        }
        return call + " failed with " + name + " (" + err + "): " + text;
    }

    private static String kernelModuleHint() {
        return Files.exists(Path.of("/proc/driver/nvidia/version")) ? "" : "; the NVIDIA kernel driver is not loaded (no /proc/driver/nvidia/version)";
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip());
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
    }

}
