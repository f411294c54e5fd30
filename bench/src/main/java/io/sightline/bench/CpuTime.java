package io.sightline.bench;

import java.lang.management.ManagementFactory;

/** Process CPU time (every thread, TensorFlow's own included) and the core count. */
final class CpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private CpuTime() {}

    static long processNanos() {
        return OS.getProcessCpuTime();
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** CPU time over wall time x cores. */
    static double utilisation(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? 0 : cpuNanos / ((double) wallNanos * cores());
    }
}
