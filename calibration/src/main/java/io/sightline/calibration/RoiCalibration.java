package io.sightline.calibration;

import io.sightline.natives.Natives;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The region of interest: where the part lies in the camera's frame.
 *
 * <pre>
 *   auto:     gray --blur 5x5--> Otsu threshold, both polarities --contours--> the largest one that does
 *             not touch the frame's border (the part, not the background) --bounding box + 5% margin-->
 *   explicit: x,y,w,h, checked to lie inside the frame
 *   either:   a PNG of the frame with the ROI drawn, for the engineer to check
 * </pre>
 */
public final class RoiCalibration {
    /** Margin added around the part's box, as a share of its size. */
    public static final double MARGIN = 0.05;

    /** The ROI and the frame it was found in. */
    public record Roi(int x, int y, int width, int height, int frameWidth, int frameHeight) {}

    private RoiCalibration() {}

    public static Roi explicit(Path image, int x, int y, int w, int h) {
        try (Mat frame = read(image)) {
            if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > frame.cols() || y + h > frame.rows()) {
                throw new IllegalArgumentException("--rect " + x + "," + y + "," + w + "," + h + " does not lie inside " + image + " ("
                        + frame.cols() + "x" + frame.rows() + ")");
            }
            return new Roi(x, y, w, h, frame.cols(), frame.rows());
        }
    }

    /** @throws IllegalArgumentException when no part stands out from the background */
    public static Roi auto(Path image) {
        try (Mat frame = read(image); Mat blurred = new Mat(); Size k = new Size(5, 5)) {
            opencv_imgproc.GaussianBlur(frame, blurred, k, 0);
            Rect best = null;
            double bestArea = 0;
            for (int polarity : new int[] {opencv_imgproc.THRESH_BINARY, opencv_imgproc.THRESH_BINARY_INV}) {
                try (Mat mask = new Mat(); MatVector contours = new MatVector(); Mat hierarchy = new Mat()) {
                    opencv_imgproc.threshold(blurred, mask, 0, 255, polarity | opencv_imgproc.THRESH_OTSU);
                    opencv_imgproc.findContours(mask, contours, hierarchy, opencv_imgproc.RETR_EXTERNAL, opencv_imgproc.CHAIN_APPROX_SIMPLE);
                    for (long i = 0; i < contours.size(); i++) {
                        Mat c = contours.get(i);
                        double area = opencv_imgproc.contourArea(c);
                        Rect r = opencv_imgproc.boundingRect(c);
                        boolean touches = r.x() <= 0 || r.y() <= 0 || r.x() + r.width() >= frame.cols() || r.y() + r.height() >= frame.rows();
                        if (!touches && area > bestArea && area > 0.001 * frame.cols() * frame.rows()) {
                            bestArea = area;
                            best = new Rect(r.x(), r.y(), r.width(), r.height());
                        }
                    }
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("no part stands out from the background in " + image
                        + " (a part clear of the frame's edges, lighter or darker than its surroundings); give --rect x,y,w,h");
            }
            int mx = (int) Math.round(best.width() * MARGIN);
            int my = (int) Math.round(best.height() * MARGIN);
            int x = Math.max(0, best.x() - mx);
            int y = Math.max(0, best.y() - my);
            int w = Math.min(frame.cols(), best.x() + best.width() + mx) - x;
            int h = Math.min(frame.rows(), best.y() + best.height() + my) - y;
            best.close();
            return new Roi(x, y, w, h, frame.cols(), frame.rows());
        }
    }

    /** Writes the frame with the ROI drawn in green. */
    public static void drawPng(Path image, Roi roi, Path png) {
        try (Mat frame = opencv_imgcodecs.imread(image.toString(), opencv_imgcodecs.IMREAD_COLOR);
             Point a = new Point(roi.x(), roi.y()); Point b = new Point(roi.x() + roi.width() - 1, roi.y() + roi.height() - 1);
             Scalar green = new Scalar(0, 200, 0, 0)) {
            opencv_imgproc.rectangle(frame, a, b, green, Math.max(2, frame.cols() / 300), opencv_imgproc.LINE_8, 0);
            if (!opencv_imgcodecs.imwrite(png.toString(), frame)) throw new IllegalArgumentException("cannot write " + png);
        }
    }

    private static Mat read(Path image) {
        Natives.opencv();
        Mat m = opencv_imgcodecs.imread(image.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE);
        if (m == null || m.empty()) throw new IllegalArgumentException(image + " is not a readable image");
        return m;
    }
}
