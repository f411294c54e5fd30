package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.natives.NativeBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GigE Vision pixel formats without a camera: each Bayer pattern, as GenICam names it, is
 * mosaicked from a known colour picture and demosaiced back through {@link GigeFrames} (OpenCV), and
 * must give the picture's colours; RGB8 is reordered to BGR; Mono8 and BGR8 are lent as they are.
 */
class GigePixelFormatTest {
    static final int W = 64;
    static final int H = 48;
    /** Four flat patches, B, G, R each: every channel differs between patches and within each. */
    static final int[][] PATCHES = {{30, 120, 220}, {200, 60, 90}, {90, 210, 40}, {160, 170, 10}};

    static int[] colourAt(int x, int y) {
        return PATCHES[(x < W / 2 ? 0 : 1) + (y < H / 2 ? 0 : 2)];
    }

    /** The sensor value at (x, y) for a GenICam pattern, e.g. "RG" rows R G / G B: 0 blue, 1 green, 2 red. */
    static int filterAt(String firstRow, int x, int y) {
        String row = y % 2 == 0 ? firstRow : firstRow.equals("RG") ? "GB" : firstRow.equals("GR") ? "BG" : firstRow.equals("GB") ? "RG" : "GR";
        char c = row.charAt(x % 2);
        return c == 'B' ? 0 : c == 'G' ? 1 : 2;
    }

    @Test
    void everyBayerPatternDemosaicsToThePicturesColours() {
        for (GigePixelFormat f : List.of(GigePixelFormat.BAYER_RG8, GigePixelFormat.BAYER_GR8, GigePixelFormat.BAYER_GB8,
                GigePixelFormat.BAYER_BG8)) {
            String firstRow = f.genicamName().substring(5, 7);
            try (NativeBuffer raw = NativeBuffer.allocate(W * H); GigeFrames frames = new GigeFrames(f, W, H, 2)) {
                byte[] mosaic = new byte[W * H];
                for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) mosaic[y * W + x] = (byte) colourAt(x, y)[filterAt(firstRow, x, y)];
                raw.bytes().put(mosaic, 0, mosaic.length);
                assertNull(frames.problem(f.pfnc(), W, H, W * H, 0, raw.address()));
                frames.fill(raw.address());
                CapturedFrame frame = frames.frame();
                assertEquals(3, frame.channels());
                byte[] bgr = new byte[W * H * 3];
                frame.pixels().position(0).get(bgr);
                int wrong = 0;
                for (int y = 2; y < H - 2; y++) {
                    for (int x = 2; x < W - 2; x++) {
                        if (Math.abs(x - W / 2) < 3 || Math.abs(y - H / 2) < 3) continue; // patch edges blur
                        int[] want = colourAt(x, y);
                        for (int c = 0; c < 3; c++) if ((bgr[(y * W + x) * 3 + c] & 0xff) != want[c]) wrong++;
                    }
                }
                assertEquals(0, wrong, f + ": demosaiced patches must have the picture's colours exactly");
            }
        }
    }

    @Test
    void rgb8IsReorderedAndMono8AndBgr8AreLentAsTheyAre() {
        try (NativeBuffer raw = NativeBuffer.allocate(W * H * 3)) {
            byte[] rgb = new byte[W * H * 3];
            for (int i = 0; i < W * H; i++) {
                rgb[3 * i] = 10;
                rgb[3 * i + 1] = 20;
                rgb[3 * i + 2] = 30;
            }
            raw.bytes().put(rgb, 0, rgb.length);
            try (GigeFrames frames = new GigeFrames(GigePixelFormat.RGB8, W, H, 2)) {
                frames.fill(raw.address());
                byte[] bgr = new byte[3];
                frames.frame().pixels().position(0).get(bgr);
                assertEquals(30, bgr[0]);
                assertEquals(20, bgr[1]);
                assertEquals(10, bgr[2]);
            }
            for (GigePixelFormat f : List.of(GigePixelFormat.MONO8, GigePixelFormat.BGR8)) {
                try (GigeFrames frames = new GigeFrames(f, W, H, 2)) {
                    frames.fill(raw.address());
                    assertEquals(raw.address(), frames.frame().pixelAddress(), f + " is lent, not copied");
                    assertEquals(f.channels(), frames.frame().channels());
                }
            }
        }
    }

    @Test
    void namesAndMismatchedBuffersAreCheckedByName() {
        assertEquals(GigePixelFormat.BAYER_RG8, GigePixelFormat.of("bayerrg8"));
        var e = assertThrows(IllegalArgumentException.class, () -> GigePixelFormat.of("YUV422"));
        assertTrue(e.getMessage().contains("got 'YUV422'") && e.getMessage().contains("BayerRG8"), e.getMessage());
        try (GigeFrames frames = new GigeFrames(GigePixelFormat.BAYER_RG8, W, H, 2)) {
            String p = frames.problem(GigePixelFormat.MONO8.pfnc(), W, H, W * H, 0, 1);
            assertTrue(p.contains("expected BayerRG8 (0x1080009)"), p);
            p = frames.problem(GigePixelFormat.BAYER_RG8.pfnc(), W / 2, H, W * H, 0, 1);
            assertTrue(p.contains("expected packed BayerRG8 rows of 64x48"), p);
        }
        e = assertThrows(IllegalArgumentException.class, () -> GigeVisionSource.parseUri("gige:cam?pixel=Mono16"));
        assertTrue(e.getMessage().contains("'pixel'") && e.getMessage().contains("Mono16") && e.getMessage().contains("BayerGB8"), e.getMessage());
        assertEquals("BayerGB8", GigeVisionSource.parseUri("gige:cam?pixel=bayergb8").options().pixelFormat());
    }
}
