package io.sightline.inference;

/**
 * Reading a defect map: where in the input a model sees the defect.
 *
 * <pre>
 *   map [h,w] of p(defect) per cell (the model's "map" output; its largest cell is the score)
 *     peak:  the largest cell, refined to sub-cell precision by the value-weighted centroid of its
 *            3x3 neighbourhood, in input pixels (cell centres at (i + 0.5) * input / cells)
 *     box:   the bounding box of the cells at or above half the peak's value, in input pixels
 * </pre>
 *
 * <p>Static and allocation-free: the station calls it per rejected frame on its decision thread.
 */
public final class DefectMaps {
    /** Cells at or above this share of the peak belong to the box. */
    public static final float BOX_SHARE_OF_PEAK = 0.5f;

    private DefectMaps() {}

    /**
     * Writes the box of the map {@code map[offset .. offset + cellsX*cellsY)} into {@code out} as
     * x, y, width, height in pixels of an input {@code inputWidth x inputHeight}, and the peak's
     * x, y (input pixels, rounded) into out[4], out[5].
     *
     * @return the peak value
     */
    public static float locate(float[] map, int offset, int cellsX, int cellsY, int inputWidth, int inputHeight, int[] out) {
        int peak = 0;
        float peakValue = map[offset];
        int cells = cellsX * cellsY;
        for (int i = 1; i < cells; i++) {
            if (map[offset + i] > peakValue) {
                peakValue = map[offset + i];
                peak = i;
            }
        }
        float threshold = peakValue * BOX_SHARE_OF_PEAK;
        int minX = cellsX;
        int minY = cellsY;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < cellsY; y++) {
            for (int x = 0; x < cellsX; x++) {
                if (map[offset + y * cellsX + x] >= threshold) {
                    if (x < minX) minX = x;
                    if (x > maxX) maxX = x;
                    if (y < minY) minY = y;
                    if (y > maxY) maxY = y;
                }
            }
        }
        double cellW = (double) inputWidth / cellsX;
        double cellH = (double) inputHeight / cellsY;
        out[0] = (int) Math.floor(minX * cellW);
        out[1] = (int) Math.floor(minY * cellH);
        out[2] = (int) Math.ceil((maxX + 1) * cellW) - out[0];
        out[3] = (int) Math.ceil((maxY + 1) * cellH) - out[1];
        int px = peak % cellsX;
        int py = peak / cellsX;
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = Math.max(0, py - 1); y <= Math.min(cellsY - 1, py + 1); y++) {
            for (int x = Math.max(0, px - 1); x <= Math.min(cellsX - 1, px + 1); x++) {
                double v = map[offset + y * cellsX + x];
                sum += v;
                sx += v * (x + 0.5);
                sy += v * (y + 0.5);
            }
        }
        double cx = sum > 0 ? sx / sum : px + 0.5;
        double cy = sum > 0 ? sy / sum : py + 0.5;
        out[4] = (int) Math.round(cx * cellW);
        out[5] = (int) Math.round(cy * cellH);
        return peakValue;
    }
}
