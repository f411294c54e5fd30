package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * What every frame source must do: frames arrive with increasing part ids, a known pattern
 * survives the path pixel for pixel, the end is null, and a closed source refuses to grab.
 * Subclasses feed {@link #FRAMES} frames of {@link #pattern} through their real path.
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

    /** A source that delivers frames 0 .. FRAMES-1 of the pattern, then ends. */
    abstract FrameSource newSource() throws Exception;

    @Test
    void framesArriveInOrderWithThePatternIntactAndThenEnd() throws Exception {
        try (FrameSource s = newSource()) {
            assertEquals(W, s.maxWidth());
            assertEquals(H, s.maxHeight());
            long last = -1;
            for (int i = 0; i < FRAMES; i++) {
                CapturedFrame f = s.grab();
                assertNotNull(f, "frame " + i);
                assertTrue(f.sequence() > last, "part ids increase: " + f.sequence() + " after " + last);
                last = f.sequence();
                assertEquals(W, f.width());
                assertEquals(H, f.height());
                byte[] got = new byte[W * H];
                for (int y = 0; y < H; y++) f.pixels().position((long) y * f.stride()).get(got, y * W, W);
                f.pixels().position(0);
                assertArrayEquals(frame(i), got, "frame " + i + " pixel for pixel");
            }
            assertNull(s.grab(), "the end of the source is null");
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
}
