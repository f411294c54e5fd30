package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Random;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The synthetic camera's world: the fixed light (vignette and a gradient), the conveyor belt, two
 * fields of sensor noise, and a bank of pre-rendered good flanges with their geometry (centre, bolt
 * holes) and hole "plugs" (the surface a missing hole would show). Built once, seeded: the same
 * size, seed and variations give the same scene. Answers where the flat part surface is, which
 * {@link DefectPainter} needs to place defects; {@link FlangeRenderer} paints each part.
 */
final class PartScene {
    // ---- geometry, as fractions of min(width, height) or of the part radius R ----
    static final double PART_RADIUS_FRACTION = 0.32;
    static final double SHIFT_FRACTION = 0.03;
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

    static final int SHIFT = 4; // fixed-point bits for sub-pixel drawing
    private static final double FIX = 1 << SHIFT;
    private static final double BELT_LEVEL = 44.0;
    private static final double LIGHT_SCALE = 200.0;
    private static final double NOISE_SIGMA = 5.0;
    private static final int NOISE_VIEWS = 64;
    private static final int NOISE_SLACK_ROWS = 4;

    final int width;
    final int height;
    final double unit; // one "pixel at 1024" in this resolution
    final double partRadius;
    final double boreRadius;
    final double holeRadius;
    final double holeChamfer;
    final double pitchRadius;
    final int plugSize;
    final double lightAngle;

    // bank of pre-rendered good parts; the last entry is render()'s scratch entry
    final int bankSize;
    private final Mat[] bank;
    final double[] centreX;
    final double[] centreY;
    private final double[] baseLevel;
    final double[][] holeX;
    final double[][] holeY;
    final double[][] holeAngle;
    final int[][] plugX;
    final int[][] plugY;
    final Mat[][] plugs;
    final Mat plugMask;
    private final Mat plugFloat;

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
    private final MovableRoi lightPatch;
    private final FlangeRenderer face;
    private final NativeScope natives;

    private final Scalar black;
    private final Size autoKernel;
    private final NormalNoise noise;
    private final Random geometryRng;
    private final Point p1;
    private final Scalar colour;

    /** Builds the scene and renders {@code variations} good parts; every native goes into {@code natives}. */
    PartScene(int width, int height, long seed, int variations, NativeScope natives) {
        this.natives = natives;
        this.width = width;
        this.height = height;
        int minSide = Math.min(width, height);
        this.unit = minSide / 1024.0;
        this.partRadius = PART_RADIUS_FRACTION * minSide;
        this.boreRadius = BORE * partRadius;
        this.holeRadius = HOLE * partRadius;
        this.holeChamfer = Math.max(1.0, HOLE_CHAMFER * partRadius);
        this.pitchRadius = PITCH * partRadius;
        this.plugSize = 2 * (int) Math.ceil(holeRadius + holeChamfer + 2 * unit + 3) + 1;
        this.bankSize = variations + 1;
        this.geometryRng = new Random(seed);
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

        for (int e = 0; e < bankSize; e++) {
            bank[e] = natives.own(new Mat(height, width, CV_8UC1));
            for (int k = 0; k < HOLES; k++) {
                plugs[e][k] = natives.own(new Mat(plugSize, plugSize, CV_8UC1));
            }
        }
        this.plugMask = natives.own(new Mat(plugSize, plugSize, CV_8UC1));
        this.plugFloat = natives.own(new Mat(plugSize, plugSize, CV_32FC1));
        this.light = natives.own(new Mat(height, width, CV_32FC1));
        this.black = natives.own(new Scalar(0.0, 0.0, 0.0, 0.0));
        this.colour = natives.own(new Scalar(0.0, 0.0, 0.0, 0.0));
        this.p1 = natives.own(new Point(0, 0));
        this.autoKernel = natives.own(new Size(0, 0));
        this.noise = new NormalNoise(geometryRng.nextLong() | 1L, natives);
        this.face = new FlangeRenderer(partRadius, unit, lightAngle, plugSize, noise, natives);
        int canvas = face.canvas;

        this.lightPixels = natives.own(new FloatPointer(light.data()));
        this.belt = natives.own(new Mat(height, width + beltTravel, CV_8UC1));
        this.beltWindow = natives.window(belt, width, height);
        this.beltPartWindow = natives.window(belt, canvas, canvas);
        this.lightFixed = natives.own(new Mat(height, width, CV_8UC1));
        this.lightPartWindow = natives.window(light, canvas, canvas);
        this.bankPartWindows = new MovableRoi[bankSize];
        for (int e = 0; e < bankSize; e++) {
            bankPartWindows[e] = natives.window(bank[e], canvas, canvas);
        }
        this.lightPatch = natives.window(light, plugSize, plugSize);
        this.noiseUp = natives.own(new Mat(height + NOISE_SLACK_ROWS, width, CV_8UC1));
        this.noiseDown = natives.own(new Mat(height + NOISE_SLACK_ROWS, width, CV_8UC1));

        buildPlugMask();
        buildLight();
        light.convertTo(lightFixed, CV_8U, LIGHT_SCALE, 0.0);
        buildBelt();
        buildNoise();
        for (int e = 0; e < variations; e++) {
            renderBase(e);
        }
    }

    /** Bank entry {@code e}: a good part, lit, without gain, offset or noise. */
    Mat bank(int e) {
        return bank[e];
    }

    /** Adds one window of the up-noise field to {@code out} and subtracts one of the down field, saturating. */
    void addSensorNoise(Mat out, SplittableRandom rnd) {
        add(out, noiseUpViews[rnd.nextInt(NOISE_VIEWS)], out);
        subtract(out, noiseDownViews[rnd.nextInt(NOISE_VIEWS)], out);
    }

    /** The geometry of bank entry {@code entry}: {centreX, centreY, partRadius, boreRadius, holeRadius, hole0x, hole0y, ..., hole3x, hole3y}. */
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

    /** A through hole seen from above: bright chamfer ring, the lit far wall, the dark inside. */
    void drawHole(Mat img, int e, double x, double y, double alpha, double beta) {
        double level = baseLevel[e] * lightAt(x, y);
        int chamfer = Math.max(1, (int) Math.round(holeChamfer));
        point(p1, x, y);
        gray(colour, alpha * Math.min(245, level * 1.25 + 12) + beta);
        circle(img, p1, fix(holeRadius + chamfer * 0.5), colour, chamfer, LINE_AA, SHIFT);
        gray(colour, alpha * level * 0.40 + beta);
        circle(img, p1, fix(holeRadius), colour, FILLED, LINE_AA, SHIFT);
        double off = 0.12 * holeRadius;
        point(p1, x + Math.cos(lightAngle) * off, y + Math.sin(lightAngle) * off);
        gray(colour, alpha * level * 0.13 + beta);
        circle(img, p1, fix(0.86 * holeRadius), colour, FILLED, LINE_AA, SHIFT);
    }

    /** The flat surface's level at ({@code x, y}) of part {@code e}, under gain {@code alpha} and offset {@code beta}. */
    double surfaceLevel(int e, double x, double y, double alpha, double beta) {
        return baseLevel[e] * lightAt(x, y) * alpha + beta;
    }

    private double lightAt(double x, double y) {
        int xi = Math.max(0, Math.min(width - 1, (int) x));
        int yi = Math.max(0, Math.min(height - 1, (int) y));
        return lightPixels.get((long) yi * width + xi);
    }

    /** Whether ({@code x, y}) is on the flat surface of part {@code e}, {@code margin} away from edges and holes. */
    boolean onSurface(int e, double x, double y, double margin) {
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

    /** Whether {@code steps + 1} evenly spaced points of a segment are all {@link #onSurface}. */
    boolean segmentOnSurface(int e, double x0, double y0, double x1, double y1, double margin, int steps) {
        for (int i = 0; i <= steps; i++) {
            double t = (double) i / steps;
            if (!onSurface(e, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, margin)) return false;
        }
        return true;
    }

    /** Sets {@code colour}'s gray level to {@code v}, clamped to 0..255. */
    static void gray(Scalar colour, double v) {
        colour.put(0, Math.max(0.0, Math.min(255.0, v)));
    }

    static void point(Point p, double x, double y) {
        p.x((int) Math.round(x * FIX)).y((int) Math.round(y * FIX));
    }

    static int fix(double v) {
        return (int) Math.round(v * FIX);
    }

    // ------------------------------------------------------------------ construction and render()

    /** Renders a new good part (position, rotation, texture) into bank entry {@code e}, with its geometry and plugs. */
    void renderBase(int e) {
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
        face.prepareTexture(g);

        // the belt moves: a new window of the belt texture under every part; lit in 8 bits around the part,
        // in float where the part is painted
        int beltX = g.nextInt(beltTravel + 1);
        multiply(beltWindow.at(beltX, 0), lightFixed, bank[e], 1.0 / LIGHT_SCALE, -1);
        int canvas = face.canvas;
        int rx = Math.max(0, Math.min(width - canvas, (int) Math.round(cx) - canvas / 2));
        int ry = Math.max(0, Math.min(height - canvas, (int) Math.round(cy) - canvas / 2));
        Mat composite = face.composite();
        beltPartWindow.at(beltX + rx, ry).convertTo(composite, CV_32F);
        face.paintPart(cx, cy, theta, base, rx, ry);
        multiply(composite, lightPartWindow.at(rx, ry), composite);
        composite.convertTo(bankPartWindows[e].at(rx, ry), CV_8U);

        for (int k = 0; k < HOLES; k++) {
            int px = (int) Math.round(holeX[e][k]) - plugSize / 2;
            int py = (int) Math.round(holeY[e][k]) - plugSize / 2;
            plugX[e][k] = px;
            plugY[e][k] = py;
            multiply(face.surfaceAt(px - rx, py - ry), lightPatch.at(px, py), plugFloat);
            plugFloat.convertTo(plugs[e][k], CV_8U);
        }
        for (int k = 0; k < HOLES; k++) {
            drawHole(bank[e], e, holeX[e][k], holeY[e][k], 1.0, 0.0);
        }
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
            noise.fill(grain);
            double grainSigma = Math.max(0.6, 1.0 * unit);
            GaussianBlur(grain, grain, autoKernel, grainSigma, grainSigma, opencv_core.BORDER_REFLECT, 0);
            noise.fill(blotchSmall);
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
            noise.fill(field);
            field.convertTo(noiseUp, CV_8U, NOISE_SIGMA, 0.0); // negative values saturate to 0
            noise.fill(field);
            field.convertTo(noiseDown, CV_8U, NOISE_SIGMA, 0.0);
        }
        long slack = (long) NOISE_SLACK_ROWS * width;
        BytePointer up = natives.own(noiseUp.data());
        BytePointer down = natives.own(noiseDown.data());
        for (int i = 0; i < NOISE_VIEWS; i++) {
            long a = (long) (geometryRng.nextDouble() * slack);
            long b = (long) (geometryRng.nextDouble() * slack);
            noiseUpViews[i] = natives.own(new Mat(height, width, CV_8UC1, natives.own(new BytePointer(up).position(a))));
            noiseDownViews[i] = natives.own(new Mat(height, width, CV_8UC1, natives.own(new BytePointer(down).position(b))));
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
}
