package io.sightline.capture;

import static io.sightline.capture.PartScene.BORE;
import static io.sightline.capture.PartScene.BORE_CHAMFER;
import static io.sightline.capture.PartScene.GROOVE;
import static io.sightline.capture.PartScene.HUB;
import static io.sightline.capture.PartScene.LIP;
import static io.sightline.capture.PartScene.OUTER_CHAMFER;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Paints one flange, its face and its soft shadow, into a float window of {@link #canvas} square
 * over the belt: the radial profile (turned hub, groove, chamfers), a brushing texture in the part's
 * own orientation, and anti-aliased edges, in one pass over the window. Also keeps the bare face
 * (no holes, before lighting) for {@link PartScene}'s hole plugs. Slow (most of a render's cost),
 * used at construction and by {@link SyntheticPartCamera#render(DefectKind)}, never per grab.
 */
final class FlangeRenderer {
    private static final double SHADOW_STRENGTH = 0.55;
    private static final int PROFILE_STEPS = 4; // radial profile samples per pixel

    /** Side of the square window the part and its shadow are painted in. */
    final int canvas;
    private final double unit;
    private final double partRadius;
    private final double boreRadius;
    private final double lightAngle;
    private final NormalNoise noise;

    private final Mat composite; // the part's window, float
    private final FloatPointer compositePixels;
    private final Mat surface; // the part's face without holes, in the part window, before lighting
    private final FloatPointer surfacePixels;
    private final MovableRoi surfacePatch;
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

    /**
     * @param unit one "pixel at 1024" in this resolution
     * @param plugSize side of the hole plugs cut from the bare face ({@link #surfaceAt})
     */
    FlangeRenderer(double partRadius, double unit, double lightAngle, int plugSize, NormalNoise noise,
            NativeScope natives) {
        this.unit = unit;
        this.partRadius = partRadius;
        this.boreRadius = BORE * partRadius;
        this.lightAngle = lightAngle;
        this.noise = noise;
        this.canvas = 2 * (int) Math.ceil(partRadius * 1.08 + 6);
        this.brushColumns = Math.max(8, canvas / 8);
        this.brushGrid = new float[canvas * brushColumns];
        this.profile = new float[(int) Math.ceil(canvas * 0.75 * PROFILE_STEPS) + 8];
        this.shadowProfile = new float[(int) Math.ceil(canvas * 0.75 * PROFILE_STEPS) + 8];
        this.squareStep = Math.max(0.05, 4 * unit * unit);
        this.profileBySquare = new float[(int) (sq(partRadius + 2) / squareStep) + 2];
        this.shadowBySquare = new float[(int) (sq(partRadius * 1.12 + 4) / squareStep) + 2];
        this.rowValues = new float[canvas];
        this.surfaceValues = new float[canvas];

        this.brushSize = natives.own(new Size(brushColumns, canvas));
        this.composite = natives.own(new Mat(canvas, canvas, CV_32FC1));
        this.compositePixels = natives.own(new FloatPointer(composite.data()));
        this.surface = natives.own(new Mat(canvas, canvas, CV_32FC1));
        this.surfacePixels = natives.own(new FloatPointer(surface.data()));
        this.surfacePatch = natives.window(surface, plugSize, plugSize);
        this.brushCoarse = natives.own(new Mat(canvas, Math.max(4, canvas / 40), CV_32FC1));
        this.brushCoarseUp = natives.own(new Mat(canvas, brushColumns, CV_32FC1));
        this.brushFine = natives.own(new Mat(canvas, brushColumns, CV_32FC1));
        this.brushPixels = natives.own(new FloatPointer(brushFine.data()));
        buildShadowProfile();
    }

    /** The part's window, float: the belt under it goes in, the painted part comes out. */
    Mat composite() {
        return composite;
    }

    /** A plug-sized window of the bare face at ({@code x, y}) of the part's window. */
    Mat surfaceAt(int x, int y) {
        return surfacePatch.at(x, y);
    }

    /**
     * Paints the part and its shadow over the belt in {@code composite} (the part's window at
     * {@code rx, ry}), in one pass over the part's
     * window (a rotation by warpAffine would cost several times more), and its bare face into
     * {@code surface}.
     */
    void paintPart(double cx, double cy, double theta, double base, int rx, int ry) {
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
    void prepareTexture(Random g) {
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
        noise.fill(brushCoarse);
        noise.fill(brushFine);
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
}
