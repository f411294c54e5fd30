package io.sightline.natives.cuda;

/**
 * One CUDA device as discovery saw it.
 *
 * @param index the CUDA runtime's device ordinal ({@code cuda:index})
 * @param name the device's name, e.g. "NVIDIA L4"
 * @param totalMemoryBytes global memory
 * @param freeMemoryBytes free global memory at discovery time ({@code cudaMemGetInfo})
 * @param major compute capability, major
 * @param minor compute capability, minor
 * @param multiprocessorCount streaming multiprocessors
 */
public record CudaDevice(int index, String name, long totalMemoryBytes, long freeMemoryBytes, int major, int minor,
        int multiprocessorCount) {

    /** Compute capability as "major.minor", e.g. "8.9". */
    public String capability() {
        return major + "." + minor;
    }

    /** True when the compute capability is at least {@code wantMajor.wantMinor}. */
    public boolean capabilityAtLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    /** One line: "cuda:0 NVIDIA L4, 22.5 GiB (21.9 GiB free), compute 8.9, 58 SMs". */
    public String describe() {
        return "cuda:" + index + " " + name + ", " + gib(totalMemoryBytes) + " GiB (" + gib(freeMemoryBytes)
                + " GiB free), compute " + capability() + ", " + multiprocessorCount + " SMs";
    }

    static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024 * 1024));
    }
}
