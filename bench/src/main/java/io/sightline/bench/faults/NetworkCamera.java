package io.sightline.bench.faults;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SourceLostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A free-running network camera (GigE Vision, a stream) behind a link that goes down during the
 * {@link Timeline}'s fault: the stand-in for the physical camera and cable that cannot exist here,
 * opened through {@link #open()} by the station's real {@link io.sightline.capture.ReconnectingSource}.
 *
 * <p>The camera exposes frame {@code k} at {@code origin + k / fps}, link or no link. A connection
 * delivers the exposures from its opening on; its frame ids start at 0, as a re-opened camera's
 * counter does. When the link goes down, the connection's next grab is a
 * {@link SourceLostException}, and opening fails until the link is back: the frames exposed
 * meanwhile never reach the station, which is what the reconnecting source counts from the
 * nominal rate and the station rejects as {@code missed}.
 */
final class NetworkCamera implements AutoCloseable {
    private final String name;
    private final FrameSource sensor;
    private final Timeline timeline;
    private final double periodNanos;
    private long nextExposure;
    private volatile boolean stopping;
    private volatile long exposures;
    private volatile long connections;

    /** @param sensor the pictures the camera takes, one per exposure; closed with this camera */
    NetworkCamera(String name, FrameSource sensor, Timeline timeline, double fps) {
        this.name = name;
        this.sensor = sensor;
        this.timeline = timeline;
        this.periodNanos = 1e9 / fps;
    }

    private boolean linkUp(long nanos) {
        return timeline.phaseAt(nanos) != Timeline.Phase.FAULT;
    }

    /** Connects: a new connection, or an error while the link is down. */
    FrameSource open() throws CaptureException {
        if (!linkUp(System.nanoTime())) throw new CaptureException(name + ": no answer (the link is down)");
        connections++;
        return new Connection();
    }

    /** Frames exposed while a connection was open and delivered. */
    long delivered() {
        return exposures;
    }

    long connections() {
        return connections;
    }

    @Override
    public void close() {
        stopping = true;
        sensor.close();
    }

    private final class Connection implements FrameSource {
        private long sequence;
        private boolean first = true;

        @Override
        public String name() {
            return name;
        }

        @Override
        public int maxWidth() {
            return sensor.maxWidth();
        }

        @Override
        public int maxHeight() {
            return sensor.maxHeight();
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public CapturedFrame grab() throws CaptureException {
            long origin = timeline.awaitOrigin(() -> stopping);
            if (origin < 0) return null;
            if (first) {
                first = false;
                long now = System.nanoTime();
                // the next exposure from now: a connection does not get what was exposed before it
                nextExposure = Math.max(nextExposure, (long) Math.ceil(Math.max(0, now - origin) / periodNanos));
            }
            long k = nextExposure++;
            long due = origin + Math.round(k * periodNanos);
            for (long left; (left = due - System.nanoTime()) > 0; ) {
                if (stopping) return null;
                LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
            }
            if (stopping) return null;
            if (!linkUp(System.nanoTime())) throw new SourceLostException(name + ": the connection dropped (link down)");
            CapturedFrame f = sensor.grab();
            f.set(f.width(), f.height(), sequence++, due, f.truth());
            exposures++;
            return f;
        }

        @Override
        public void wakeUp() {
            stopping = true;
        }

        @Override
        public void close() {
            // the camera stays; only this connection ends
        }
    }
}
