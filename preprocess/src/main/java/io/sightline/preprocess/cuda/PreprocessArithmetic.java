package io.sightline.preprocess.cuda;

import io.sightline.preprocess.PreprocessSpec;

/**
 * The CUDA kernel's arithmetic in Java, operation for operation ({@code preprocess.cu} names the
 * line of this class each of its lines mirrors): so a machine without a GPU can prove that what
 * the kernel computes matches the OpenCV CPU path ({@code PreprocessArithmeticTest}).
 *
 * <p>Integer steps (remap taps and weights, box sums) are exact in any order; the float steps are
 * the same IEEE operations in the same order: {@code rint((float) sum * areaScale)} and
 * {@code fma(gray, alpha, beta)}. Slow (a test and documentation tool, not a hot path).
 */
public final class PreprocessArithmetic {
    private final PreprocessSpec spec;
    private final KernelPlan plan;
    private final int frameWidth;
    private final int frameHeight;
    private final float[] mapX;
    private final float[] mapY;

    /**
     * @param mapX undistortion source x per frame pixel ({@code Undistorter.copyMaps}), or null for none
     * @param mapY undistortion source y per frame pixel, or null
     */
    public PreprocessArithmetic(PreprocessSpec spec, int frameWidth, int frameHeight, float[] mapX, float[] mapY) {
        spec.checkFits(frameWidth, frameHeight);
        if ((mapX == null) != (mapY == null)
                || mapX != null && (mapX.length != frameWidth * frameHeight || mapY.length != frameWidth * frameHeight)) {
            throw new IllegalArgumentException("undistortion maps must both be given with " + frameWidth * frameHeight + " entries, or both null");
        }
        this.spec = spec;
        this.plan = KernelPlan.of(spec);
        this.frameWidth = frameWidth;
        this.frameHeight = frameHeight;
        this.mapX = mapX;
        this.mapY = mapY;
    }

    /** Preprocesses one frame (gray, {@code stride} bytes per row) into {@code out[offset ...]}, HWC. */
    public void process(byte[] frame, int stride, float[] out, int offset) {
        int outW = spec.inputWidth();
        for (int oy = 0; oy < spec.inputHeight(); oy++) {
            for (int ox = 0; ox < outW; ox++) {
                out[offset + oy * outW + ox] = outputValue(frame, stride, ox, oy);
            }
        }
    }

    /** The kernel's body for output pixel (ox, oy): {@code sightline_preprocess}. */
    float outputValue(byte[] frame, int stride, int ox, int oy) {
        int kx = plan.kx();
        int ky = plan.ky();
        int roiX = spec.roiX();
        int roiY = spec.roiY();
        int g;
        if (plan.twoStep()) {
            int hx = kx >> 1;
            int hy = ky >> 1;
            int sum = 0;
            for (int j = 0; j < hy; j++) {
                for (int i = 0; i < hx; i++) {
                    int x = roiX + 2 * (ox * hx + i);
                    int y = roiY + 2 * (oy * hy + j);
                    int s2 = pixel(frame, stride, x, y) + pixel(frame, stride, x + 1, y)
                            + pixel(frame, stride, x, y + 1) + pixel(frame, stride, x + 1, y + 1);
                    sum += areaMean(s2, 2, 2, 0.25f);
                }
            }
            g = areaMean(sum, hx, hy, plan.areaScale());
        } else {
            int sum = 0;
            for (int j = 0; j < ky; j++) {
                for (int i = 0; i < kx; i++) {
                    sum += pixel(frame, stride, roiX + ox * kx + i, roiY + oy * ky + j);
                }
            }
            g = areaMean(sum, kx, ky, plan.areaScale());
        }
        return Math.fma((float) g, plan.alpha(), plan.beta());
    }

    /** {@code sl_area_mean}: OpenCV resizeAreaFast_ for 8-bit pixels. */
    static int areaMean(int sum, int kx, int ky, float areaScale) {
        if (kx == 2 && ky == 2) return (sum + 2) >> 2;
        int r = (int) Math.rint((float) sum * areaScale);
        return Math.max(0, Math.min(255, r));
    }

    /** {@code sl_pixel}: the raw pixel, or OpenCV's fixed-point bilinear remap (BORDER_CONSTANT 0). */
    int pixel(byte[] frame, int stride, int x, int y) {
        if (mapX == null) return frame[y * stride + x] & 0xff;
        int m = y * frameWidth + x;
        int iu = (int) Math.rint(mapX[m] * 32.0f);
        int iv = (int) Math.rint(mapY[m] * 32.0f);
        int sx = iu >> 5;
        int sy = iv >> 5;
        int tx = iu & 31;
        int ty = iv & 31;
        int w00 = (32 - ty) * (32 - tx) * 32;
        int w01 = (32 - ty) * tx * 32;
        int w10 = ty * (32 - tx) * 32;
        int w11 = ty * tx * 32;
        int v = tap(frame, stride, sx, sy) * w00 + tap(frame, stride, sx + 1, sy) * w01
                + tap(frame, stride, sx, sy + 1) * w10 + tap(frame, stride, sx + 1, sy + 1) * w11;
        return Math.min(255, (v + (1 << 14)) >> 15);
    }

    private int tap(byte[] frame, int stride, int x, int y) {
        return x >= 0 && x < frameWidth && y >= 0 && y < frameHeight ? frame[y * stride + x] & 0xff : 0;
    }
}
