package io.sightline.bench.faults;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory over one scenario: the Java heap (each heap pool's peak usage, reset at the start;
 * their sum, an upper bound of the heap's own peak) and the process's resident set (Linux
 * {@code VmHWM}, reset at the start by writing 5 to {@code /proc/self/clear_refs} where the kernel
 * allows it; otherwise the peak since the process started, and {@link #rssReset()} says so).
 */
final class MemoryWatch {
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path STATUS = Path.of("/proc/self/status");

    private final boolean rssReset;

    private MemoryWatch(boolean rssReset) {
        this.rssReset = rssReset;
    }

    static MemoryWatch start() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) p.resetPeakUsage();
        }
        boolean reset;
        try {
            Files.writeString(CLEAR_REFS, "5");
            reset = true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            reset = false;
        }
        return new MemoryWatch(reset);
    }

    /** Sum of the heap pools' peak usage since {@link #start()}, in MB. */
    double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid()) bytes += p.getPeakUsage().getUsed();
        }
        return bytes / 1e6;
    }

    /** Peak resident set size (VmHWM) in MB, or NaN where /proc is not there. */
    double peakRssMb() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring("VmHWM:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024 / 1e6;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /** Whether the RSS peak was reset at the start (else it is the peak since the process started). */
    boolean rssReset() {
        return rssReset;
    }
}
