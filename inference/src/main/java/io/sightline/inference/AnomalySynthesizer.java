package io.sightline.inference;

import java.util.Random;

/**
 * Paints synthetic anomalies on good images, for training from good parts alone (after DRAEM,
 * Zavrtanik et al., ICCV 2021: a Perlin-noise mask filled with a foreign texture). No pretrained
 * weights and no texture library are needed: the foreign texture comes from the line's own images
 * or is procedural.
 *
 * <pre>
 *   mask:    Perlin noise at a random lattice (2..64 cells a side), thresholded   (blobs, stains,
 *            irregular patches from a few pixels to half the part)
 *         or 1..4 short strokes                                                  (scratches, cracks)
 *         or 1..6 small ellipses                                                 (pits, spots)
 *   texture: another good image, turned, mirrored, shifted, its contrast and level changed
 *         or Perlin noise of random scale and amplitude                          (foreign material)
 *         or a flat level above or below the surroundings, with a little noise   (dark pits, bright spots)
 *   out = image * (1 - a * mask) + texture * a * mask,  a in [0.3, 1] (opacity: faint to solid)
 *   target: the mask's share of each defect-map cell, scaled so that a cell 1/4 covered counts fully
 * </pre>
 *
 * <p>Images are the normalised HWC floats the trainer uses (about zero mean, unit spread), so
 * levels and amplitudes are in units of the data's own spread and need no tuning per dataset.
 * Every random choice comes from the given {@link Random}: the same seed paints the same
 * anomalies. Not thread-safe; one per training loop. The mask and noise planes are allocated once.
 */
public final class AnomalySynthesizer {
    /** Cell coverage at which a defect-map cell's target reaches 1. */
    static final float FULL_CELL_COVERAGE = 0.25f;
    /** A mask with fewer pixels than this share of the image is painted again with new draws. */
    static final float MIN_MASK_SHARE = 0.0008f;

    private final int widthPx;
    private final int heightPx;
    private final int channels;
    private final int mapWidth;
    private final int mapHeight;
    private final float[] mask;
    private final float[] noise;

    public AnomalySynthesizer(int widthPx, int heightPx, int channels) {
        this.widthPx = widthPx;
        this.heightPx = heightPx;
        this.channels = channels;
        this.mapWidth = InspectionCnn.mapSide(widthPx);
        this.mapHeight = InspectionCnn.mapSide(heightPx);
        this.mask = new float[widthPx * heightPx];
        this.noise = new float[widthPx * heightPx];
    }

    public int mapWidth() {
        return mapWidth;
    }

    public int mapHeight() {
        return mapHeight;
    }

    /**
     * Paints one anomaly into {@code batch} (an image already written there from {@code offset})
     * and writes its defect-map target into {@code target} from {@code targetOffset}
     * ({@code mapHeight * mapWidth} values in [0,1]).
     *
     * @param donor another good image (same layout) whose content may serve as foreign texture
     */
    public void paint(float[] batch, int offset, float[] donor, float[] target, int targetOffset, Random random) {
        for (int attempt = 0; ; attempt++) {
            drawMask(random);
            if (maskShare() >= MIN_MASK_SHARE || attempt >= 8) break;
        }
        // soft edges as often as hard ones: real pits, stains and dents fade into the surface, and a
        // model that only knows sharp mask borders looks for the border rather than the change
        int maxRadius = Math.max(1, Math.min(widthPx, heightPx) / 32);
        int radius = random.nextInt(maxRadius + 1);
        if (radius > 0) soften(radius);
        float opacity = 0.3f + 0.7f * random.nextFloat();
        int kind = random.nextInt(3);
        switch (kind) {
            case 0 -> blendDonor(batch, offset, donor, opacity, random);
            case 1 -> blendNoise(batch, offset, opacity, random);
            default -> blendLevel(batch, offset, opacity, random);
        }
        writeTarget(target, targetOffset);
    }

    /** Writes the map target of an image without anomaly: all zero. */
    public void clearTarget(float[] target, int targetOffset) {
        java.util.Arrays.fill(target, targetOffset, targetOffset + mapWidth * mapHeight, 0f);
    }

    private void drawMask(Random random) {
        int shape = random.nextInt(10);
        if (shape < 6) perlinMask(random);
        else if (shape < 8) strokeMask(random);
        else ellipseMask(random);
    }

    private void perlinMask(Random random) {
        int cellsX = 1 << (1 + random.nextInt(6));
        int cellsY = 1 << (1 + random.nextInt(6));
        perlin(noise, cellsX, cellsY, random);
        float threshold = 0.35f + 0.25f * random.nextFloat();
        for (int i = 0; i < mask.length; i++) mask[i] = noise[i] > threshold ? 1f : 0f;
    }

    private void strokeMask(Random random) {
        java.util.Arrays.fill(mask, 0f);
        int strokes = 1 + random.nextInt(4);
        int side = Math.min(widthPx, heightPx);
        for (int s = 0; s < strokes; s++) {
            double x = random.nextDouble() * widthPx;
            double y = random.nextDouble() * heightPx;
            double angle = random.nextDouble() * Math.PI * 2;
            double length = side * (0.1 + 0.5 * random.nextDouble());
            double radius = Math.max(0.7, side * (0.003 + 0.012 * random.nextDouble()));
            double bend = (random.nextDouble() - 0.5) * 0.1;
            for (double t = 0; t < length; t += 0.5) {
                angle += bend * 0.5 / Math.max(1, radius);
                x += Math.cos(angle) * 0.5;
                y += Math.sin(angle) * 0.5;
                disc(x, y, radius, radius, 0);
            }
        }
    }

    private void ellipseMask(Random random) {
        java.util.Arrays.fill(mask, 0f);
        int spots = 1 + random.nextInt(6);
        int side = Math.min(widthPx, heightPx);
        double cx = random.nextDouble() * widthPx;
        double cy = random.nextDouble() * heightPx;
        for (int s = 0; s < spots; s++) {
            double rx = Math.max(0.8, side * (0.004 + 0.04 * random.nextDouble()));
            double ry = rx * (0.4 + 0.6 * random.nextDouble());
            double x = cx + (random.nextDouble() - 0.5) * side * 0.3;
            double y = cy + (random.nextDouble() - 0.5) * side * 0.3;
            disc(x, y, rx, ry, random.nextDouble() * Math.PI);
        }
    }

    private void disc(double cx, double cy, double rx, double ry, double angle) {
        double r = Math.max(rx, ry);
        int x0 = Math.max(0, (int) Math.floor(cx - r));
        int x1 = Math.min(widthPx - 1, (int) Math.ceil(cx + r));
        int y0 = Math.max(0, (int) Math.floor(cy - r));
        int y1 = Math.min(heightPx - 1, (int) Math.ceil(cy + r));
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double u = (dx * cos + dy * sin) / rx;
                double v = (-dx * sin + dy * cos) / ry;
                if (u * u + v * v <= 1) mask[y * widthPx + x] = 1f;
            }
        }
    }

    /** Separable box blur of the mask with the given radius (edges clamped). */
    private void soften(int radius) {
        float[] row = noise; // scratch: the noise plane is refilled before it is read again
        float scale = 1f / (2 * radius + 1);
        for (int y = 0; y < heightPx; y++) {
            int base = y * widthPx;
            for (int x = 0; x < widthPx; x++) {
                float sum = 0;
                for (int d = -radius; d <= radius; d++) sum += mask[base + Math.min(widthPx - 1, Math.max(0, x + d))];
                row[base + x] = sum * scale;
            }
        }
        for (int x = 0; x < widthPx; x++) {
            for (int y = 0; y < heightPx; y++) {
                float sum = 0;
                for (int d = -radius; d <= radius; d++) sum += row[Math.min(heightPx - 1, Math.max(0, y + d)) * widthPx + x];
                mask[y * widthPx + x] = sum * scale;
            }
        }
    }

    private float maskShare() {
        double sum = 0;
        for (float m : mask) sum += m;
        return (float) (sum / mask.length);
    }

    private void blendDonor(float[] batch, int offset, float[] donor, float opacity, Random random) {
        boolean flipX = random.nextBoolean();
        boolean flipY = random.nextBoolean();
        int shiftX = random.nextInt(widthPx);
        int shiftY = random.nextInt(heightPx);
        float gain = (float) Math.exp((random.nextDouble() - 0.5) * 2.0); // 0.37x to 2.7x contrast
        float level = (float) (random.nextGaussian() * 0.8);
        for (int y = 0; y < heightPx; y++) {
            int sy = (y + shiftY) % heightPx;
            if (flipY) sy = heightPx - 1 - sy;
            for (int x = 0; x < widthPx; x++) {
                float m = mask[y * widthPx + x] * opacity;
                if (m == 0f) continue;
                int sx = (x + shiftX) % widthPx;
                if (flipX) sx = widthPx - 1 - sx;
                int dst = offset + (y * widthPx + x) * channels;
                int src = (sy * widthPx + sx) * channels;
                for (int c = 0; c < channels; c++) {
                    float texture = donor[src + c] * gain + level;
                    batch[dst + c] = batch[dst + c] * (1 - m) + texture * m;
                }
            }
        }
    }

    private void blendNoise(float[] batch, int offset, float opacity, Random random) {
        int cells = 1 << (2 + random.nextInt(5));
        // the mask is kept; the noise buffer becomes the texture
        perlin(noise, cells, cells, random);
        float amplitude = 0.5f + 2.5f * random.nextFloat();
        float level = (float) (random.nextGaussian() * 0.8);
        for (int i = 0; i < mask.length; i++) {
            float m = mask[i] * opacity;
            if (m == 0f) continue;
            float value = noise[i] * amplitude + level;
            int dst = offset + i * channels;
            for (int c = 0; c < channels; c++) batch[dst + c] = batch[dst + c] * (1 - m) + value * m;
        }
    }

    private void blendLevel(float[] batch, int offset, float opacity, Random random) {
        float sign = random.nextBoolean() ? 1f : -1f;
        float shift = sign * (0.8f + 2.2f * random.nextFloat());
        float grain = 0.3f * random.nextFloat();
        for (int i = 0; i < mask.length; i++) {
            float m = mask[i] * opacity;
            if (m == 0f) continue;
            int dst = offset + i * channels;
            for (int c = 0; c < channels; c++) {
                float value = batch[dst + c] + shift + (float) (random.nextGaussian() * grain);
                batch[dst + c] = batch[dst + c] * (1 - m) + value * m;
            }
        }
    }

    private void writeTarget(float[] target, int targetOffset) {
        float cellW = (float) widthPx / mapWidth;
        float cellH = (float) heightPx / mapHeight;
        for (int my = 0; my < mapHeight; my++) {
            int y0 = Math.round(my * cellH);
            int y1 = Math.min(heightPx, Math.round((my + 1) * cellH));
            for (int mx = 0; mx < mapWidth; mx++) {
                int x0 = Math.round(mx * cellW);
                int x1 = Math.min(widthPx, Math.round((mx + 1) * cellW));
                double sum = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) sum += mask[y * widthPx + x];
                }
                int area = Math.max(1, (x1 - x0) * (y1 - y0));
                target[targetOffset + my * mapWidth + mx] = (float) Math.min(1.0, sum / area / FULL_CELL_COVERAGE);
            }
        }
    }

    /**
     * Perlin gradient noise over {@code cellsX x cellsY} lattice cells spanning the image, values
     * in about [-1, 1], written into {@code out} (one value per pixel).
     */
    private void perlin(float[] out, int cellsX, int cellsY, Random random) {
        int gw = cellsX + 1;
        int gh = cellsY + 1;
        float[] gx = new float[gw * gh];
        float[] gy = new float[gw * gh];
        for (int i = 0; i < gx.length; i++) {
            double a = random.nextDouble() * Math.PI * 2;
            gx[i] = (float) Math.cos(a);
            gy[i] = (float) Math.sin(a);
        }
        float sx = (float) cellsX / widthPx;
        float sy = (float) cellsY / heightPx;
        for (int y = 0; y < heightPx; y++) {
            float fy = (y + 0.5f) * sy;
            int iy = Math.min(cellsY - 1, (int) fy);
            float ty = fy - iy;
            float wy = fade(ty);
            for (int x = 0; x < widthPx; x++) {
                float fx = (x + 0.5f) * sx;
                int ix = Math.min(cellsX - 1, (int) fx);
                float tx = fx - ix;
                float wx = fade(tx);
                int g00 = iy * gw + ix;
                int g10 = g00 + 1;
                int g01 = g00 + gw;
                int g11 = g01 + 1;
                float n00 = gx[g00] * tx + gy[g00] * ty;
                float n10 = gx[g10] * (tx - 1) + gy[g10] * ty;
                float n01 = gx[g01] * tx + gy[g01] * (ty - 1);
                float n11 = gx[g11] * (tx - 1) + gy[g11] * (ty - 1);
                float nx0 = n00 + wx * (n10 - n00);
                float nx1 = n01 + wx * (n11 - n01);
                out[y * widthPx + x] = (nx0 + wy * (nx1 - nx0)) * 1.414f;
            }
        }
    }

    private static float fade(float t) {
        return t * t * t * (t * (t * 6 - 15) + 10);
    }
}
