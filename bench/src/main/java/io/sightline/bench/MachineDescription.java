package io.sightline.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a benchmark ran on, in one line for its report: CPU, cores, memory, Java, OS. */
public final class MachineDescription {
    private MachineDescription() {}

    public static String describe() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception ignored) {
            // not Linux: keep the placeholder
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format(Locale.ROOT, "%s, %d cores, %.0f GiB, Java %s, %s %s", cpu, CpuTime.cores(),
                memory / (double) (1L << 30), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.version"));
    }
}
