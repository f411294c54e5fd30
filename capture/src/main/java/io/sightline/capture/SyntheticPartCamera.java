package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.sightline.natives.Natives;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.javacpp.indexer.UByteRawIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A camera that photographs machined round flanges on a dark conveyor belt, some of them defective,
 * and knows the ground truth of every frame.
 *
 * <p>It stands in for a real line camera in demos, tests, benchmarks and for building training
 * sets. Frames are 8-bit gray, or 8-bit BGR with {@link Options#colour()}: the same scene tinted
 * like brass (each gray level times {@link #TINT_BGR}), where a sixth defect kind,
 * {@link DefectKind#DISCOLOURATION}, is drawn too (a stain plain in colour, faint in gray). The scene: a dark textured belt under uneven light (vignette and a
 * gradient), a bright flange of radius {@code 0.32 * min(width, height)} near the image centre
 * (shifted by up to 3% of the image, rotated by any angle) with a brushed face, a turned hub, a
 * groove, chamfered edges, a central bore and four bolt holes on a pitch circle; then a global gain
 * (±8%) and offset (±8 gray levels) and sensor noise. Everything scales with the image size.
 *
 * <pre>
 *  construction (slow, once)                      grab() (hot path, ~1 ms at 1280x1024, no allocation)
 *  -------------------------                      -----------------------------------------------------
 *  belt texture, light field, noise fields         pick a bank entry (seeded)
 *  bank[0..variations-1]: rendered good parts  --&gt; bank[e] * gain + offset  -&gt; frame pixels
 *    + geometry (centre, holes) + hole "plugs"     draw a defect with probability defectRate
 *                                                  + noise window A - noise window B (saturating)
 *                                                  frame.set(size, sequence, nanoTime, truth)
 * </pre>
 *
 * <p>{@link #render(DefectKind)} re-renders a fresh part (new position, rotation, texture) every
 * call and forces the defect kind: it costs about 10 ms at 1280x1024 and is meant for balanced
 * training sets, not for the line.
 *
 * <p>Defects are drawn on the part surface and sized to survive the station's downsampling of the
 * {@link #defaultRoi(int, int) default ROI} to 128x128 (about 6x): {@code SCRATCH} a long thin
 * straight line brighter or darker than the surface, {@code PIT} a dark spot with a bright rim,
 * {@code CRACK} a dark jagged polyline, {@code MISSING_FEATURE} a bolt hole filled with surface,
 * {@code MISPLACED_FEATURE} a bolt hole moved along the pitch circle or radially.
 *
 * <p>Seeded: the same options and the same sequence of calls give byte-identical frames. Driven by
 * one thread, like every {@link FrameSource}. {@link #close()} frees all native memory.
 *
 * <p>This class is the source itself (options, sequence, gain, offset, noise); the scene and the
 * bank of good parts are {@link PartScene}'s, each part is painted by {@link FlangeRenderer}, and
 * defects by {@link DefectPainter}.
 */
public final class SyntheticPartCamera implements FrameSource {

    /**
     * Camera settings.
     *
     * @param width frame width in pixels, 64..8192
     * @param height frame height in pixels, 64..8192
     * @param defectRate probability that a grabbed part is defective, 0..1
     * @param seed seed of every random choice; same seed, same frames
     * @param variations good parts pre-rendered at construction (position, rotation, texture), at least 1
     * @param colour 8-bit BGR frames of a brass-tinted part, defects drawn among
     *               {@link DefectKind#colourRenderable()}; false: 8-bit gray, among {@link DefectKind#renderable()}
     */
    public record Options(int width, int height, double defectRate, long seed, int variations, boolean colour) {
        public static final int MIN_SIZE = 64;
        public static final int MAX_SIZE = 8192;

        public Options {
            if (width < MIN_SIZE || width > MAX_SIZE) {
                throw new IllegalArgumentException("synthetic camera width must be between " + MIN_SIZE + " and "
                        + MAX_SIZE + " pixels, got " + width);
            }
            if (height < MIN_SIZE || height > MAX_SIZE) {
                throw new IllegalArgumentException("synthetic camera height must be between " + MIN_SIZE + " and "
                        + MAX_SIZE + " pixels, got " + height);
            }
            if (!(defectRate >= 0.0 && defectRate <= 1.0)) {
                throw new IllegalArgumentException(
                        "synthetic camera defectRate must be between 0 and 1, got " + defectRate);
            }
            if (variations < 1) {
                throw new IllegalArgumentException("synthetic camera variations must be at least 1, got " + variations);
            }
        }

        /** A gray camera. */
        public Options(int width, int height, double defectRate, long seed, int variations) {
            this(width, height, defectRate, seed, variations, false);
        }

        /** 1280x1024, 10% defects, seed 1, 32 pre-rendered parts, gray. */
        public static Options defaults() {
            return new Options(1280, 1024, 0.1, 1L, 32);
        }

        public Options withSize(int newWidth, int newHeight) {
            return new Options(newWidth, newHeight, defectRate, seed, variations, colour);
        }

        public Options withDefectRate(double newDefectRate) {
            return new Options(width, height, newDefectRate, seed, variations, colour);
        }

        public Options withSeed(long newSeed) {
            return new Options(width, height, defectRate, newSeed, variations, colour);
        }

        public Options withVariations(int newVariations) {
            return new Options(width, height, defectRate, seed, newVariations, colour);
        }

        public Options withColour(boolean newColour) {
            return new Options(width, height, defectRate, seed, variations, newColour);
        }
    }

    static final double ROI_FRACTION = 0.75;
    private static final double GAIN_SPREAD = 0.08;
    private static final double OFFSET_SPREAD = 8.0;
    /** A colour camera's gain per channel, blue, green, red: a brass-like part on a brownish belt. */
    static final float[] TINT_BGR = {0.62f, 0.86f, 1.0f};

    private final String name;
    private final Options options;
    private final int width;
    private final int height;
    private final NativeScope natives = new NativeScope();
    private final CapturedFrame frame;
    /** Where the scene is drawn in gray: the frame's pixels, or (colour) a scratch frame tinted into them. */
    private final Mat out;
    /** Colour only (else null): the frame's pixels as BGR, the tint as a lookup table per channel, and an indexer for the stain. */
    private final Mat bgr;
    private final Mat tint;
    private final UByteIndexer bgrPixels;
    private final DefectKind[] kinds;
    private final PartScene scene;
    private final DefectPainter painter;
    private final SplittableRandom frameRng;

    private long sequence;
    private boolean closed;

    public SyntheticPartCamera(String name, Options options) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("synthetic camera name must not be blank, got '" + name + "'");
        }
        if (options == null) {
            throw new IllegalArgumentException("synthetic camera options must not be null");
        }
        Natives.opencv();
        this.name = name;
        this.options = options;
        this.width = options.width();
        this.height = options.height();
        this.frameRng = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);

        CapturedFrame f = null;
        try {
            f = new CapturedFrame(width, height, options.colour() ? 3 : 1);
            this.frame = f;
            this.kinds = options.colour() ? DefectKind.colourRenderable() : DefectKind.renderable();
            if (options.colour()) {
                this.out = natives.own(new Mat(height, width, CV_8UC1));
                this.bgr = natives.own(new Mat(height, width, CV_8UC3, f.pixels()));
                this.tint = natives.own(new Mat(1, 256, CV_8UC3));
                try (UByteIndexer t = tint.createIndexer()) {
                    for (int v = 0; v < 256; v++) {
                        for (int c = 0; c < 3; c++) t.put(0, v, c, Math.min(255, Math.round(v * TINT_BGR[c])));
                    }
                }
                this.bgrPixels = new UByteRawIndexer(f.pixels());
            } else {
                this.out = natives.own(new Mat(height, width, CV_8UC1, f.pixels()));
                this.bgr = null;
                this.tint = null;
                this.bgrPixels = null;
            }
            this.scene = new PartScene(width, height, options.seed(), options.variations(), natives);
            this.painter = new DefectPainter(scene, out, natives);
        } catch (RuntimeException | Error failure) {
            natives.close();
            if (f != null) f.close();
            throw failure;
        }
    }

    /**
     * The square region {x, y, w, h} that contains the part in every variation, with margin:
     * centred, side {@code 0.75 * min(width, height)}: 768x768 at 1280x1024, six times the default
     * 128 px model input, so preprocessing downscales by a whole factor (OpenCV's fast box-average
     * path for INTER_AREA, about six times cheaper than the fractional 6.25 of an 800 px side).
     */
    public static int[] defaultRoi(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        int side = (int) Math.round(ROI_FRACTION * Math.min(width, height));
        side = Math.max(1, Math.min(side, Math.min(width, height)));
        return new int[] {(width - side) / 2, (height - side) / 2, side, side};
    }

    /** {@link #defaultRoi(int, int)} for this camera's frame size. */
    public int[] partRoi() {
        return defaultRoi(width, height);
    }

    public Options options() {
        return options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return width;
    }

    @Override
    public int maxHeight() {
        return height;
    }

    @Override
    public int channels() {
        return frame.channels();
    }

    /** When set (not NaN), replaces the options' defect rate: a drifting process. */
    private volatile double defectRate = Double.NaN;

    /**
     * Changes the probability that the next parts are defective, from any thread: how a demo or
     * a test makes one line drift. NaN goes back to the options' rate.
     */
    public void setDefectRate(double rate) {
        if (!(rate >= 0.0 && rate <= 1.0) && !Double.isNaN(rate)) {
            throw new IllegalArgumentException("defect rate must be between 0 and 1, got " + rate);
        }
        this.defectRate = rate;
    }

    /** When set (not null), the probability of each kind, in {@link #kinds()} order: one class drifting. */
    private volatile double[] kindRates;

    /**
     * Sets the probability that the next part has each defect kind, in {@link #kinds()} order (the
     * rest are good parts), from any thread: how a demo or a test makes one defect class rise on a
     * line. Replaces {@link #setDefectRate} until called with null.
     *
     * @throws IllegalArgumentException naming the kind whose rate is not in [0, 1], a wrong count, or a sum above 1
     */
    public void setDefectRates(double[] perKind) {
        if (perKind == null) {
            this.kindRates = null;
            return;
        }
        if (perKind.length != kinds.length) {
            throw new IllegalArgumentException("defect rates: expected one per kind " + Arrays.toString(kinds) + ", got " + perKind.length);
        }
        double sum = 0;
        for (int k = 0; k < perKind.length; k++) {
            if (!(perKind[k] >= 0 && perKind[k] <= 1)) {
                throw new IllegalArgumentException("defect rate of " + kinds[k].label() + ": expected between 0 and 1, got " + perKind[k]);
            }
            sum += perKind[k];
        }
        if (sum > 1 + 1e-9) throw new IllegalArgumentException("defect rates: expected a sum of at most 1, got " + sum);
        this.kindRates = perKind.clone();
    }

    /** The defect kinds this camera renders, in the order {@link #setDefectRates} takes their rates. */
    public List<DefectKind> kinds() {
        return List.of(kinds);
    }

    /**
     * The next part: a pre-rendered good part under new light and noise, defective with probability
     * {@code defectRate} (kind uniform among {@link DefectKind#renderable()}, or
     * {@link DefectKind#colourRenderable()} for a colour camera), or with each kind's own rate after
     * {@link #setDefectRates}. Allocates nothing.
     */
    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException("synthetic camera " + name + " is closed");
        long captureNanos = System.nanoTime();
        int entry = frameRng.nextInt(options.variations());
        DefectKind kind = DefectKind.NONE;
        double[] perKind = kindRates;
        if (perKind != null) {
            double u = frameRng.nextDouble();
            double upTo = 0;
            for (int k = 0; k < perKind.length; k++) {
                upTo += perKind[k];
                if (u < upTo) {
                    kind = kinds[k];
                    break;
                }
            }
        } else {
            double rate = defectRate;
            if (frameRng.nextDouble() < (Double.isNaN(rate) ? options.defectRate() : rate)) {
                kind = kinds[frameRng.nextInt(kinds.length)];
            }
        }
        produce(entry, kind, frameRng, true);
        frame.set(width, height, sequence++, captureNanos, kind);
        return frame;
    }

    /**
     * The next frame with a forced kind ({@link DefectKind#NONE} or one of
     * {@link DefectKind#renderable()}), on a freshly rendered part (new position, rotation, texture).
     * Costs about 10 ms at 1280x1024; for building balanced training sets, not for the line. Uses and
     * advances the same sequence counter as {@link #grab()}; the frame is valid until the next call.
     */
    public CapturedFrame render(DefectKind kind) {
        if (kind == null || !(kind == DefectKind.NONE || Arrays.asList(kinds).contains(kind))) {
            throw new IllegalArgumentException("synthetic " + (options.colour() ? "colour" : "gray") + " camera can render NONE or one of "
                    + Arrays.toString(kinds) + ", got " + kind);
        }
        if (closed) throw new IllegalStateException("synthetic camera " + name + " is closed");
        long captureNanos = System.nanoTime();
        int scratch = scene.bankSize - 1;
        scene.renderBase(scratch);
        produce(scratch, kind, frameRng, true);
        frame.set(width, height, sequence++, captureNanos, kind);
        return frame;
    }

    /** Frees every native resource; idempotent. The last frame is invalid afterwards. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (bgrPixels != null) bgrPixels.close();
        natives.close();
        frame.close();
    }

    // ------------------------------------------------------------------ test hooks (package-private)

    /**
     * Renders bank entry {@code entry} with {@code kind} and no gain, offset or noise, the defect's
     * randomness drawn from {@code defectSeed}: the same entry and seed give the same base pixels, so
     * a test can compare a frame with and without the defect.
     */
    CapturedFrame renderEntry(int entry, DefectKind kind, long defectSeed) {
        if (entry < 0 || entry >= options.variations()) {
            throw new IllegalArgumentException("bank entry must be between 0 and " + (options.variations() - 1)
                    + ", got " + entry);
        }
        produce(entry, kind, new SplittableRandom(defectSeed), false);
        frame.set(width, height, sequence++, System.nanoTime(), kind);
        return frame;
    }

    /** {x0, y0, x1, y1} (exclusive) of the pixels the last defect may have changed; empty for NONE. */
    int[] lastDefectBox() {
        return painter.lastDefectBox();
    }

    /** {centreX, centreY, partRadius, boreRadius, holeRadius, hole0x, hole0y, ..., hole3x, hole3y}. */
    double[] geometry(int entry) {
        return scene.geometry(entry);
    }

    // ------------------------------------------------------------------ per frame

    private void produce(int entry, DefectKind kind, SplittableRandom rnd, boolean vary) {
        double alpha = 1.0;
        double beta = 0.0;
        if (vary) {
            alpha = 1.0 + (rnd.nextDouble() * 2 - 1) * GAIN_SPREAD;
            beta = (rnd.nextDouble() * 2 - 1) * OFFSET_SPREAD;
        }
        scene.bank(entry).convertTo(out, -1, alpha, beta);
        painter.paint(entry, kind, rnd, alpha, beta);
        if (vary) {
            scene.addSensorNoise(out, rnd);
        }
        if (bgr != null) {
            opencv_imgproc.cvtColor(out, bgr, opencv_imgproc.COLOR_GRAY2BGR); // then each channel through its tint
            opencv_core.LUT(bgr, tint, bgr);
            painter.stain(bgrPixels);
        }
    }
}
