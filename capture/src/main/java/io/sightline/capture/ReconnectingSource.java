package io.sightline.capture;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a live source alive: when it is lost ({@link SourceLostException}, or a live source that
 * ends), it is closed and re-opened with exponential backoff until it answers again, while the
 * station's other cameras carry on on their own threads.
 *
 * <p>Part ids stay increasing across a reconnect, although a re-opened camera or stream starts
 * counting again: the first frame after the outage continues from the last id before it, plus the
 * frames that the source's nominal rate says were missed meanwhile ({@link #framesLost()}). Those
 * show up as a gap in the ids, so the station rejects them fail-safe like any other lost part.
 *
 * <p>Per-frame errors (a {@link CaptureException} that is not a loss) are passed on unchanged: the
 * station counts the frame unreadable and asks for the next.
 */
public final class ReconnectingSource implements FrameSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReconnectingSource.class);

    /** Opens the underlying source; called once at start and once per reconnect attempt. */
    @FunctionalInterface
    public interface Opener {
        FrameSource open() throws CaptureException;
    }

    /** Reconnect timing: the first retry after {@code initialMillis}, doubling up to {@code maxMillis}. */
    public record Backoff(long initialMillis, long maxMillis) {
        public Backoff {
            if (initialMillis < 1 || maxMillis < initialMillis) {
                throw new IllegalArgumentException("backoff needs 1 <= initial <= max milliseconds, got " + initialMillis + " and " + maxMillis);
            }
        }

        public static final Backoff DEFAULT = new Backoff(100, 5_000);
    }

    private final String name;
    private final Opener opener;
    private final Backoff backoff;
    private final double nominalFps;
    private final int maxWidth;
    private final int maxHeight;
    private final int channels;
    private FrameSource current;
    private volatile boolean stopping;
    private boolean closed;

    private long offset;
    private long lastId = Long.MIN_VALUE;
    private long lastCaptureNanos;
    private boolean afterOutage;
    private long outageStartNanos;
    private long skippedBefore;

    private volatile long reconnects;
    private volatile long failedAttempts;
    private volatile long framesLost;
    private volatile long outageNanos;
    private volatile boolean connected;
    private volatile String lastError;

    /**
     * Opens the source once; a source that cannot be opened at start is an error (the station
     * needs its frame size), named by the opener's message.
     *
     * @param nominalFps the source's frame rate, to count the frames an outage lost; NaN if unknown
     */
    public ReconnectingSource(String name, Opener opener, Backoff backoff, double nominalFps) throws CaptureException {
        this.name = name;
        this.opener = opener;
        this.backoff = backoff;
        this.nominalFps = nominalFps;
        this.current = opener.open();
        this.maxWidth = current.maxWidth();
        this.maxHeight = current.maxHeight();
        this.channels = current.channels();
        this.connected = true;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return maxWidth;
    }

    @Override
    public int maxHeight() {
        return maxHeight;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        while (!stopping) {
            if (current == null && !reopen()) return null;
            CapturedFrame f;
            try {
                f = current.grab();
            } catch (SourceLostException e) {
                lose(e.getMessage());
                continue;
            }
            if (f == null) {
                if (stopping) return null;
                lose(name + ": the source ended");
                continue;
            }
            return renumber(f);
        }
        return null;
    }

    /** Continues the ids across reconnects, and counts the frames an outage cost. */
    private CapturedFrame renumber(CapturedFrame f) {
        long id = f.sequence() + offset;
        if (afterOutage) {
            afterOutage = false;
            long missed = 0;
            if (nominalFps > 0 && lastId != Long.MIN_VALUE) {
                long gapNanos = f.captureNanos() - lastCaptureNanos;
                missed = Math.max(0, Math.round(gapNanos * nominalFps / 1e9) - 1);
            }
            framesLost += missed;
            long next = lastId == Long.MIN_VALUE ? f.sequence() : lastId + 1 + missed;
            offset = next - f.sequence();
            id = next;
            outageNanos += System.nanoTime() - outageStartNanos;
        }
        lastId = id;
        lastCaptureNanos = f.captureNanos();
        if (offset != 0) f.set(f.width(), f.height(), id, f.captureNanos(), f.truth());
        return f;
    }

    private void lose(String why) {
        LOG.warn("camera {} lost: {}; reconnecting (every {} ms at first, then up to {} ms)", name, why, backoff.initialMillis(),
                backoff.maxMillis());
        lastError = why;
        connected = false;
        outageStartNanos = System.nanoTime();
        if (lastId == Long.MIN_VALUE) lastCaptureNanos = outageStartNanos;
        skippedBefore += current.skipped();
        current.close();
        current = null;
        afterOutage = true;
    }

    /** Re-opens with backoff until it works or the station stops; false when stopping. */
    private boolean reopen() {
        long wait = backoff.initialMillis();
        while (!stopping) {
            sleep(wait);
            if (stopping) return false;
            try {
                FrameSource s = opener.open();
                if (s.maxWidth() > maxWidth || s.maxHeight() > maxHeight) {
                    s.close();
                    throw new CaptureException(name + ": re-opened with " + s.maxWidth() + "x" + s.maxHeight()
                            + " frames, larger than the " + maxWidth + "x" + maxHeight + " it started with");
                }
                if (s.channels() != channels) {
                    s.close();
                    throw new CaptureException(name + ": re-opened with " + s.channels() + "-channel frames, it started with "
                            + channels);
                }
                current = s;
                reconnects++;
                connected = true;
                LOG.info("camera {} back after {} ms ({} failed attempts, reconnect {})", name,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartNanos), failedAttempts, reconnects);
                return true;
            } catch (CaptureException | RuntimeException e) {
                failedAttempts++;
                lastError = e.getMessage();
                LOG.debug("camera {}: re-open failed: {}", name, lastError);
                wait = Math.min(backoff.maxMillis(), wait * 2);
            }
        }
        return false;
    }

    private void sleep(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left; !stopping && (left = end - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    @Override
    public long skipped() {
        FrameSource c = current;
        return skippedBefore + (c != null ? c.skipped() : 0);
    }

    /** Successful re-opens so far. */
    public long reconnects() {
        return reconnects;
    }

    /** Re-open attempts that failed. */
    public long failedAttempts() {
        return failedAttempts;
    }

    /** Frames the outages cost, from the nominal rate (0 when it is unknown). */
    public long framesLost() {
        return framesLost;
    }

    /** Time spent disconnected, outages that ended. */
    public long outageNanos() {
        return outageNanos;
    }

    /** False between a loss and the next successful re-open. */
    public boolean connected() {
        return connected;
    }

    /** Why the source was last lost or could not be re-opened; null if never. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void wakeUp() {
        stopping = true;
        FrameSource c = current;
        if (c != null) c.wakeUp();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopping = true;
        if (current != null) current.close();
        current = null;
    }
}
