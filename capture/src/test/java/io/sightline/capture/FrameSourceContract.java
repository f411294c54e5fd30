package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * What every frame source must do: frames arrive with increasing part ids, a known pattern
 * survives the path pixel for pixel, the end is signalled, a closed source refuses to grab, and a
 * source that can fail here is re-opened by a {@link ReconnectingSource} with its ids still
 * increasing. Subclasses feed {@link #FRAMES} frames of {@link #pattern} through their real path.
 *
 * <p>Every frame says which one it is: pixel (0, 0) of frame {@code i} is {@code 17 i mod 256},
 * and 17 is invertible mod 256, so a live source that skipped frames is still checked pixel for
 * pixel against the frame it really delivered.
 */
abstract class FrameSourceContract {
    static final int W = 96;
    static final int H = 64;
    static final int FRAMES = 12;

    /** The gray level of pixel (x, y) in frame {@code i}. */
    static int pattern(int i, int x, int y) {
        return (x * 2 + y * 3 + i * 17) & 0xff;
    }

    static byte[] frame(int i) {
        byte[] px = new byte[W * H];
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) px[y * W + x] = (byte) pattern(i, x, y);
        return px;
    }

    /** Which pattern frame (mod 256) {@code f} is, from its first pixel: 241 is 17's inverse mod 256. */
    static int indexOf(CapturedFrame f) {
        return ((f.pixels().get(0) & 0xff) * 241) & 0xff;
    }

    static byte[] pixels(CapturedFrame f) {
        byte[] got = new byte[f.width() * f.height()];
        for (int y = 0; y < f.height(); y++) f.pixels().position((long) y * f.stride()).get(got, y * f.width(), f.width());
        f.pixels().position(0);
        return got;
    }

    /** A source that delivers frames 0 .. FRAMES-1 of the pattern, then ends. */
    abstract FrameSource newSource() throws Exception;

    /** Checks how the source signals its end: null by default (a live stream is lost instead). */
    void assertEnd(FrameSource s) throws Exception {
        assertNull(s.grab(), "the end of the source is null");
    }

    /**
     * A source that is lost after a few frames and can be opened again, wrapped in a
     * {@link ReconnectingSource}; null when this kind of source cannot fail here.
     */
    ReconnectingSource failingSource() throws Exception {
        return null;
    }

    @Test
    void framesArriveInOrderWithThePatternIntactAndThenEnd() throws Exception {
        try (FrameSource s = newSource()) {
            assertEquals(W, s.maxWidth());
            assertEquals(H, s.maxHeight());
            long lastId = -1;
            int lastIndex = -1;
            int received = 0;
            while (lastIndex < FRAMES - 1) {
                CapturedFrame f = s.grab();
                assertNotNull(f, "frame after " + lastIndex);
                int index = indexOf(f);
                assertTrue(f.sequence() > lastId, "part ids increase: " + f.sequence() + " after " + lastId);
                assertTrue(index > lastIndex, "frames in order: " + index + " after " + lastIndex);
                assertEquals(index, f.sequence(), "the part id is the frame's number");
                if (!s.live()) assertEquals(received, index, "a source that is not live skips nothing");
                lastId = f.sequence();
                lastIndex = index;
                assertEquals(W, f.width());
                assertEquals(H, f.height());
                assertArrayEquals(frame(index), pixels(f), "frame " + index + " pixel for pixel");
                received++;
            }
            assertEquals(FRAMES, received + s.skipped(), "every frame sent was received or counted as skipped");
            assertEnd(s);
        }
    }

    @Test
    void aClosedSourceRefusesToGrabAndClosingTwiceIsHarmless() throws Exception {
        FrameSource s = newSource();
        assertNotNull(s.grab());
        s.close();
        s.close();
        CaptureException e = assertThrows(CaptureException.class, s::grab);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aLostSourceIsReopenedAndItsPartIdsKeepIncreasing() throws Exception {
        ReconnectingSource s = failingSource();
        assumeTrue(s != null, getClass().getSimpleName() + " gives the contract no failing source (a file or folder cannot be lost; the watched folder and USB tests check their reconnects themselves)");
        try (s) {
            long lastId = -1;
            int afterReconnect = 0;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (afterReconnect < 5) {
                assertTrue(System.nanoTime() < deadline, "no reconnect within 30 s: " + s.lastError());
                CapturedFrame f = s.grab();
                assertNotNull(f, "a reconnecting source does not end");
                assertTrue(f.sequence() > lastId, "part ids increase across the reconnect: " + f.sequence() + " after " + lastId);
                lastId = f.sequence();
                assertArrayEquals(frame(indexOf(f)), pixels(f), "frame " + indexOf(f) + " pixel for pixel");
                if (s.reconnects() > 0) afterReconnect++;
            }
            assertTrue(s.reconnects() >= 1);
            assertTrue(s.connected());
            assertNotNull(s.lastError(), "why it was lost is kept");
        }
    }
}
