package io.sightline.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The arithmetic a model's session runs in on the CPU.
 *
 * <ul>
 *   <li>{@code fp32}: the SavedModel as trained (the default).</li>
 *   <li>{@code bf16}: TensorFlow's oneDNN auto mixed precision rewrites the graph at load time
 *       ({@code RewriterConfig.auto_mixed_precision_onednn_bfloat16}): convolutions, matrix
 *       products and the element-wise ops between them run in bfloat16 (8 bits of mantissa) with
 *       casts at the graph's edges; the weights on disk stay float32. It pays only on a CPU that
 *       computes bfloat16 natively (AVX512_BF16 or AMX-BF16); elsewhere oneDNN would emulate it
 *       more slowly than float32, so it is refused there.</li>
 * </ul>
 *
 * <p>The decision may move: check it with {@code ./sightline eval --precision bf16}, which scores
 * the images in both precisions in one run and reports the AUROC of each and the decisions that
 * flip at the threshold.
 */
public enum InferencePrecision {
    FP32, BF16;

    /** Parses {@code fp32} or {@code bf16} (any case), naming the input when it is neither. */
    public static InferencePrecision parse(String spec) {
        if (spec != null) {
            switch (spec.trim().toLowerCase(Locale.ROOT)) {
                case "fp32", "float32" -> { return FP32; }
                case "bf16", "bfloat16" -> { return BF16; }
                default -> { }
            }
        }
        throw new IllegalArgumentException("precision '" + spec + "': expected fp32 or bf16");
    }

    /** {@code fp32} or {@code bf16}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Why this precision cannot run on this machine's CPU, or null when it can: bf16 needs the
     * {@code avx512_bf16} or {@code amx_bf16} flag in {@code /proc/cpuinfo}.
     */
    public String unsupportedReason() {
        return this == FP32 ? null : bf16Unsupported(cpuFlags(Path.of("/proc/cpuinfo")));
    }

    static String bf16Unsupported(String flags) {
        if (flags == null) return "bf16 needs a CPU with AVX512_BF16 or AMX-BF16, and this machine's CPU flags (/proc/cpuinfo) could not be read";
        for (String f : flags.split("\\s+")) {
            if (f.equals("avx512_bf16") || f.equals("amx_bf16")) return null;
        }
        return "bf16 needs a CPU with AVX512_BF16 or AMX-BF16 (this one has neither, and emulated bfloat16 is slower than fp32); use fp32";
    }

    /** The first {@code flags} line of a cpuinfo file, or null. */
    static String cpuFlags(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? "" : line.substring(colon + 1);
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
