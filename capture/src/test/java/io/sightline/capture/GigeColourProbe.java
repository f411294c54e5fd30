package io.sightline.capture;

import static io.sightline.capture.GigeProbe.check;
import static io.sightline.capture.GigeProbe.figure;

import com.sun.management.ThreadMXBean;
import io.sightline.natives.aravis.Aravis;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The colour side of {@link GigeVisionSourceTest}: run like {@link GigeProbe} (a child JVM inside the
 * station network namespace), it opens the Aravis simulator in each colour pixel format it offers
 * (RGB8, BayerRG8, BayerGB8) and checks the BGR frames the source makes of them.
 *
 * <p>The simulator paints a colour ramp along the diagonal: pixel (x, y) of frame k has the colour of
 * ramp position {@code (x + y + k) mod 255}. Its RGB8 frame, only reordered to BGR, is the reference;
 * each Bayer frame, demosaiced, must show the same colours once shifted by the two frames' id
 * difference ({@code ref(x + d, y)}, {@code d = (k - kRef) mod 255}).
 *
 * <p>BayerGB8 must match as it is. BayerRG8 must match with red and blue exchanged: the simulator
 * (arvfakecamera.c, 0.8) fills its BayerRG8 buffer blue-first (B G / G R, BayerBG8's layout; its
 * BayerBG8 is red-first the same way) while its BayerGB8 and BayerGR8 follow GenICam. The mapping
 * itself is checked against the GenICam layouts by {@link GigePixelFormatTest}.
 */
public final class GigeColourProbe {
    private static final int W = 512;
    private static final int H = 512;
    private static final int TOLERANCE = 24;

    private GigeColourProbe() {
    }

    public static void main(String[] args) {
        int rc;
        try {
            GigeProbe.refuseRootNamespace();
            byte[] reference = new byte[W * H * 3];
            long referenceId = colour(args[0], "RGB8", null, 0, reference);
            colour(args[0], "BayerRG8", reference, referenceId, new byte[W * H * 3]);
            colour(args[0], "BayerGB8", reference, referenceId, new byte[W * H * 3]);
            Aravis.shutdown();
            System.out.println("OK");
            rc = 0;
        } catch (GigeProbe.Failure f) {
            System.out.println("FAIL " + f.getMessage());
            rc = 1;
        } catch (Throwable t) {
            System.out.println("FAIL " + t);
            t.printStackTrace(System.out);
            rc = 1;
        }
        System.out.flush();
        System.exit(rc);
    }

    /** Grabs 40 frames in {@code format} into {@code px}, compares each with the reference if given; returns the last frame's id. */
    private static long colour(String id, String format, byte[] reference, long referenceId, byte[] px) throws Exception {
        GigeVisionSource.Options d = GigeVisionSource.Options.defaults().withFps(50).withGain(0).withExposureUs(10000);
        GigeVisionSource.Options o = new GigeVisionSource.Options(d.exposureUs(), d.gain(), d.trigger(), format, d.fps(), d.buffers(),
                d.lossTimeoutMillis());
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = 0;
        int frames = 40;
        double worst = 1;
        double swappedWorst = 1;
        long lastId = -1;
        String key = format.toLowerCase(Locale.ROOT);
        try (GigeVisionSource s = new GigeVisionSource("cam-" + key, id, o)) {
            check(s.channels() == 3, format + ": " + s.channels() + " channels");
            for (int i = 0; i < frames; i++) {
                long a0 = mx.getCurrentThreadAllocatedBytes();
                CapturedFrame f = s.grab();
                long a1 = mx.getCurrentThreadAllocatedBytes();
                if (i >= frames / 2) allocated += a1 - a0; // after the buffer pool's first round
                check(f != null && f.channels() == 3 && f.width() == W && f.height() == H, format + " frame " + i + ": " + f);
                f.pixels().position(0).get(px);
                lastId = s.cameraFrameId();
                if (reference == null) {
                    int spread = 0;
                    for (int p = 0; p < px.length; p += 3) spread = Math.max(spread, Math.abs((px[p] & 0xff) - (px[p + 2] & 0xff)));
                    check(spread > 128, format + " frame " + i + " is (nearly) gray: blue and red differ by " + spread + " at most");
                    continue;
                }
                int shift = (int) Math.floorMod(lastId - referenceId, 255L);
                worst = Math.min(worst, share(px, reference, shift, false));
                swappedWorst = Math.min(swappedWorst, share(px, reference, shift, true));
            }
        }
        figure(key + "_frames", frames);
        figure(key + "_grab_allocated_bytes", allocated + " over " + (frames - frames / 2) + " grabs");
        if (reference == null) return lastId;
        figure(key + "_share_like_rgb8_worst", String.format(Locale.ROOT, "%.4f", worst));
        figure(key + "_share_like_rgb8_red_blue_swapped_worst", String.format(Locale.ROOT, "%.4f", swappedWorst));
        boolean simulatorSwapsRedAndBlue = format.equals("BayerRG8"); // see the class comment
        double expected = simulatorSwapsRedAndBlue ? swappedWorst : worst;
        double other = simulatorSwapsRedAndBlue ? worst : swappedWorst;
        check(expected > 0.95 && other < 0.5, format + ": " + expected + " of the pixels have the RGB8 frame's colours"
                + (simulatorSwapsRedAndBlue ? " with red and blue exchanged" : "") + ", " + other + " the other way (within "
                + TOLERANCE + "); expected above 0.95 and below 0.5");
        return lastId;
    }

    /** Share of pixels (off the border) within the tolerance of {@code ref(x + shift, y)}, red and blue of the frame swapped if asked. */
    private static double share(byte[] px, byte[] ref, int shift, boolean swapped) {
        int near = 0;
        int counted = 0;
        for (int y = 2; y < H - 2; y++) {
            for (int x = 2; x + shift < W - 2; x++) {
                int p = (y * W + x) * 3;
                int q = (y * W + x + shift) * 3;
                int b = px[swapped ? p + 2 : p] & 0xff;
                int r = px[swapped ? p : p + 2] & 0xff;
                counted++;
                if (Math.abs(b - (ref[q] & 0xff)) <= TOLERANCE && Math.abs((px[p + 1] & 0xff) - (ref[q + 1] & 0xff)) <= TOLERANCE
                        && Math.abs(r - (ref[q + 2] & 0xff)) <= TOLERANCE) {
                    near++;
                }
            }
        }
        return (double) near / counted;
    }
}
