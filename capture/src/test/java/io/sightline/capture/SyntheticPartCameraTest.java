package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.SyntheticPartCamera.Options;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticPartCameraTest {

    private static final Options SMALL = new Options(320, 256, 0.2, 42L, 4);

    private static byte[] pixels(CapturedFrame f) {
        byte[] b = new byte[(int) f.sizeBytes()];
        f.pixels().get(b);
        return b;
    }

    private static double mean(byte[] img, int width, int x0, int y0, int x1, int y1) {
        long sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                sum += img[y * width + x] & 0xFF;
            }
        }
        return (double) sum / ((long) (x1 - x0) * (y1 - y0));
    }

    // ------------------------------------------------------------------ size, placement

    @Test
    void framesHaveTheConfiguredSizeAndCountFromZero() throws Exception {
        try (SyntheticPartCamera camera = new SyntheticPartCamera("synthetic:test", SMALL)) {
            assertEquals("synthetic:test", camera.name());
            assertEquals(320, camera.maxWidth());
            assertEquals(256, camera.maxHeight());
            CapturedFrame first = camera.grab();
            for (int i = 0; i < 20; i++) {
                CapturedFrame f = i == 0 ? first : camera.grab();
                assertEquals(320, f.width());
                assertEquals(256, f.height());
                assertEquals(320, f.stride());
                assertEquals(i, f.sequence());
                assertTrue(f.truth() != DefectKind.UNKNOWN);
                assertTrue(f.captureNanos() != 0);
                assertTrue(f == first, "the frame buffer is reused");
            }
            assertEquals(20, camera.render(DefectKind.NONE).sequence(), "render() shares the sequence");
        }
    }

    @Test
    void thePartIsInsideTheDefaultRoiAndBrighterThanTheBelt() throws Exception {
        Options options = Options.defaults().withVariations(6).withDefectRate(0);
        try (SyntheticPartCamera camera = new SyntheticPartCamera("roi", options)) {
            int[] roi = camera.partRoi();
            assertArrayEquals(SyntheticPartCamera.defaultRoi(1280, 1024), roi);
            assertEquals(roi[2], roi[3], "square");
            assertEquals(768, roi[2], "768x768 (6 x 128) at 1280x1024: " + Arrays.toString(roi));
            for (int e = 0; e < 6; e++) {
                double[] g = camera.geometry(e);
                double reach = g[2] + 6; // part radius plus its edge
                assertTrue(g[0] - reach >= roi[0] + 10 && g[0] + reach <= roi[0] + roi[2] - 10, "x inside ROI");
                assertTrue(g[1] - reach >= roi[1] + 10 && g[1] + reach <= roi[1] + roi[3] - 10, "y inside ROI");
            }
            for (int i = 0; i < 10; i++) {
                CapturedFrame f = camera.grab();
                byte[] img = pixels(f);
                double roiMean = mean(img, 1280, roi[0], roi[1], roi[0] + roi[2], roi[1] + roi[3]);
                int c = 100;
                double corners = (mean(img, 1280, 0, 0, c, c) + mean(img, 1280, 1280 - c, 0, 1280, c)
                        + mean(img, 1280, 0, 1024 - c, c, 1024) + mean(img, 1280, 1280 - c, 1024 - c, 1280, 1024)) / 4;
                assertTrue(roiMean > corners + 30, "ROI mean " + roiMean + " vs belt corners " + corners);
                assertTrue(corners < 60, "the belt is dark: " + corners);
            }
            // the flange face (between bolt holes, on the pitch circle) is bright
            CapturedFrame f = camera.renderEntry(0, DefectKind.NONE, 1);
            byte[] img = pixels(f);
            double[] g = camera.geometry(0);
            double face = 0;
            for (int k = 0; k < 4; k++) {
                double mx = (g[5 + 2 * k] + g[5 + 2 * ((k + 1) % 4)]) / 2;
                double my = (g[6 + 2 * k] + g[6 + 2 * ((k + 1) % 4)]) / 2;
                face += mean(img, 1280, (int) mx - 5, (int) my - 5, (int) mx + 5, (int) my + 5) / 4;
            }
            double bore = mean(img, 1280, (int) g[0] - 20, (int) g[1] - 20, (int) g[0] + 20, (int) g[1] + 20);
            assertTrue(face > 100, "bright flange face: " + face);
            assertTrue(bore < face - 50, "the bore shows the dark belt: " + bore);
        }
    }

    @Test
    void defaultRoiFitsOtherResolutions() {
        int[][] sizes = {{64, 64}, {640, 480}, {1920, 1080}, {700, 2000}, {8192, 64}};
        for (int[] s : sizes) {
            int[] roi = SyntheticPartCamera.defaultRoi(s[0], s[1]);
            int min = Math.min(s[0], s[1]);
            assertEquals(roi[2], roi[3]);
            assertTrue(roi[0] >= 0 && roi[1] >= 0 && roi[0] + roi[2] <= s[0] && roi[1] + roi[3] <= s[1], Arrays.toString(roi));
            // the part's worst-case reach from the image centre
            double reach = min * (PartScene.PART_RADIUS_FRACTION + PartScene.SHIFT_FRACTION * Math.sqrt(2));
            assertTrue(roi[2] / 2.0 > reach, "ROI " + Arrays.toString(roi) + " holds the part at " + s[0] + "x" + s[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> SyntheticPartCamera.defaultRoi(0, 10));
    }

    @Test
    void otherResolutionsRenderEveryKind() throws Exception {
        int[][] sizes = {{64, 64}, {200, 64}, {96, 400}};
        for (int[] s : sizes) {
            try (SyntheticPartCamera camera = new SyntheticPartCamera("odd", new Options(s[0], s[1], 1.0, 3L, 2))) {
                for (int i = 0; i < 30; i++) {
                    assertTrue(camera.grab().truth().isDefect());
                }
                assertEquals(DefectKind.NONE, camera.render(DefectKind.NONE).truth());
                for (DefectKind kind : DefectKind.renderable()) {
                    CapturedFrame f = camera.render(kind);
                    assertEquals(kind, f.truth());
                    assertEquals(s[0], f.width());
                    assertEquals(s[1], f.height());
                }
            }
        }
    }

    // ------------------------------------------------------------------ determinism

    @Test
    void sameOptionsGiveIdenticalFramesAndOtherSeedsDiffer() throws Exception {
        Options options = SMALL.withDefectRate(0.5);
        try (SyntheticPartCamera a = new SyntheticPartCamera("a", options);
                SyntheticPartCamera b = new SyntheticPartCamera("b", options);
                SyntheticPartCamera c = new SyntheticPartCamera("c", options.withSeed(43L))) {
            int differing = 0;
            for (int i = 0; i < 40; i++) {
                CapturedFrame fa = a.grab();
                CapturedFrame fb = b.grab();
                CapturedFrame fc = c.grab();
                assertEquals(fa.truth(), fb.truth(), "frame " + i);
                assertArrayEquals(pixels(fa), pixels(fb), "frame " + i + " is byte-identical");
                if (!Arrays.equals(pixels(fa), pixels(fc))) differing++;
            }
            for (DefectKind kind : DefectKind.renderable()) {
                assertArrayEquals(pixels(a.render(kind)), pixels(b.render(kind)), "render(" + kind + ")");
            }
            assertEquals(40, differing, "another seed gives other frames");
        }
    }

    @Test
    void renderDrawsFreshPartsNotOnlyTheBank() {
        try (SyntheticPartCamera camera = new SyntheticPartCamera("fresh", SMALL.withVariations(1))) {
            byte[] first = pixels(camera.render(DefectKind.NONE));
            byte[] second = pixels(camera.render(DefectKind.NONE));
            int changed = 0;
            for (int i = 0; i < first.length; i++) {
                if (Math.abs((first[i] & 0xFF) - (second[i] & 0xFF)) > 40) changed++;
            }
            // another position and rotation moves holes and edges: many pixels change a lot, not just noise
            assertTrue(changed > first.length / 50, "changed strongly: " + changed);
        }
    }

    // ------------------------------------------------------------------ defect rate

    @Test
    void defectRateIsHonouredAndEveryKindAppears() throws Exception {
        int n = 2000;
        double rate = 0.2;
        try (SyntheticPartCamera camera = new SyntheticPartCamera("rate", SMALL.withDefectRate(rate).withVariations(2))) {
            Map<DefectKind, Integer> counts = new EnumMap<>(DefectKind.class);
            for (int i = 0; i < n; i++) {
                counts.merge(camera.grab().truth(), 1, Integer::sum);
            }
            int defects = n - counts.getOrDefault(DefectKind.NONE, 0);
            double sd = Math.sqrt(n * rate * (1 - rate)); // binomial: about 17.9
            assertTrue(Math.abs(defects - n * rate) < 4 * sd, "defects " + defects + " of " + n + " at rate " + rate);
            double perKind = n * rate / DefectKind.renderable().length;
            for (DefectKind kind : DefectKind.renderable()) {
                int k = counts.getOrDefault(kind, 0);
                assertTrue(k > perKind / 2 && k < perKind * 1.5, kind + " appears about uniformly: " + k);
            }
            assertEquals(0, counts.getOrDefault(DefectKind.UNKNOWN, 0));
        }
        try (SyntheticPartCamera none = new SyntheticPartCamera("none", SMALL.withDefectRate(0).withVariations(1));
                SyntheticPartCamera all = new SyntheticPartCamera("all", SMALL.withDefectRate(1).withVariations(1))) {
            for (int i = 0; i < 500; i++) {
                assertEquals(DefectKind.NONE, none.grab().truth());
                assertTrue(all.grab().truth().isDefect());
            }
        }
    }

    @Test
    void perKindRatesMakeOneClassRiseAndNullGoesBack() throws Exception {
        int n = 2000;
        try (SyntheticPartCamera camera = new SyntheticPartCamera("one class", SMALL.withDefectRate(0.05).withVariations(2))) {
            double[] rates = new double[camera.kinds().size()];
            rates[camera.kinds().indexOf(DefectKind.CRACK)] = 0.3;
            rates[camera.kinds().indexOf(DefectKind.PIT)] = 0.01;
            camera.setDefectRates(rates);
            rates[0] = 1; // the camera keeps its own copy
            Map<DefectKind, Integer> counts = new EnumMap<>(DefectKind.class);
            for (int i = 0; i < n; i++) counts.merge(camera.grab().truth(), 1, Integer::sum);
            int cracks = counts.getOrDefault(DefectKind.CRACK, 0);
            double sd = Math.sqrt(n * 0.3 * 0.7); // about 20.5
            assertTrue(Math.abs(cracks - n * 0.3) < 4 * sd, "cracks " + cracks + " of " + n + " at 0.3");
            assertEquals(n, cracks + counts.getOrDefault(DefectKind.PIT, 0) + counts.getOrDefault(DefectKind.NONE, 0),
                    "only the kinds given a rate appear: " + counts);
            assertTrue(counts.getOrDefault(DefectKind.PIT, 0) > 0, counts.toString());
            camera.setDefectRates(null);
            counts.clear();
            for (int i = 0; i < n; i++) counts.merge(camera.grab().truth(), 1, Integer::sum);
            assertTrue(counts.getOrDefault(DefectKind.SCRATCH, 0) > 0, "back to every kind at the camera's rate: " + counts);
            assertTrue(counts.getOrDefault(DefectKind.CRACK, 0) < n * 0.05, counts.toString());
        }
    }

    @Test
    void badPerKindRatesNameTheKindOrTheCount() {
        try (SyntheticPartCamera camera = new SyntheticPartCamera("bad", SMALL.withVariations(1))) {
            var e = assertThrows(IllegalArgumentException.class, () -> camera.setDefectRates(new double[] {0, 0, 1.5, 0, 0}));
            assertEquals("defect rate of crack: expected between 0 and 1, got 1.5", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> camera.setDefectRates(new double[] {0.1}));
            assertTrue(e.getMessage().startsWith("defect rates: expected one per kind"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> camera.setDefectRates(new double[] {0.5, 0.5, 0.5, 0, 0}));
            assertEquals("defect rates: expected a sum of at most 1, got 1.5", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ defects change pixels where they are drawn

    @Test
    void everyDefectChangesPixelsLocallyAndSubstantially() {
        int w = 1280;
        try (SyntheticPartCamera camera = new SyntheticPartCamera("defects", Options.defaults().withVariations(3))) {
            for (int e = 0; e < 3; e++) {
                for (DefectKind kind : DefectKind.renderable()) {
                    for (long seed = 0; seed < 4; seed++) {
                        byte[] good = pixels(camera.renderEntry(e, DefectKind.NONE, seed));
                        byte[] bad = pixels(camera.renderEntry(e, kind, seed));
                        int[] box = camera.lastDefectBox();
                        String what = kind + " entry " + e + " seed " + seed + " box " + Arrays.toString(box);
                        assertTrue(box[2] > box[0] && box[3] > box[1], what);
                        int strong = 0;
                        for (int y = 0; y < 1024; y++) {
                            for (int x = 0; x < w; x++) {
                                int d = Math.abs((good[y * w + x] & 0xFF) - (bad[y * w + x] & 0xFF));
                                boolean inside = x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
                                if (!inside) {
                                    assertEquals(0, d, what + ": pixel (" + x + "," + y + ") outside the defect changed");
                                } else if (d >= 40) {
                                    strong++;
                                }
                            }
                        }
                        int minimum = switch (kind) {
                            case SCRATCH -> 250;
                            case PIT -> 200;
                            case CRACK -> 200;
                            case MISSING_FEATURE -> 900;
                            case MISPLACED_FEATURE -> 1500;
                            default -> throw new AssertionError(kind);
                        };
                        assertTrue(strong >= minimum, what + ": " + strong + " pixels changed by 40+ gray levels");
                        // visible after the station's ~6x downsampling: the box spans several output pixels
                        assertTrue(Math.max(box[2] - box[0], box[3] - box[1]) >= 24, what);
                    }
                }
            }
        }
    }

    @Test
    void aMissingHoleBecomesSurfaceAndAMisplacedHoleMoves() {
        int w = 1280;
        try (SyntheticPartCamera camera = new SyntheticPartCamera("holes", Options.defaults().withVariations(2))) {
            double[] g = camera.geometry(1);
            double holeR = g[4];
            for (long seed = 0; seed < 6; seed++) {
                byte[] good = pixels(camera.renderEntry(1, DefectKind.NONE, seed));
                byte[] missing = pixels(camera.renderEntry(1, DefectKind.MISSING_FEATURE, seed));
                int filled = 0;
                for (int k = 0; k < 4; k++) {
                    int hx = (int) Math.round(g[5 + 2 * k]);
                    int hy = (int) Math.round(g[6 + 2 * k]);
                    int r = (int) (holeR * 0.6);
                    double before = mean(good, w, hx - r, hy - r, hx + r, hy + r);
                    double after = mean(missing, w, hx - r, hy - r, hx + r, hy + r);
                    assertTrue(before < 70, "a bolt hole is dark: " + before);
                    if (after > 100) filled++;
                }
                assertEquals(1, filled, "exactly one hole became bright surface (seed " + seed + ")");

                byte[] moved = pixels(camera.renderEntry(1, DefectKind.MISPLACED_FEATURE, seed));
                int gone = 0;
                for (int k = 0; k < 4; k++) {
                    int hx = (int) Math.round(g[5 + 2 * k]);
                    int hy = (int) Math.round(g[6 + 2 * k]);
                    int r = (int) (holeR * 0.3);
                    if (mean(moved, w, hx - r, hy - r, hx + r, hy + r) > 100) gone++;
                }
                assertEquals(1, gone, "the old place of the moved hole is surface now (seed " + seed + ")");
                int newlyDark = 0;
                for (int i = 0; i < good.length; i++) {
                    if ((good[i] & 0xFF) > 100 && (moved[i] & 0xFF) < 70) newlyDark++;
                }
                assertTrue(newlyDark > Math.PI * holeR * holeR * 0.3, "a hole was cut somewhere else: " + newlyDark);
            }
        }
    }

    // ------------------------------------------------------------------ options and lifecycle

    @Test
    void badOptionsAreRejectedWithTheOptionTheValueAndTheRange() {
        assertEquals("synthetic camera width must be between 64 and 8192 pixels, got 10",
                assertThrows(IllegalArgumentException.class, () -> new Options(10, 1024, 0.1, 1, 32)).getMessage());
        assertEquals("synthetic camera width must be between 64 and 8192 pixels, got 8193",
                assertThrows(IllegalArgumentException.class, () -> new Options(8193, 1024, 0.1, 1, 32)).getMessage());
        assertEquals("synthetic camera height must be between 64 and 8192 pixels, got 63",
                assertThrows(IllegalArgumentException.class, () -> new Options(1280, 63, 0.1, 1, 32)).getMessage());
        assertEquals("synthetic camera defectRate must be between 0 and 1, got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new Options(1280, 1024, 1.5, 1, 32)).getMessage());
        assertEquals("synthetic camera defectRate must be between 0 and 1, got -0.1",
                assertThrows(IllegalArgumentException.class, () -> new Options(1280, 1024, -0.1, 1, 32)).getMessage());
        assertEquals("synthetic camera defectRate must be between 0 and 1, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new Options(1280, 1024, Double.NaN, 1, 32)).getMessage());
        assertEquals("synthetic camera variations must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Options(1280, 1024, 0.1, 1, 0)).getMessage());
        Options d = Options.defaults();
        assertEquals(new Options(1280, 1024, 0.1, 1L, 32), d);
        assertThrows(IllegalArgumentException.class, () -> new SyntheticPartCamera(" ", d));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticPartCamera("x", null));
    }

    @Test
    void renderAcceptsOnlyRenderableKinds() {
        try (SyntheticPartCamera camera = new SyntheticPartCamera("kinds", SMALL.withVariations(1))) {
            String message = assertThrows(IllegalArgumentException.class, () -> camera.render(DefectKind.UNKNOWN)).getMessage();
            assertTrue(message.contains("UNKNOWN") && message.contains("NONE"), message);
            assertThrows(IllegalArgumentException.class, () -> camera.render(null));
        }
    }

    @Test
    void closeIsIdempotentAndAClosedCameraSaysSo() throws Exception {
        SyntheticPartCamera camera = new SyntheticPartCamera("closing", SMALL.withVariations(1));
        assertNotNull(camera.grab());
        camera.close();
        camera.close();
        CaptureException e = assertThrows(CaptureException.class, camera::grab);
        assertTrue(e.getMessage().contains("closing"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> camera.render(DefectKind.NONE));
        assertFalse(e.getMessage().isBlank());
    }
}
