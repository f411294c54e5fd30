package io.sightline.natives.cuda;

import java.util.List;

/**
 * What {@link CudaDevices#discover()} found: either CUDA is usable (driver and runtime versions and
 * at least one device), or it is not and {@link #reason()} says why in words (no {@code libcuda.so.1},
 * no CUDA 13 runtime, driver not loaded, no device, driver too old, or another CUDA error by name).
 */
public final class CudaReport {
    private final int driverVersion;
    private final int runtimeVersion;
    private final int presetsRuntimeVersion;
    private final List<CudaDevice> devices;
    private final String reason;

    private CudaReport(int driverVersion, int runtimeVersion, int presetsRuntimeVersion, List<CudaDevice> devices, String reason) {
        this.driverVersion = driverVersion;
        this.runtimeVersion = runtimeVersion;
        this.presetsRuntimeVersion = presetsRuntimeVersion;
        this.devices = List.copyOf(devices);
        this.reason = reason;
    }

    /** A report of usable CUDA with these devices (at least one). */
    public static CudaReport available(int driverVersion, int runtimeVersion, int presetsRuntimeVersion, List<CudaDevice> devices) {
        if (devices.isEmpty()) throw new IllegalArgumentException("an available CUDA report needs at least one device");
        return new CudaReport(driverVersion, runtimeVersion, presetsRuntimeVersion, devices, null);
    }

    /** A report of CUDA not usable, because of {@code reason}; versions 0 where unknown. */
    public static CudaReport unavailable(String reason, int driverVersion, int runtimeVersion, int presetsRuntimeVersion) {
        return new CudaReport(driverVersion, runtimeVersion, presetsRuntimeVersion, List.of(), reason);
    }

    /** True when at least one CUDA device can be used. */
    public boolean available() {
        return reason == null;
    }

    /** Why CUDA cannot be used; null when it can. */
    public String reason() {
        return reason;
    }

    /** The CUDA version the driver supports, CUDA's encoding (13010 = 13.1); 0 if unknown. */
    public int driverVersion() {
        return driverVersion;
    }

    /** The CUDA runtime version loaded ({@code libcudart}), CUDA's encoding; 0 if unknown. */
    public int runtimeVersion() {
        return runtimeVersion;
    }

    /** The CUDA runtime version the JavaCPP presets were built for ({@code CUDART_VERSION}); 0 if unknown. */
    public int presetsRuntimeVersion() {
        return presetsRuntimeVersion;
    }

    /** The usable devices, by ordinal; empty when not {@link #available()}. */
    public List<CudaDevice> devices() {
        return devices;
    }

    /** CUDA's version encoding (1000 * major + 10 * minor) as "major.minor"; "unknown" for 0. */
    public static String version(int encoded) {
        return encoded <= 0 ? "unknown" : (encoded / 1000) + "." + (encoded % 1000) / 10;
    }

    /** One line: "CUDA available: driver 13.0, runtime 13.1, 1 device(s)" or "CUDA not available: REASON". */
    public String summary() {
        return available()
                ? "CUDA available: driver " + version(driverVersion) + ", runtime " + version(runtimeVersion) + ", " + devices.size() + " device(s)"
                : "CUDA not available: " + reason;
    }

    @Override
    public String toString() {
        return summary();
    }
}
