package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Prints what a frame costs at the default 1280x1024 (benchmarks measure, tests assert: no timing
 * thresholds here) and asserts the one thing that is not timing: steady-state grab() allocates
 * nothing on the Java heap.
 */
class SyntheticPartCameraCostTest {

    @Test
    void grabAllocatesNothingAndPrintsItsCost() throws Exception {
        grabAllocatesNothing(SyntheticPartCamera.Options.defaults(), "");
    }

    @Test
    void aColourGrabAllocatesNothingEitherAndPrintsItsCost() throws Exception {
        grabAllocatesNothing(SyntheticPartCamera.Options.defaults().withColour(true), ", colour (BGR)");
    }

    private static void grabAllocatesNothing(SyntheticPartCamera.Options options, String label) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        try (SyntheticPartCamera camera = new SyntheticPartCamera("cost", options)) {
            long built = System.nanoTime() - t0;
            for (int i = 0; i < 2000; i++) {
                camera.grab(); // warm up: JIT, caches
            }
            int frames = 500;
            long before = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                camera.grab();
            }
            long grabNanos = System.nanoTime() - start;
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long overhead = measureOverhead(threads);

            int renders = 40;
            long renderStart = System.nanoTime();
            for (int i = 0; i < renders; i++) {
                camera.render(DefectKind.renderable()[i % 5]); // the kinds both cameras render
            }
            long renderNanos = System.nanoTime() - renderStart;

            System.out.printf("synthetic camera 1280x1024" + label + ", 32 variations: built in %.0f ms; grab() %.3f ms/frame over %d"
                    + " frames (%.0f frames/s), %d bytes allocated in total; render() %.2f ms/frame over %d frames%n",
                    built / 1e6, grabNanos / 1e6 / frames, frames, frames / (grabNanos / 1e9),
                    Math.max(0, allocated - overhead), renderNanos / 1e6 / renders, renders);
            assertTrue(allocated - overhead < 1024, "grab() allocated " + (allocated - overhead) + " bytes in " + frames
                    + " frames; it must allocate nothing");
        }
    }

    /** What reading the counter itself costs, so it is not charged to grab(). */
    private static long measureOverhead(ThreadMXBean threads) {
        long a = threads.getCurrentThreadAllocatedBytes();
        long b = threads.getCurrentThreadAllocatedBytes();
        return b - a;
    }
}
