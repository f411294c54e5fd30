package io.sightline.natives.cuda;

/**
 * Where work runs once a {@link DeviceRequest} is resolved: the CPU, or CUDA device {@code index}.
 * {@link #reason()} says why this device was chosen (for {@code auto}: why not the GPU).
 */
public final class Device {
    private static final Device CPU = new Device(-1, "asked for");

    private final int cudaIndex;
    private final String reason;

    private Device(int cudaIndex, String reason) {
        this.cudaIndex = cudaIndex;
        this.reason = reason;
    }

    /** The CPU, explicitly asked for. */
    public static Device cpu() {
        return CPU;
    }

    /** The CPU, chosen because of {@code reason} (e.g. "no CUDA device: ..."). */
    public static Device cpu(String reason) {
        return new Device(-1, reason);
    }

    /** CUDA device {@code index}. */
    public static Device cuda(int index, String reason) {
        if (index < 0) throw new IllegalArgumentException("CUDA device index must be 0 or more, got " + index);
        return new Device(index, reason);
    }

    public boolean isCuda() {
        return cudaIndex >= 0;
    }

    public boolean isCpu() {
        return cudaIndex < 0;
    }

    /** The CUDA ordinal; -1 for the CPU. */
    public int cudaIndex() {
        return cudaIndex;
    }

    /** Why this device was chosen. */
    public String reason() {
        return reason;
    }

    /** "cpu" or "cuda:N", the form {@link DeviceRequest#parse(String)} accepts. */
    @Override
    public String toString() {
        return isCuda() ? "cuda:" + cudaIndex : "cpu";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.cudaIndex == cudaIndex;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(cudaIndex);
    }
}
