package io.sightline.capture;

import static io.sightline.capture.PartScene.BORE_CHAMFER;
import static io.sightline.capture.PartScene.HOLES;
import static io.sightline.capture.PartScene.OUTER_CHAMFER;
import static io.sightline.capture.PartScene.SHIFT;
import static io.sightline.capture.PartScene.fix;
import static io.sightline.capture.PartScene.gray;
import static io.sightline.capture.PartScene.point;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.ellipse;
import static org.bytedeco.opencv.global.opencv_imgproc.line;

import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws one defect onto a frame of the {@link PartScene}'s part, sized to survive the station's
 * downsampling of the default ROI to 128x128: {@code SCRATCH} a long thin straight line,
 * {@code PIT} a dark spot with a bright rim, {@code CRACK} a dark jagged polyline,
 * {@code MISSING_FEATURE} a bolt hole filled with surface, {@code MISPLACED_FEATURE} a bolt hole
 * moved along the pitch circle or radially, {@code DISCOLOURATION} a soft stain whose blue and red
 * are swapped ({@link #stain}, on the colour frame: the gray frame is left as it is). Keeps the box
 * of the pixels the last defect may have changed. Allocates nothing per defect.
 */
final class DefectPainter {
    private static final int MAX_CRACK_SEGMENTS = 12;

    private final PartScene scene;
    private final Mat out;
    private final MovableRoi outPatch;
    private final Mat plugScratch;
    private final Point p1;
    private final Point p2;
    private final Scalar colour;
    private final Size axes;
    private final double[] crackX = new double[MAX_CRACK_SEGMENTS + 1];
    private final double[] crackY = new double[MAX_CRACK_SEGMENTS + 1];
    private double pickX;
    private double pickY;
    /** The last DISCOLOURATION's centre and radius (radius 0: none to paint). */
    private double stainX;
    private double stainY;
    private double stainRadius;
    private int boxX0;
    private int boxY0;
    private int boxX1;
    private int boxY1;

    /** A painter drawing into {@code out}, a frame of the scene's size. */
    DefectPainter(PartScene scene, Mat out, NativeScope natives) {
        this.scene = scene;
        this.out = out;
        this.plugScratch = natives.own(new Mat(scene.plugSize, scene.plugSize, CV_8UC1));
        this.outPatch = natives.window(out, scene.plugSize, scene.plugSize);
        this.colour = natives.own(new Scalar(0.0, 0.0, 0.0, 0.0));
        this.p1 = natives.own(new Point(0, 0));
        this.p2 = natives.own(new Point(0, 0));
        this.axes = natives.own(new Size(1, 1));
    }

    /**
     * Draws {@code kind} (nothing for NONE) on bank entry {@code e}'s part, under gain {@code alpha}
     * and offset {@code beta}, its randomness drawn from {@code rnd}; resets the defect box first.
     */
    void paint(int e, DefectKind kind, SplittableRandom rnd, double alpha, double beta) {
        boxX0 = boxY0 = boxX1 = boxY1 = 0;
        stainRadius = 0;
        switch (kind) {
            case NONE -> { }
            case SCRATCH -> drawScratch(e, rnd, alpha, beta);
            case PIT -> drawPit(e, rnd, alpha, beta);
            case CRACK -> drawCrack(e, rnd, alpha, beta);
            case MISSING_FEATURE -> plugHole(e, rnd.nextInt(HOLES), alpha, beta);
            case MISPLACED_FEATURE -> moveHole(e, rnd, alpha, beta);
            case DISCOLOURATION -> placeStain(e, rnd);
            default -> throw new IllegalArgumentException("synthetic camera cannot render " + kind);
        }
    }

    /** {x0, y0, x1, y1} (exclusive) of the pixels the last defect may have changed; empty for NONE. */
    int[] lastDefectBox() {
        return new int[] {boxX0, boxY0, boxX1, boxY1};
    }

    private void drawScratch(int e, SplittableRandom rnd, double alpha, double beta) {
        double length = (100 + 160 * rnd.nextDouble()) * scene.unit;
        int thickness = Math.max(1, (int) Math.round((4 + 2 * rnd.nextDouble()) * scene.unit));
        boolean bright = rnd.nextBoolean();
        double delta = 60 + 30 * rnd.nextDouble();
        double margin = thickness * 0.5 + 2 * scene.unit;
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
            found = scene.segmentOnSurface(e, x0, y0, x1, y1, margin, 12);
        }
        if (!found) { // a short scratch at a point known to be on the surface
            x0 = pickX - 8 * scene.unit;
            x1 = pickX + 8 * scene.unit;
            y0 = y1 = pickY;
        }
        double level = scene.surfaceLevel(e, (x0 + x1) * 0.5, (y0 + y1) * 0.5, alpha, beta);
        double c = bright ? level + delta : level - delta;
        if (c > 250) c = level - delta;
        setColour(c);
        // full length thin, the middle 80% full scene.width: the scratch tapers at its ends
        point(p1, x0, y0);
        point(p2, x1, y1);
        line(out, p1, p2, colour, Math.max(1, thickness / 2), LINE_AA, SHIFT);
        point(p1, x0 + (x1 - x0) * 0.1, y0 + (y1 - y0) * 0.1);
        point(p2, x0 + (x1 - x0) * 0.9, y0 + (y1 - y0) * 0.9);
        line(out, p1, p2, colour, thickness, LINE_AA, SHIFT);
        markSegment(x0, y0, x1, y1, thickness);
    }

    private void drawPit(int e, SplittableRandom rnd, double alpha, double beta) {
        double radius = (12 + 10 * rnd.nextDouble()) * scene.unit;
        int rim = Math.max(1, (int) Math.round(2 * scene.unit));
        pickSurfacePoint(e, rnd, radius * 1.5 + rim + 2 * scene.unit);
        double x = pickX;
        double y = pickY;
        double level = scene.surfaceLevel(e, x, y, alpha, beta);
        double minor = radius * (0.65 + 0.35 * rnd.nextDouble());
        double tilt = rnd.nextDouble() * 180;
        // the edge facing the light catches it
        point(p1, x, y);
        setColour(Math.min(250, level + 35 + 15 * rnd.nextDouble()));
        axes.width(fix(radius + rim * 0.5)).height(fix(minor + rim * 0.5));
        double lightDeg = Math.toDegrees(scene.lightAngle) - tilt;
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
        double thickness = (3 + 2 * rnd.nextDouble()) * scene.unit;
        double margin = thickness + 2 * scene.unit;
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
                    double len = (15 + 20 * rnd.nextDouble()) * scene.unit;
                    double nx = crackX[count - 1] + Math.cos(h) * len;
                    double ny = crackY[count - 1] + Math.sin(h) * len;
                    if (scene.segmentOnSurface(e, crackX[count - 1], crackY[count - 1], nx, ny, margin, 4)) {
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
        double level = scene.surfaceLevel(e, crackX[0], crackY[0], alpha, beta);
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
            if (!scene.onSurface(e, mx, my, th * 0.5 + scene.unit)) {
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
        scene.plugs[e][k].convertTo(plugScratch, -1, alpha, beta);
        plugScratch.copyTo(outPatch.at(scene.plugX[e][k], scene.plugY[e][k]), scene.plugMask);
        markBox(scene.plugX[e][k], scene.plugY[e][k], scene.plugX[e][k] + scene.plugSize, scene.plugY[e][k] + scene.plugSize);
    }

    private void moveHole(int e, SplittableRandom rnd, double alpha, double beta) {
        int k = rnd.nextInt(HOLES);
        double distance = (40 + 40 * rnd.nextDouble()) * scene.unit;
        double sign = rnd.nextBoolean() ? 1 : -1;
        boolean alongCircle = rnd.nextBoolean();
        double angle = scene.holeAngle[e][k];
        double r = scene.pitchRadius;
        if (alongCircle) {
            angle += sign * distance / scene.pitchRadius;
        } else {
            double rMin = scene.boreRadius + BORE_CHAMFER * scene.partRadius + scene.holeRadius + scene.holeChamfer + 3 * scene.unit;
            double rMax = scene.partRadius * (1 - OUTER_CHAMFER) - scene.holeRadius - scene.holeChamfer - 3 * scene.unit;
            r = scene.pitchRadius + sign * distance;
            if (r > rMax || r < rMin) r = scene.pitchRadius - sign * distance;
            r = Math.max(rMin, Math.min(rMax, r));
        }
        double nx = scene.centreX[e] + r * Math.cos(angle);
        double ny = scene.centreY[e] + r * Math.sin(angle);
        plugHole(e, k, alpha, beta);
        scene.drawHole(out, e, nx, ny, alpha, beta);
        markCircle(nx, ny, scene.holeRadius + scene.holeChamfer + 2);
    }

    private void placeStain(int e, SplittableRandom rnd) {
        stainRadius = (34 + 22 * rnd.nextDouble()) * scene.unit;
        pickSurfacePoint(e, rnd, stainRadius * 0.5);
        stainX = pickX;
        stainY = pickY;
        markCircle(stainX, stainY, stainRadius);
    }

    /**
     * Paints the last DISCOLOURATION (nothing for another kind) on {@code bgr}, the colour frame
     * (rows of {@code width x 3} bytes, blue first): inside the stain, blue and red trade places,
     * blended in with weight {@code 1 - (d / r)^2}. On a brass-tinted part the stain turns blue-gray
     * while its brightness drops by a few percent only. Allocates nothing.
     */
    void stain(org.bytedeco.javacpp.indexer.UByteIndexer bgr) {
        if (stainRadius <= 0) return;
        int x0 = Math.max(0, (int) Math.floor(stainX - stainRadius));
        int x1 = Math.min(scene.width - 1, (int) Math.ceil(stainX + stainRadius));
        int y0 = Math.max(0, (int) Math.floor(stainY - stainRadius));
        int y1 = Math.min(scene.height - 1, (int) Math.ceil(stainY + stainRadius));
        double r2 = stainRadius * stainRadius;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = x - stainX;
                double dy = y - stainY;
                double d2 = dx * dx + dy * dy;
                if (d2 >= r2) continue;
                double w = 1 - d2 / r2;
                long i = ((long) y * scene.width + x) * 3;
                int b = bgr.get(i);
                int red = bgr.get(i + 2);
                bgr.put(i, (int) Math.round(b + (red - b) * w));
                bgr.put(i + 2, (int) Math.round(red + (b - red) * w));
            }
        }
    }

    /** Sets pickX/pickY to a random point of the flat part surface, {@code margin} away from edges and holes. */
    private void pickSurfacePoint(int e, SplittableRandom rnd, double margin) {
        double outer = scene.partRadius;
        for (int t = 0; t < 256; t++) {
            double x = scene.centreX[e] + (rnd.nextDouble() * 2 - 1) * outer;
            double y = scene.centreY[e] + (rnd.nextDouble() * 2 - 1) * outer;
            if (scene.onSurface(e, x, y, margin)) {
                pickX = x;
                pickY = y;
                return;
            }
        }
        // between two bolt holes on the pitch circle: always surface
        double a = scene.holeAngle[e][0] + Math.PI / HOLES;
        pickX = scene.centreX[e] + scene.pitchRadius * Math.cos(a);
        pickY = scene.centreY[e] + scene.pitchRadius * Math.sin(a);
    }

    private void setColour(double v) {
        gray(colour, v);
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
        x1 = Math.min(scene.width, x1);
        y1 = Math.min(scene.height, y1);
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
}
