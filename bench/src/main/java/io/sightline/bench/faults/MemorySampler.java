package io.sightline.bench.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples the process's memory every few seconds on its own thread, for a soak: the Java heap used
 * right after a full collection ({@link System#gc()}, so what is still reachable, not what is
 * waiting to be collected) and the resident set (Linux {@code VmRSS}). Reports the first and last
 * sample and each series' least-squares slope in MB per hour.
 *
 * <p>The forced collection pauses the station for a few milliseconds each time (a heap of tens of
 * MB); the soak's deadline allows for it.
 */
final class MemorySampler implements AutoCloseable {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** One sample: seconds since the sampler started, heap after GC and RSS in MB. */
    record Sample(double seconds, double heapMb, double rssMb) {}

    /** A series' summary: first and last value (MB) and the least-squares slope (MB per hour). */
    record Series(double startMb, double endMb, double slopeMbPerHour) {}

    private final long intervalNanos;
    private final PrintStream log;
    private final long startNanos = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long maxGcNanos;

    /** @param log a progress line about once a minute when not null (every sample is kept) */
    MemorySampler(double intervalSeconds, PrintStream log) {
        this.intervalNanos = Math.round(intervalSeconds * 1e9);
        this.log = log;
        this.thread = new Thread(this::loop, "faults-memory-sampler");
        thread.setDaemon(true);
        sample();
        thread.start();
    }

    private void loop() {
        long next = startNanos + intervalNanos;
        long logEvery = Math.max(1, Math.round(60e9 / intervalNanos));
        for (long n = 1; running; n++) {
            try {
                Timeline.sleepUntil(next);
            } catch (InterruptedException e) {
                return;
            }
            if (!running) return;
            Sample s = sample();
            if (log != null && n % logEvery == 0) {
                log.printf(Locale.ROOT, "soak: %5.0f s  heap after GC %6.1f MB  RSS %7.1f MB%n", s.seconds(), s.heapMb(), s.rssMb());
            }
            next += intervalNanos;
        }
    }

    private Sample sample() {
        long t0 = System.nanoTime();
        System.gc();
        maxGcNanos = Math.max(maxGcNanos, System.nanoTime() - t0);
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
        Sample s = new Sample((System.nanoTime() - startNanos) / 1e9, heap, rssMb());
        synchronized (samples) {
            samples.add(s);
        }
        return s;
    }

    /** Resident set size (VmRSS) in MB, or NaN where /proc is not there. */
    static double rssMb() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]) * 1024 / 1e6;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    /** Stops sampling after one last sample. */
    @Override
    public void close() throws InterruptedException {
        if (!running) return;
        running = false;
        thread.interrupt();
        thread.join(10_000);
        sample();
    }

    /** The longest forced collection, in ms: the pause the sampling itself put on the station. */
    double maxGcMs() {
        return maxGcNanos / 1e6;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    Series heap() {
        return series(samples(), true);
    }

    Series rss() {
        return series(samples(), false);
    }

    static Series series(List<Sample> samples, boolean heap) {
        double[] x = new double[samples.size()];
        double[] y = new double[samples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples.get(i).seconds() / 3600;
            y[i] = heap ? samples.get(i).heapMb() : samples.get(i).rssMb();
        }
        return new Series(y.length == 0 ? Double.NaN : y[0], y.length == 0 ? Double.NaN : y[y.length - 1], slope(x, y));
    }

    /** The least-squares slope of y over x; NaN with fewer than two distinct x. */
    static double slope(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) return Double.NaN;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }
}
