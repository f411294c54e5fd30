package io.sightline.calibration;

import io.sightline.natives.Natives;
import java.nio.file.Path;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.TermCriteria;

/**
 * Millimetres per pixel on the part's plane: from a chessboard lying where the parts lie (the
 * mean distance between neighbouring inner corners against the square size), or from a
 * reference object of known size measured in pixels.
 */
public final class ScaleCalibration {
    /** @param spread the standard deviation of the neighbour distances, as a share of their mean (a tilted board shows here) */
    public record Scale(double mmPerPixel, double spread, int pairs) {}

    private ScaleCalibration() {}

    public static Scale fromChessboard(Path image, int cols, int rows, double squareMm) {
        if (!(squareMm > 0)) throw new IllegalArgumentException("square: expected a size above 0 mm, got " + squareMm);
        Natives.opencv();
        try (Mat gray = opencv_imgcodecs.imread(image.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE); Mat corners = new Mat();
             Size pattern = new Size(cols, rows); Size win = new Size(11, 11); Size zero = new Size(-1, -1);
             TermCriteria sub = new TermCriteria(TermCriteria.EPS + TermCriteria.COUNT, 30, 0.001)) {
            if (gray == null || gray.empty()) throw new IllegalArgumentException(image + " is not a readable image");
            if (!opencv_calib3d.findChessboardCorners(gray, pattern, corners,
                    opencv_calib3d.CALIB_CB_ADAPTIVE_THRESH | opencv_calib3d.CALIB_CB_NORMALIZE_IMAGE)) {
                throw new IllegalArgumentException("no " + cols + "x" + rows + " board (inner corners) found in " + image);
            }
            opencv_imgproc.cornerSubPix(gray, corners, win, zero, sub);
            double sum = 0;
            double sumSq = 0;
            int n = 0;
            try (FloatIndexer f = corners.createIndexer()) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int i = r * cols + c;
                        if (c + 1 < cols) {
                            double d = Math.hypot(f.get(i + 1, 0, 0) - f.get(i, 0, 0), f.get(i + 1, 0, 1) - f.get(i, 0, 1));
                            sum += d;
                            sumSq += d * d;
                            n++;
                        }
                        if (r + 1 < rows) {
                            double d = Math.hypot(f.get(i + cols, 0, 0) - f.get(i, 0, 0), f.get(i + cols, 0, 1) - f.get(i, 0, 1));
                            sum += d;
                            sumSq += d * d;
                            n++;
                        }
                    }
                }
            }
            double mean = sum / n;
            double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
            return new Scale(squareMm / mean, sd / mean, n);
        }
    }

    public static Scale fromReference(double lengthMm, double lengthPx) {
        if (!(lengthMm > 0) || !(lengthPx > 0)) {
            throw new IllegalArgumentException("reference: expected a length above 0 in mm and in pixels, got " + lengthMm + " mm and "
                    + lengthPx + " px");
        }
        return new Scale(lengthMm / lengthPx, 0, 1);
    }
}
