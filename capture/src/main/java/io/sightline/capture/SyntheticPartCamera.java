package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.sightline.natives.Natives;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.RNG;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A camera that photographs machined round flanges on a dark conveyor belt, some of them defective,
 * and knows the ground truth of every frame.
 *
 * <p>It stands in for a real line camera in demos, tests, benchmarks and for building training
 * sets. Frames are 8-bit gray. The scene: a dark textured belt under uneven light (vignette and a
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
     */
    public record Options(int width, int height, double defectRate, long seed, int variations) {
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

        /** 1280x1024, 10% defects, seed 1, 32 pre-rendered parts. */
        public static Options defaults() {
            return new Options(1280, 1024, 0.1, 1L, 32);
        }

        public Options withSize(int newWidth, int newHeight) {
            return new Options(newWidth, newHeight, defectRate, seed, variations);
        }

        public Options withDefectRate(double newDefectRate) {
            return new Options(width, height, newDefectRate, seed, variations);
        }

        public Options withSeed(long newSeed) {
            return new Options(width, height, defectRate, newSeed, variations);
        }

        public Options withVariations(int newVariations) {
            return new Options(width, height, defectRate, seed, newVariations);
        }
    }

    // ---- geometry, as fractions of min(width, height) or of the part radius R ----
    static final double PART_RADIUS_FRACTION = 0.32;
    static final double SHIFT_FRACTION = 0.03;
    static final double ROI_FRACTION = 0.75;
    static final double BORE = 0.28;
    static final double BORE_CHAMFER = 0.035;
    static final double HUB = 0.46;
    static final double GROOVE = 0.014;
    static final double LIP = 0.012;
    static final double PITCH = 0.64;
    static final double HOLE = 0.07;
    static final double HOLE_CHAMFER = 0.014;
    static final double OUTER_CHAMFER = 0.04;
    static final int HOLES = 4;

    private static final double BELT_LEVEL = 44.0;
    private static final double LIGHT_SCALE = 200.0;
    private static final double SHADOW_STRENGTH = 0.55;
    private static final double GAIN_SPREAD = 0.08;
    private static final double OFFSET_SPREAD = 8.0;
    private static final double NOISE_SIGMA = 5.0;
    private static final int NOISE_VIEWS = 64;
    private static final int NOISE_SLACK_ROWS = 4;
    private static final int PROFILE_STEPS = 4; // radial profile samples per pixel
    private static final int SHIFT = 4; // fixed-point bits for sub-pixel drawing
    private static final double FIX = 1 << SHIFT;
    private static final int MAX_CRACK_SEGMENTS = 12;
    private static final DefectKind[] KINDS = DefectKind.renderable();

    private final String name;
    private final Options options;
    private final int width;
    private final int height;
    private final double unit; // one "pixel at 1024" in this resolution
    private final double partRadius;
    private final double boreRadius;
    private final double holeRadius;
    private final double holeChamfer;
    private final double pitchRadius;
    private final int canvas; // side of the square window the part and its shadow are painted in
    private final int plugSize;
    private final double lightAngle;

    private final List<Pointer> owned = new ArrayList<>();

    private final CapturedFrame frame;
    private final Mat out;

    // bank of pre-rendered good parts; the last entry is render()'s scratch entry
    private final int bankSize;
    private final Mat[] bank;
    private final double[] centreX;
    private final double[] centreY;
    private final double[] baseLevel;
    private final double[][] holeX;
    private final double[][] holeY;
    private final double[][] holeAngle;
    private final int[][] plugX;
    private final int[][] plugY;
    private final Mat[][] plugs;
    private final Mat plugMask;
    private final Mat plugScratch;
    private final MovableRoi outPatch;

    private final Mat noiseUp;
    private final Mat noiseDown;
    private final Mat[] noiseUpViews = new Mat[NOISE_VIEWS];
    private final Mat[] noiseDownViews = new Mat[NOISE_VIEWS];

    private final Mat light;
    private final FloatPointer lightPixels;
    private final Mat belt;
    private final int beltTravel;
    private final MovableRoi beltWindow;
    private final MovableRoi beltPartWindow;
    private final Mat lightFixed; // light * LIGHT_SCALE in 8 bits, for the belt around the part
    private final MovableRoi lightPartWindow;
    private final MovableRoi[] bankPartWindows;

    // rendering scratch, reused by every renderBase()
    private final Mat composite; // the part's window, float
    private final FloatPointer compositePixels;
    private final Mat surface; // the part's face without holes, in the part window, before lighting
    private final FloatPointer surfacePixels;
    private final MovableRoi surfacePatch;
    private final MovableRoi lightPatch;
    private final Mat plugFloat;
    private final Mat brushCoarse;
    private final Mat brushCoarseUp;
    private final Mat brushFine;
    private final FloatPointer brushPixels;
    private final Size brushSize;
    private final int brushColumns;
    private final float[] brushGrid;
    private final float[] profile; // by radius, PROFILE_STEPS samples per pixel
    private final float[] shadowProfile;
    private final double squareStep; // the tables below are indexed by squared distance: no sqrt per pixel
    private final float[] profileBySquare;
    private final float[] shadowBySquare;
    private final float[] rowValues;
    private final float[] surfaceValues;
    private final Scalar black;
    private final Size autoKernel;
    private final Mat gaussMean;
    private final Mat gaussStd;
    private final RNG cvRng;

    private final Random geometryRng;
    private final SplittableRandom frameRng;

    // drawing scratch
    private final Point p1;
    private final Point p2;
    private final Scalar colour;
    private final Size axes;
    private final double[] crackX = new double[MAX_CRACK_SEGMENTS + 1];
    private final double[] crackY = new double[MAX_CRACK_SEGMENTS + 1];
    private double pickX;
    private double pickY;
    private int boxX0;
    private int boxY0;
    private int boxX1;
    private int boxY1;

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
        int minSide = Math.min(width, height);
        this.unit = minSide / 1024.0;
        this.partRadius = PART_RADIUS_FRACTION * minSide;
        this.boreRadius = BORE * partRadius;
        this.holeRadius = HOLE * partRadius;
        this.holeChamfer = Math.max(1.0, HOLE_CHAMFER * partRadius);
        this.pitchRadius = PITCH * partRadius;
        this.canvas = 2 * (int) Math.ceil(partRadius * 1.08 + 6);
        this.plugSize = 2 * (int) Math.ceil(holeRadius + holeChamfer + 2 * unit + 3) + 1;
        this.bankSize = options.variations() + 1;
        this.geometryRng = new Random(options.seed());
        this.frameRng = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        this.lightAngle = geometryRng.nextDouble() * 2 * Math.PI;

        this.bank = new Mat[bankSize];
        this.centreX = new double[bankSize];
        this.centreY = new double[bankSize];
        this.baseLevel = new double[bankSize];
        this.holeX = new double[bankSize][HOLES];
        this.holeY = new double[bankSize][HOLES];
        this.holeAngle = new double[bankSize][HOLES];
        this.plugX = new int[bankSize][HOLES];
        this.plugY = new int[bankSize][HOLES];
        this.plugs = new Mat[bankSize][HOLES];
        this.beltTravel = Math.max(1, width / 2);
        this.brushColumns = Math.max(8, canvas / 8);
        this.brushGrid = new float[canvas * brushColumns];
        this.profile = new float[(int) Math.ceil(canvas * 0.75 * PROFILE_STEPS) + 8];
        this.shadowProfile = new float[(int) Math.ceil(canvas * 0.75 * PROFILE_STEPS) + 8];
        this.squareStep = Math.max(0.05, 4 * unit * unit);
        this.profileBySquare = new float[(int) (sq(partRadius + 2) / squareStep) + 2];
        this.shadowBySquare = new float[(int) (sq(partRadius * 1.12 + 4) / squareStep) + 2];
        this.rowValues = new float[canvas];
        this.surfaceValues = new float[canvas];

        CapturedFrame f = null;
        try {
            f = new CapturedFrame(width, height);
            this.frame = f;
            this.out = own(new Mat(height, width, CV_8UC1, f.pixels()));
            for (int e = 0; e < bankSize; e++) {
                bank[e] = own(new Mat(height, width, CV_8UC1));
                for (int k = 0; k < HOLES; k++) {
                    plugs[e][k] = own(new Mat(plugSize, plugSize, CV_8UC1));
                }
            }
            this.plugMask = own(new Mat(plugSize, plugSize, CV_8UC1));
            this.plugScratch = own(new Mat(plugSize, plugSize, CV_8UC1));
            this.plugFloat = own(new Mat(plugSize, plugSize, CV_32FC1));
            this.outPatch = new MovableRoi(out, plugSize, plugSize);
            this.light = own(new Mat(height, width, CV_32FC1));

            this.black = own(new Scalar(0.0, 0.0, 0.0, 0.0));
            this.colour = own(new Scalar(0.0, 0.0, 0.0, 0.0));
            this.p1 = own(new Point(0, 0));
            this.p2 = own(new Point(0, 0));
            this.axes = own(new Size(1, 1));
            this.autoKernel = own(new Size(0, 0));
            this.brushSize = own(new Size(brushColumns, canvas));
            this.gaussMean = own(new Mat(1, 1, CV_64FC1));
            this.gaussStd = own(new Mat(1, 1, CV_64FC1));
            new DoublePointer(gaussMean.data()).put(0, 0.0);
            new DoublePointer(gaussStd.data()).put(0, 1.0);
            this.cvRng = own(new RNG(geometryRng.nextLong() | 1L));

            this.lightPixels = own(new FloatPointer(light.data()));
            this.belt = own(new Mat(height, width + beltTravel, CV_8UC1));
            this.beltWindow = new MovableRoi(belt, width, height);
            this.beltPartWindow = new MovableRoi(belt, canvas, canvas);
            this.lightFixed = own(new Mat(height, width, CV_8UC1));
            this.lightPartWindow = new MovableRoi(light, canvas, canvas);
            this.bankPartWindows = new MovableRoi[bankSize];
            for (int e = 0; e < bankSize; e++) {
                bankPartWindows[e] = new MovableRoi(bank[e], canvas, canvas);
            }
            this.noiseUp = own(new Mat(height + NOISE_SLACK_ROWS, width, CV_8UC1));
            this.noiseDown = own(new Mat(height + NOISE_SLACK_ROWS, width, CV_8UC1));

            this.composite = own(new Mat(canvas, canvas, CV_32FC1));
            this.compositePixels = own(new FloatPointer(composite.data()));
            this.surface = own(new Mat(canvas, canvas, CV_32FC1));
            this.surfacePixels = own(new FloatPointer(surface.data()));
            this.surfacePatch = new MovableRoi(surface, plugSize, plugSize);
            this.lightPatch = new MovableRoi(light, plugSize, plugSize);
            this.brushCoarse = own(new Mat(canvas, Math.max(4, canvas / 40), CV_32FC1));
            this.brushCoarseUp = own(new Mat(canvas, brushColumns, CV_32FC1));
            this.brushFine = own(new Mat(canvas, brushColumns, CV_32FC1));
            this.brushPixels = own(new FloatPointer(brushFine.data()));

            buildPlugMask();
            buildLight();
            light.convertTo(lightFixed, CV_8U, LIGHT_SCALE, 0.0);
            buildBelt();
            buildNoise();
            buildShadowProfile();
            for (int e = 0; e < options.variations(); e++) {
                renderBase(e);
            }
        } catch (RuntimeException | Error failure) {
            releaseNatives();
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

    /**
     * The next part: a pre-rendered good part under new light and noise, defective with probability
     * {@code defectRate} (kind uniform among {@link DefectKind#renderable()}). Allocates nothing.
     */
    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException("synthetic camera " + name + " is closed");
        long captureNanos = System.nanoTime();
        int entry = frameRng.nextInt(options.variations());
        DefectKind kind = DefectKind.NONE;
        double rate = defectRate;
        if (frameRng.nextDouble() < (Double.isNaN(rate) ? options.defectRate() : rate)) {
            kind = KINDS[frameRng.nextInt(KINDS.length)];
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
        if (kind == null || !(kind == DefectKind.NONE || kind.isDefect())) {
            throw new IllegalArgumentException("synthetic camera can render NONE or one of "
                    + java.util.Arrays.toString(KINDS) + ", got " + kind);
        }
        if (closed) throw new IllegalStateException("synthetic camera " + name + " is closed");
        long captureNanos = System.nanoTime();
        int scratch = bankSize - 1;
        renderBase(scratch);
        produce(scratch, kind, frameRng, true);
        frame.set(width, height, sequence++, captureNanos, kind);
        return frame;
    }

    /** Frees every native resource; idempotent. The last frame is invalid afterwards. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        releaseNatives();
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
        return new int[] {boxX0, boxY0, boxX1, boxY1};
    }

    /** {centreX, centreY, partRadius, boreRadius, holeRadius, hole0x, hole0y, ..., hole3x, hole3y}. */
    double[] geometry(int entry) {
        double[] g = new double[5 + 2 * HOLES];
        g[0] = centreX[entry];
        g[1] = centreY[entry];
        g[2] = partRadius;
        g[3] = boreRadius;
        g[4] = holeRadius;
        for (int k = 0; k < HOLES; k++) {
            g[5 + 2 * k] = holeX[entry][k];
            g[6 + 2 * k] = holeY[entry][k];
        }
        return g;
    }

    // ------------------------------------------------------------------ per frame

    private void produce(int entry, DefectKind kind, SplittableRandom rnd, boolean vary) {
        double alpha = 1.0;
        double beta = 0.0;
        if (vary) {
            alpha = 1.0 + (rnd.nextDouble() * 2 - 1) * GAIN_SPREAD;
            beta = (rnd.nextDouble() * 2 - 1) * OFFSET_SPREAD;
        }
        bank[entry].convertTo(out, -1, alpha, beta);
        boxX0 = boxY0 = boxX1 = boxY1 = 0;
        switch (kind) {
            case NONE -> { }
            case SCRATCH -> drawScratch(entry, rnd, alpha, beta);
            case PIT -> drawPit(entry, rnd, alpha, beta);
            case CRACK -> drawCrack(entry, rnd, alpha, beta);
            case MISSING_FEATURE -> plugHole(entry, rnd.nextInt(HOLES), alpha, beta);
            case MISPLACED_FEATURE -> moveHole(entry, rnd, alpha, beta);
            default -> throw new IllegalArgumentException("synthetic camera cannot render " + kind);
        }
        if (vary) {
            add(out, noiseUpViews[rnd.nextInt(NOISE_VIEWS)], out);
            subtract(out, noiseDownViews[rnd.nextInt(NOISE_VIEWS)], out);
        }
    }

    private void drawScratch(int e, SplittableRandom rnd, double alpha, double beta) {
        double length = (100 + 160 * rnd.nextDouble()) * unit;
        int thickness = Math.max(1, (int) Math.round((4 + 2 * rnd.nextDouble()) * unit));
        boolean bright = rnd.nextBoolean();
        double delta = 60 + 30 * rnd.nextDouble();
        double margin = thickness * 0.5 + 2 * unit;
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        boolean found = false;
        for (int attempt = 0; attempt < 120 && !found; attempt++) {
            if (attempt > 0 && attempt % 24 == 0) length *= 0.8;
            pickSurfacePoint(e, rnd, margin);
            double a = rnd.nextDouble() * Math.PI;
            double dx = Math.cos(a) * length * 0.5;
            double dy = Math.sin(a) * length * 0.5;
            x0 = pickX - dx;
            y0 = pickY - dy;
            x1 = pickX + dx;
            y1 = pickY + dy;
            found = segmentOnSurface(e, x0, y0, x1, y1, margin, 12);
        }
        if (!found) { // a short scratch at a point known to be on the surface
            x0 = pickX - 8 * unit;
            x1 = pickX + 8 * unit;
            y0 = y1 = pickY;
        }
        double level = surfaceLevel(e, (x0 + x1) * 0.5, (y0 + y1) * 0.5, alpha, beta);
        double c = bright ? level + delta : level - delta;
        if (c > 250) c = level - delta;
        setColour(c);
        // full length thin, the middle 80% full width: the scratch tapers at its ends
        point(p1, x0, y0);
        point(p2, x1, y1);
        line(out, p1, p2, colour, Math.max(1, thickness / 2), LINE_AA, SHIFT);
        point(p1, x0 + (x1 - x0) * 0.1, y0 + (y1 - y0) * 0.1);
        point(p2, x0 + (x1 - x0) * 0.9, y0 + (y1 - y0) * 0.9);
        line(out, p1, p2, colour, thickness, LINE_AA, SHIFT);
        markSegment(x0, y0, x1, y1, thickness);
    }

    private void drawPit(int e, SplittableRandom rnd, double alpha, double beta) {
        double radius = (12 + 10 * rnd.nextDouble()) * unit;
        int rim = Math.max(1, (int) Math.round(2 * unit));
        pickSurfacePoint(e, rnd, radius * 1.5 + rim + 2 * unit);
        double x = pickX;
        double y = pickY;
        double level = surfaceLevel(e, x, y, alpha, beta);
        double minor = radius * (0.65 + 0.35 * rnd.nextDouble());
        double tilt = rnd.nextDouble() * 180;
        // the edge facing the light catches it
        point(p1, x, y);
        setColour(Math.min(250, level + 35 + 15 * rnd.nextDouble()));
        axes.width(fix(radius + rim * 0.5)).height(fix(minor + rim * 0.5));
        double lightDeg = Math.toDegrees(lightAngle) - tilt;
        ellipse(out, p1, axes, tilt, lightDeg - 80, lightDeg + 80, colour, rim, LINE_AA, SHIFT);
        // an irregular dark crater: a main ellipse and a smaller lobe
        setColour(Math.max(4, level - (75 + 25 * rnd.nextDouble())));
        axes.width(fix(radius)).height(fix(minor));
        ellipse(out, p1, axes, tilt, 0, 360, colour, FILLED, LINE_AA, SHIFT);
        double lobeAngle = rnd.nextDouble() * 2 * Math.PI;
        double lobe = radius * (0.4 + 0.2 * rnd.nextDouble());
        double lx = x + Math.cos(lobeAngle) * (radius * 0.75);
        double ly = y + Math.sin(lobeAngle) * (minor * 0.75);
        point(p1, lx, ly);
        setColour(Math.max(4, level - (60 + 20 * rnd.nextDouble())));
        axes.width(fix(lobe)).height(fix(lobe * 0.8));
        ellipse(out, p1, axes, tilt, 0, 360, colour, FILLED, LINE_AA, SHIFT);
        markCircle(x, y, radius * 1.5 + rim + 1);
    }

    private void drawCrack(int e, SplittableRandom rnd, double alpha, double beta) {
        int segments = 6 + rnd.nextInt(MAX_CRACK_SEGMENTS - 6 + 1);
        double thickness = (3 + 2 * rnd.nextDouble()) * unit;
        double margin = thickness + 2 * unit;
        int count = 1;
        for (int restart = 0; restart < 24; restart++) {
            pickSurfacePoint(e, rnd, margin);
            crackX[0] = pickX;
            crackY[0] = pickY;
            count = 1;
            double heading = rnd.nextDouble() * 2 * Math.PI;
            while (count <= segments) {
                boolean stepped = false;
                for (int t = 0; t < 10 && !stepped; t++) {
                    double h = heading + (rnd.nextDouble() * 2 - 1) * (t == 0 ? 0.75 : 1.6);
                    double len = (15 + 20 * rnd.nextDouble()) * unit;
                    double nx = crackX[count - 1] + Math.cos(h) * len;
                    double ny = crackY[count - 1] + Math.sin(h) * len;
                    if (segmentOnSurface(e, crackX[count - 1], crackY[count - 1], nx, ny, margin, 4)) {
                        crackX[count] = nx;
                        crackY[count] = ny;
                        heading = h;
                        count++;
                        stepped = true;
                    }
                }
                if (!stepped) break;
            }
            if (count > segments) break;
        }
        double level = surfaceLevel(e, crackX[0], crackY[0], alpha, beta);
        setColour(Math.max(4, level - (80 + 30 * rnd.nextDouble())));
        for (int i = 1; i < count; i++) {
            // cracks taper towards their tip, and every segment kinks once more in its middle
            int th = Math.max(1, (int) Math.round(thickness * (1.0 - 0.45 * (i - 1) / Math.max(1, count - 2))));
            double ax = crackX[i - 1];
            double ay = crackY[i - 1];
            double bx = crackX[i];
            double by = crackY[i];
            double jitter = (rnd.nextDouble() * 2 - 1) * 0.22;
            double mx = (ax + bx) * 0.5 - (by - ay) * jitter;
            double my = (ay + by) * 0.5 + (bx - ax) * jitter;
            if (!onSurface(e, mx, my, th * 0.5 + unit)) {
                mx = (ax + bx) * 0.5;
                my = (ay + by) * 0.5;
            }
            point(p1, ax, ay);
            point(p2, mx, my);
            line(out, p1, p2, colour, th, LINE_AA, SHIFT);
            point(p1, bx, by);
            line(out, p2, p1, colour, th, LINE_AA, SHIFT);
            markSegment(ax, ay, bx, by, th);
            markSegment(mx, my, mx, my, th);
        }
    }

    /** Fills bolt hole {@code k} with the part's own surface (its pre-rendered plug). */
    private void plugHole(int e, int k, double alpha, double beta) {
        plugs[e][k].convertTo(plugScratch, -1, alpha, beta);
        plugScratch.copyTo(outPatch.at(plugX[e][k], plugY[e][k]), plugMask);
        markBox(plugX[e][k], plugY[e][k], plugX[e][k] + plugSize, plugY[e][k] + plugSize);
    }

    private void moveHole(int e, SplittableRandom rnd, double alpha, double beta) {
        int k = rnd.nextInt(HOLES);
        double distance = (40 + 40 * rnd.nextDouble()) * unit;
        double sign = rnd.nextBoolean() ? 1 : -1;
        boolean alongCircle = rnd.nextBoolean();
        double angle = holeAngle[e][k];
        double r = pitchRadius;
        if (alongCircle) {
            angle += sign * distance / pitchRadius;
        } else {
            double rMin = boreRadius + BORE_CHAMFER * partRadius + holeRadius + holeChamfer + 3 * unit;
            double rMax = partRadius * (1 - OUTER_CHAMFER) - holeRadius - holeChamfer - 3 * unit;
            r = pitchRadius + sign * distance;
            if (r > rMax || r < rMin) r = pitchRadius - sign * distance;
            r = Math.max(rMin, Math.min(rMax, r));
        }
        double nx = centreX[e] + r * Math.cos(angle);
        double ny = centreY[e] + r * Math.sin(angle);
        plugHole(e, k, alpha, beta);
        drawHole(out, e, nx, ny, alpha, beta);
        markCircle(nx, ny, holeRadius + holeChamfer + 2);
    }

    /** A through hole seen from above: bright chamfer ring, the lit far wall, the dark inside. */
    private void drawHole(Mat img, int e, double x, double y, double alpha, double beta) {
        double level = baseLevel[e] * lightAt(x, y);
        int chamfer = Math.max(1, (int) Math.round(holeChamfer));
        point(p1, x, y);
        setColour(alpha * Math.min(245, level * 1.25 + 12) + beta);
        circle(img, p1, fix(holeRadius + chamfer * 0.5), colour, chamfer, LINE_AA, SHIFT);
        setColour(alpha * level * 0.40 + beta);
        circle(img, p1, fix(holeRadius), colour, FILLED, LINE_AA, SHIFT);
        double off = 0.12 * holeRadius;
        point(p1, x + Math.cos(lightAngle) * off, y + Math.sin(lightAngle) * off);
        setColour(alpha * level * 0.13 + beta);
        circle(img, p1, fix(0.86 * holeRadius), colour, FILLED, LINE_AA, SHIFT);
    }

    private double surfaceLevel(int e, double x, double y, double alpha, double beta) {
        return baseLevel[e] * lightAt(x, y) * alpha + beta;
    }

    private double lightAt(double x, double y) {
        int xi = Math.max(0, Math.min(width - 1, (int) x));
        int yi = Math.max(0, Math.min(height - 1, (int) y));
        return lightPixels.get((long) yi * width + xi);
    }

    /** Sets pickX/pickY to a random point of the flat part surface, {@code margin} away from edges and holes. */
    private void pickSurfacePoint(int e, SplittableRandom rnd, double margin) {
        double outer = partRadius;
        for (int t = 0; t < 256; t++) {
            double x = centreX[e] + (rnd.nextDouble() * 2 - 1) * outer;
            double y = centreY[e] + (rnd.nextDouble() * 2 - 1) * outer;
            if (onSurface(e, x, y, margin)) {
                pickX = x;
                pickY = y;
                return;
            }
        }
        // between two bolt holes on the pitch circle: always surface
        double a = holeAngle[e][0] + Math.PI / HOLES;
        pickX = centreX[e] + pitchRadius * Math.cos(a);
        pickY = centreY[e] + pitchRadius * Math.sin(a);
    }

    private boolean onSurface(int e, double x, double y, double margin) {
        double dx = x - centreX[e];
        double dy = y - centreY[e];
        double d = Math.sqrt(dx * dx + dy * dy);
        if (d > partRadius * (1 - OUTER_CHAMFER) - margin) return false;
        if (d < boreRadius + BORE_CHAMFER * partRadius + margin) return false;
        double clear = holeRadius + holeChamfer + margin;
        for (int k = 0; k < HOLES; k++) {
            double hx = x - holeX[e][k];
            double hy = y - holeY[e][k];
            if (hx * hx + hy * hy < clear * clear) return false;
        }
        return true;
    }

    private boolean segmentOnSurface(int e, double x0, double y0, double x1, double y1, double margin, int steps) {
        for (int i = 0; i <= steps; i++) {
            double t = (double) i / steps;
            if (!onSurface(e, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, margin)) return false;
        }
        return true;
    }

    private void setColour(double v) {
        colour.put(0, Math.max(0.0, Math.min(255.0, v)));
    }

    private static void point(Point p, double x, double y) {
        p.x((int) Math.round(x * FIX)).y((int) Math.round(y * FIX));
    }

    private static int fix(double v) {
        return (int) Math.round(v * FIX);
    }

    private void markSegment(double x0, double y0, double x1, double y1, double thickness) {
        double m = thickness * 0.5 + 2;
        markBox((int) Math.floor(Math.min(x0, x1) - m), (int) Math.floor(Math.min(y0, y1) - m),
                (int) Math.ceil(Math.max(x0, x1) + m) + 1, (int) Math.ceil(Math.max(y0, y1) + m) + 1);
    }

    private void markCircle(double x, double y, double r) {
        markBox((int) Math.floor(x - r - 1), (int) Math.floor(y - r - 1),
                (int) Math.ceil(x + r + 1) + 1, (int) Math.ceil(y + r + 1) + 1);
    }

    private void markBox(int x0, int y0, int x1, int y1) {
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        x1 = Math.min(width, x1);
        y1 = Math.min(height, y1);
        if (boxX1 <= boxX0 || boxY1 <= boxY0) {
            boxX0 = x0;
            boxY0 = y0;
            boxX1 = x1;
            boxY1 = y1;
        } else {
            boxX0 = Math.min(boxX0, x0);
            boxY0 = Math.min(boxY0, y0);
            boxX1 = Math.max(boxX1, x1);
            boxY1 = Math.max(boxY1, y1);
        }
    }

    // ------------------------------------------------------------------ construction and render()

    /** Renders a new good part (position, rotation, texture) into bank entry {@code e}, with its geometry and plugs. */
    private void renderBase(int e) {
        Random g = geometryRng;
        double shift = SHIFT_FRACTION * Math.min(width, height);
        double cx = (width - 1) * 0.5 + (g.nextDouble() * 2 - 1) * shift;
        double cy = (height - 1) * 0.5 + (g.nextDouble() * 2 - 1) * shift;
        double theta = g.nextDouble() * 2 * Math.PI;
        double base = 150 + (g.nextDouble() * 2 - 1) * 7;
        centreX[e] = cx;
        centreY[e] = cy;
        baseLevel[e] = base;
        double hole0 = Math.PI / 4;
        for (int k = 0; k < HOLES; k++) {
            double a = theta + hole0 + k * 2 * Math.PI / HOLES;
            holeAngle[e][k] = a;
            holeX[e][k] = cx + pitchRadius * Math.cos(a);
            holeY[e][k] = cy + pitchRadius * Math.sin(a);
        }
        prepareTexture(g);

        // the belt moves: a new window of the belt texture under every part
        // the belt moves: a new window of the belt texture under every part; lit in 8 bits around the part,
        // in float where the part is painted
        int beltX = g.nextInt(beltTravel + 1);
        multiply(beltWindow.at(beltX, 0), lightFixed, bank[e], 1.0 / LIGHT_SCALE, -1);
        int rx = Math.max(0, Math.min(width - canvas, (int) Math.round(cx) - canvas / 2));
        int ry = Math.max(0, Math.min(height - canvas, (int) Math.round(cy) - canvas / 2));
        beltPartWindow.at(beltX + rx, ry).convertTo(composite, CV_32F);
        paintPart(cx, cy, theta, base, rx, ry);
        multiply(composite, lightPartWindow.at(rx, ry), composite);
        composite.convertTo(bankPartWindows[e].at(rx, ry), CV_8U);

        for (int k = 0; k < HOLES; k++) {
            int px = (int) Math.round(holeX[e][k]) - plugSize / 2;
            int py = (int) Math.round(holeY[e][k]) - plugSize / 2;
            plugX[e][k] = px;
            plugY[e][k] = py;
            multiply(surfacePatch.at(px - rx, py - ry), lightPatch.at(px, py), plugFloat);
            plugFloat.convertTo(plugs[e][k], CV_8U);
        }
        for (int k = 0; k < HOLES; k++) {
            drawHole(bank[e], e, holeX[e][k], holeY[e][k], 1.0, 0.0);
        }
    }

    /**
     * Paints the part and its shadow over the belt in {@code composite} (the part's window at
     * {@code rx, ry}), in one pass over the part's
     * window (a rotation by warpAffine would cost several times more), and its bare face into
     * {@code surface}.
     */
    private void paintPart(double cx, double cy, double theta, double base, int rx, int ry) {
        // float arithmetic, advanced incrementally along each row: this loop is most of render()'s cost
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double shadowOffset = 0.03 * partRadius;
        double sx = cx - Math.cos(lightAngle) * shadowOffset;
        double sy = cy - Math.sin(lightAngle) * shadowOffset;
        double r = partRadius;
        double bore = boreRadius;
        float faceTo2 = (float) sq(r + 1);
        float outerIn2 = (float) sq(r - 0.5);
        float boreIn2 = (float) sq(bore - 0.5);
        float boreOut2 = (float) sq(bore + 0.5);
        float brushFrom2 = (float) sq((HUB + GROOVE + LIP) * r);
        float brushTo2 = (float) sq(r * (1 - OUTER_CHAMFER));
        float inverseStep = (float) (1.0 / squareStep);
        float shadow = (float) SHADOW_STRENGTH;
        float level = (float) base;
        double c0 = (canvas - 1) * 0.5;
        double uScale = (brushColumns - 1) / (canvas - 1.0);
        float duStep = (float) (cos * uScale);
        float dvStep = (float) -sin;
        int cols = brushColumns;
        int profileLast = profileBySquare.length - 1;
        int shadowLast = shadowBySquare.length - 1;
        float[] prof = profileBySquare;
        float[] shade = shadowBySquare;
        float[] grid = brushGrid;
        float[] row = rowValues;
        float[] bare = surfaceValues;
        for (int j = 0; j < canvas; j++) {
            int y = ry + j;
            double dy = y - cy;
            float dy2 = (float) (dy * dy);
            float sdy2 = (float) ((y - sy) * (y - sy));
            double dx0 = rx - cx;
            float dx = (float) dx0;
            float sdx = (float) (rx - sx);
            float fu = (float) ((dx0 * cos + dy * sin + c0) * uScale);
            float fv = (float) (-dx0 * sin + dy * cos + c0);
            long rowStart = (long) j * canvas;
            compositePixels.position(rowStart).get(row, 0, canvas);
            for (int i = 0; i < canvas; i++, dx += 1f, sdx += 1f, fu += duStep, fv += dvStep) {
                int si = (int) ((sdx * sdx + sdy2) * inverseStep);
                float belt = si < shadowLast ? row[i] * (1f - shadow * shade[si]) : row[i];
                float d2 = dx * dx + dy2;
                if (d2 >= faceTo2) {
                    row[i] = belt;
                    bare[i] = 0f;
                    continue;
                }
                float face = level + prof[Math.min(profileLast, (int) (d2 * inverseStep))];
                if (d2 > brushFrom2 && d2 < brushTo2) {
                    // inside the brushed ring u and v stay well inside the grid
                    int iu = (int) fu;
                    int iv = (int) fv;
                    float au = fu - iu;
                    float av = fv - iv;
                    int at = iv * cols + iu;
                    float top = grid[at] + (grid[at + 1] - grid[at]) * au;
                    float bottom = grid[at + cols] + (grid[at + cols + 1] - grid[at + cols]) * au;
                    face += top + (bottom - top) * av;
                }
                float cover;
                if (d2 <= outerIn2 && d2 >= boreOut2) {
                    cover = 1f;
                } else if (d2 <= boreIn2) {
                    cover = 0f;
                } else { // on an edge: anti-alias
                    double d = Math.sqrt(d2);
                    cover = (float) (Math.max(0, Math.min(1, r - d + 0.5)) * Math.max(0, Math.min(1, d - bore + 0.5)));
                }
                row[i] = belt + (face - belt) * cover;
                bare[i] = face;
            }
            compositePixels.position(rowStart).put(row, 0, canvas);
            surfacePixels.position((long) j * canvas).put(bare, 0, canvas);
        }
        compositePixels.position(0);
        surfacePixels.position(0);
    }

    private static double sq(double v) {
        return v * v;
    }

    /** Resamples a table by radius ({@code PROFILE_STEPS} per pixel) into one by squared radius. */
    private void bySquare(float[] byRadius, float[] bySquare) {
        int last = byRadius.length - 1;
        for (int k = 0; k < bySquare.length; k++) {
            double at = Math.sqrt((k + 0.5) * squareStep) * PROFILE_STEPS;
            int i = (int) at;
            if (i >= last) {
                bySquare[k] = byRadius[last];
            } else {
                double f = at - i;
                bySquare[k] = (float) (byRadius[i] + (byRadius[i + 1] - byRadius[i]) * f);
            }
        }
    }

    /** The face's radial profile (turned hub, groove, chamfers) and a new brushing pattern, for one part. */
    private void prepareTexture(Random g) {
        double r = partRadius;
        double boreEdge = BORE * r;
        double boreChamferEnd = boreEdge + BORE_CHAMFER * r;
        double hub = HUB * r;
        double grooveEnd = hub + GROOVE * r;
        double lipEnd = grooveEnd + LIP * r;
        double outerChamfer = r * (1 - OUTER_CHAMFER);
        double edge = r - Math.max(1.0, 1.5 * unit);
        double period = Math.max(1.7, 2.7 * unit);
        double phase = g.nextDouble() * 2 * Math.PI;
        double turnAmp = 2.5 + 2 * g.nextDouble();
        double hubLift = 8 + 6 * g.nextDouble();
        double walk = 0;
        int n = profile.length;
        for (int i = 0; i < n; i++) {
            double rr = (double) i / PROFILE_STEPS;
            walk = walk * 0.995 + g.nextGaussian() * 0.35;
            double v;
            if (rr < boreEdge) {
                v = 0;
            } else if (rr < boreChamferEnd) {
                v = 40 - 10 * (rr - boreEdge) / (boreChamferEnd - boreEdge);
            } else if (rr < hub) {
                v = hubLift + turnAmp * Math.sin(2 * Math.PI * rr / period + phase) + walk;
            } else if (rr < grooveEnd) {
                v = -62;
            } else if (rr < lipEnd) {
                v = 20;
            } else if (rr < outerChamfer) {
                v = 0.4 * walk;
            } else if (rr < edge) {
                v = 22 + 20 * (rr - outerChamfer) / Math.max(1e-6, edge - outerChamfer);
            } else {
                v = -30;
            }
            profile[i] = (float) v;
        }
        // smooth over about half a pixel so the steps are not aliased
        float prev2 = profile[0];
        float prev1 = profile[0];
        for (int i = 0; i < n; i++) {
            float cur = profile[i];
            float next1 = profile[Math.min(n - 1, i + 1)];
            float next2 = profile[Math.min(n - 1, i + 2)];
            profile[i] = (prev2 + prev1 + cur + next1 + next2) / 5f;
            prev2 = prev1;
            prev1 = cur;
        }

        // brushing: noise stretched along the part's own x axis, two octaves, on a coarse grid
        cvRng._fill(brushCoarse, RNG.NORMAL, gaussMean, gaussStd);
        cvRng._fill(brushFine, RNG.NORMAL, gaussMean, gaussStd);
        resize(brushCoarse, brushCoarseUp, brushSize, 0, 0, INTER_LINEAR);
        double coarseAmp = 5 + 2 * g.nextDouble();
        double fineAmp = 3.5 + 1.5 * g.nextDouble();
        addWeighted(brushCoarseUp, coarseAmp, brushFine, fineAmp, 0.0, brushFine);
        brushPixels.get(brushGrid);
        bySquare(profile, profileBySquare);
    }

    /** How much of the part's soft shadow falls at each distance from the shadow's centre. */
    private void buildShadowProfile() {
        int n = shadowProfile.length;
        float[] silhouette = new float[n];
        for (int i = 0; i < n; i++) {
            double rr = (double) i / PROFILE_STEPS;
            silhouette[i] = rr >= boreRadius && rr <= partRadius ? 1f : 0f;
        }
        double sigma = Math.max(0.8, 0.025 * partRadius) * PROFILE_STEPS;
        int reach = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[reach + 1];
        double total = 0;
        for (int k = 0; k <= reach; k++) {
            kernel[k] = Math.exp(-0.5 * k * k / (sigma * sigma));
            total += k == 0 ? kernel[k] : 2 * kernel[k];
        }
        for (int i = 0; i < n; i++) {
            double v = 0;
            for (int k = -reach; k <= reach; k++) {
                int at = Math.abs(i + k); // radial: mirror at the centre
                v += (at < n ? silhouette[at] : 0f) * kernel[Math.abs(k)];
            }
            shadowProfile[i] = (float) (v / total);
        }
        bySquare(shadowProfile, shadowBySquare);
        shadowBySquare[shadowBySquare.length - 1] = 0f;
    }

    /** Vignette times a gradient towards the light: the camera's fixed illumination. */
    private void buildLight() {
        double halfDiagonal = 0.5 * Math.sqrt((double) width * width + (double) height * height);
        double half = 0.5 * Math.min(width, height);
        double lx = Math.cos(lightAngle);
        double ly = Math.sin(lightAngle);
        float[] row = new float[width];
        for (int y = 0; y < height; y++) {
            double dy = y - (height - 1) * 0.5;
            for (int x = 0; x < width; x++) {
                double dx = x - (width - 1) * 0.5;
                double d2 = (dx * dx + dy * dy) / (halfDiagonal * halfDiagonal);
                double gradient = (dx * lx + dy * ly) / half;
                row[x] = (float) ((1.0 - 0.34 * d2) * (1.0 + 0.07 * gradient));
            }
            lightPixels.position((long) y * width).put(row);
        }
        lightPixels.position(0);
    }

    /** The conveyor belt: dark rubber with grain, blotches and a fabric weave; wider than the frame so it can move. */
    private void buildBelt() {
        int bw = width + beltTravel;
        try (Mat grain = new Mat(height, bw, CV_32FC1);
                Mat blotchSmall = new Mat(Math.max(2, height / 24), Math.max(2, bw / 24), CV_32FC1);
                Mat blotch = new Mat(height, bw, CV_32FC1);
                Mat weave = new Mat(height, bw, CV_32FC1);
                Mat sum = new Mat(height, bw, CV_32FC1);
                Size full = new Size(bw, height);
                FloatPointer weavePixels = new FloatPointer(weave.data())) {
            cvRng._fill(grain, RNG.NORMAL, gaussMean, gaussStd);
            double grainSigma = Math.max(0.6, 1.0 * unit);
            GaussianBlur(grain, grain, autoKernel, grainSigma, grainSigma, opencv_core.BORDER_REFLECT, 0);
            cvRng._fill(blotchSmall, RNG.NORMAL, gaussMean, gaussStd);
            resize(blotchSmall, blotch, full, 0, 0, INTER_CUBIC);
            double px = Math.max(3.0, 11 * unit);
            double py = Math.max(3.0, 7 * unit);
            float[] row = new float[bw];
            for (int y = 0; y < height; y++) {
                double sy = Math.sin(2 * Math.PI * y / py);
                for (int x = 0; x < bw; x++) {
                    double sx = Math.sin(2 * Math.PI * x / px);
                    row[x] = (float) (3.0 * sx + 2.5 * sx * sy);
                }
                weavePixels.position((long) y * bw).put(row);
            }
            weavePixels.position(0);
            addWeighted(grain, 14.0, blotch, 3.0, BELT_LEVEL, sum);
            add(sum, weave, sum);
            sum.convertTo(belt, CV_8U);
        }
    }

    /** Two fields of half-normal noise (|N(0, sigma)| clipped at 0) with views at random offsets. */
    private void buildNoise() {
        int rows = height + NOISE_SLACK_ROWS;
        try (Mat field = new Mat(rows, width, CV_32FC1)) {
            cvRng._fill(field, RNG.NORMAL, gaussMean, gaussStd);
            field.convertTo(noiseUp, CV_8U, NOISE_SIGMA, 0.0); // negative values saturate to 0
            cvRng._fill(field, RNG.NORMAL, gaussMean, gaussStd);
            field.convertTo(noiseDown, CV_8U, NOISE_SIGMA, 0.0);
        }
        long slack = (long) NOISE_SLACK_ROWS * width;
        BytePointer up = own(noiseUp.data());
        BytePointer down = own(noiseDown.data());
        for (int i = 0; i < NOISE_VIEWS; i++) {
            long a = (long) (geometryRng.nextDouble() * slack);
            long b = (long) (geometryRng.nextDouble() * slack);
            noiseUpViews[i] = own(new Mat(height, width, CV_8UC1, own(new BytePointer(up).position(a))));
            noiseDownViews[i] = own(new Mat(height, width, CV_8UC1, own(new BytePointer(down).position(b))));
        }
    }

    /** Binary disc that covers a bolt hole and its chamfer, centred in the plug patch. */
    private void buildPlugMask() {
        plugMask.put(black);
        double c = plugSize / 2;
        try (Scalar white = new Scalar(255.0); Point centre = new Point()) {
            point(centre, c, c);
            circle(plugMask, centre, fix(holeRadius + holeChamfer + 1.5 * unit + 1), white, FILLED, LINE_8, SHIFT);
        }
    }

    private <P extends Pointer> P own(P pointer) {
        owned.add(pointer);
        return pointer;
    }

    private void releaseNatives() {
        // windows first, then what they look into
        closeQuietly(outPatch);
        closeQuietly(beltWindow);
        closeQuietly(beltPartWindow);
        closeQuietly(lightPartWindow);
        if (bankPartWindows != null) {
            for (MovableRoi window : bankPartWindows) {
                closeQuietly(window);
            }
        }
        closeQuietly(surfacePatch);
        closeQuietly(lightPatch);
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }

    private static void closeQuietly(MovableRoi roi) {
        if (roi != null) roi.view.close();
    }

    /**
     * A fixed-size window into a parent Mat, moved in place with {@code adjustROI}: no header is made
     * per move, so hot paths can crop without allocating.
     */
    private static final class MovableRoi {
        final Mat view;
        final int maxX;
        final int maxY;
        int x;
        int y;

        MovableRoi(Mat parent, int w, int h) {
            if (w > parent.cols() || h > parent.rows()) {
                throw new IllegalArgumentException("window " + w + "x" + h + " does not fit in "
                        + parent.cols() + "x" + parent.rows());
            }
            try (Rect r = new Rect(0, 0, w, h)) {
                view = new Mat(parent, r);
            }
            maxX = parent.cols() - w;
            maxY = parent.rows() - h;
        }

        /** Moves the window to (nx, ny), clamped inside the parent; returns the view. */
        Mat at(int nx, int ny) {
            nx = Math.max(0, Math.min(maxX, nx));
            ny = Math.max(0, Math.min(maxY, ny));
            int dx = nx - x;
            int dy = ny - y;
            if (dx != 0 || dy != 0) {
                view.adjustROI(-dy, dy, -dx, dx);
                x = nx;
                y = ny;
            }
            return view;
        }
    }
}
