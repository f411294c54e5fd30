package io.sightline.natives.cuda;

import java.util.Locale;

/**
 * What the user asked for: {@code auto} (the default: the first CUDA device when one is usable,
 * else the CPU), {@code cpu}, {@code cuda} (= {@code cuda:0}) or {@code cuda:N}. Asking for CUDA
 * explicitly is a promise: {@link CudaDevices#select(DeviceRequest)} refuses it rather than fall
 * back silently.
 */
public final class DeviceRequest {
    /** The forms {@link #parse(String)} accepts, for error messages and help texts. */
    public static final String ACCEPTED_FORMS = "auto, cpu, cuda, cuda:N (N = 0, 1, ...)";

    /** What kind of device was asked for. */
    public enum Kind { AUTO, CPU, CUDA }

    public static final DeviceRequest AUTO = new DeviceRequest(Kind.AUTO, -1);
    public static final DeviceRequest CPU = new DeviceRequest(Kind.CPU, -1);

    private final Kind kind;
    private final int cudaIndex;

    private DeviceRequest(Kind kind, int cudaIndex) {
        this.kind = kind;
        this.cudaIndex = cudaIndex;
    }

    /** {@code cuda:index}. */
    public static DeviceRequest cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("device 'cuda:" + index + "' is not valid: the CUDA device number must be 0 or more; expected one of "
                    + ACCEPTED_FORMS);
        }
        return new DeviceRequest(Kind.CUDA, index);
    }

    /**
     * Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (case-insensitive, surrounding
     * blanks ignored; null or blank is {@code auto}).
     *
     * @throws IllegalArgumentException naming the input and the accepted forms
     */
    public static DeviceRequest parse(String text) {
        if (text == null || text.isBlank()) return AUTO;
        String s = text.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto": return AUTO;
            case "cpu": return CPU;
            case "cuda": return cuda(0);
            default: break;
        }
        if (s.startsWith("cuda:")) {
            String n = s.substring("cuda:".length());
            if (!n.isEmpty() && n.chars().allMatch(c -> c >= '0' && c <= '9') && n.length() <= 4) {
                return cuda(Integer.parseInt(n));
            }
            throw new IllegalArgumentException("device '" + text + "' is not valid: after 'cuda:' expected a device number 0, 1, ..., got '"
                    + text.strip().substring("cuda:".length()) + "'; accepted forms: " + ACCEPTED_FORMS);
        }
        throw new IllegalArgumentException("device '" + text + "' is not valid; expected one of " + ACCEPTED_FORMS);
    }

    public Kind kind() {
        return kind;
    }

    /** The asked-for CUDA ordinal; -1 unless {@link #kind()} is {@link Kind#CUDA}. */
    public int cudaIndex() {
        return cudaIndex;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case CUDA -> "cuda:" + cudaIndex;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceRequest r && r.kind == kind && r.cudaIndex == cudaIndex;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + cudaIndex;
    }
}
