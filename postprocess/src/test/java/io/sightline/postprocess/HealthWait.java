package io.sightline.postprocess;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waits (polling, bounded) until a sink's health satisfies a condition; for tests whose outputs work in the background. */
public final class HealthWait {
    private HealthWait() {}

    /** The first health that satisfies {@code done}, or the last one seen when {@code seconds} have passed. */
    public static SinkHealth until(RejectSink sink, Predicate<SinkHealth> done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        SinkHealth h = sink.health();
        while (!done.test(h) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            h = sink.health();
        }
        return h;
    }
}
