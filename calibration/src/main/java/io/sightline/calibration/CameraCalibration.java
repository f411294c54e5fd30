package io.sightline.calibration;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;

import io.sightline.natives.Natives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Point2fVector;
import org.bytedeco.opencv.opencv_core.Point2fVectorVector;
import org.bytedeco.opencv.opencv_core.Point3f;
import org.bytedeco.opencv.opencv_core.Point3fVector;
import org.bytedeco.opencv.opencv_core.Point3fVectorVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.TermCriteria;

/**
 * Camera intrinsics from views of a chessboard (OpenCV):
 *
 * <pre>
 *   each image --gray--> findChessboardCorners (inner corners COLS x ROWS)
 *              --cornerSubPix (11x11 window)--> image points; board points on a SQUARE grid (z = 0)
 *   all views  --calibrateCameraExtended--> fx, fy, cx, cy, distortion (k1 k2 p1 p2 k3), RMS, per-view RMS
 * </pre>
 *
 * Views where no board is found are listed, not fatal, as long as {@link #MIN_VIEWS} remain.
 * A warning says when the boards' corners leave much of the image uncovered (the distortion
 * model is then only known near the middle).
 */
public final class CameraCalibration {
    /** Fewest views with a board for a calibration. */
    public static final int MIN_VIEWS = 3;

    /**
     * @param perViewRms RMS reprojection error of each used view, by file name
     * @param rejected views where no board was found, by file name
     * @param coverage share of a 4x4 grid over the image that the boards' corners touch
     */
    public record Result(int width, int height, double fx, double fy, double cx, double cy, double[] distortion, double rms,
                         Map<String, Double> perViewRms, List<String> rejected, double coverage, List<String> warnings) {
        public int used() {
            return perViewRms.size();
        }
    }

    private CameraCalibration() {}

    /**
     * @param cols inner corners per row
     * @param rows inner corners per column
     * @param squareMetres the board's square size
     * @param fixAspectRatio constrain fx = fy (OpenCV's CALIB_FIX_ASPECT_RATIO)
     * @throws IllegalArgumentException naming the problem: no images, mixed sizes, too few boards
     */
    public static Result calibrate(List<Path> images, int cols, int rows, double squareMetres, boolean fixAspectRatio) {
        if (cols < 2 || rows < 2) throw new IllegalArgumentException("board: expected at least 2x2 inner corners, got " + cols + "x" + rows);
        if (!(squareMetres > 0)) throw new IllegalArgumentException("square: expected a size above 0 m, got " + squareMetres);
        if (images.isEmpty()) throw new IllegalArgumentException("no images to calibrate from (expected .png/.jpg/.bmp chessboard views)");
        Natives.opencv();
        int width = -1;
        int height = -1;
        String firstName = null;
        Map<String, float[]> found = new LinkedHashMap<>();
        List<String> rejected = new ArrayList<>();
        try (Size pattern = new Size(cols, rows); Size window = new Size(11, 11); Size zero = new Size(-1, -1);
             TermCriteria sub = new TermCriteria(TermCriteria.EPS + TermCriteria.COUNT, 30, 0.001)) {
            for (Path p : images) {
                String name = p.getFileName().toString();
                try (Mat gray = opencv_imgcodecs.imread(p.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE)) {
                    if (gray == null || gray.empty()) {
                        rejected.add(name + " (not a readable image)");
                        continue;
                    }
                    if (width < 0) {
                        width = gray.cols();
                        height = gray.rows();
                        firstName = name;
                    } else if (gray.cols() != width || gray.rows() != height) {
                        throw new IllegalArgumentException("images of different sizes: " + firstName + " is " + width + "x" + height
                                + " but " + name + " is " + gray.cols() + "x" + gray.rows() + " (calibrate one camera at one resolution)");
                    }
                    try (Mat corners = new Mat()) {
                        boolean ok = opencv_calib3d.findChessboardCorners(gray, pattern, corners,
                                opencv_calib3d.CALIB_CB_ADAPTIVE_THRESH | opencv_calib3d.CALIB_CB_NORMALIZE_IMAGE);
                        if (!ok || corners.rows() != cols * rows) {
                            rejected.add(name);
                            continue;
                        }
                        opencv_imgproc.cornerSubPix(gray, corners, window, zero, sub);
                        float[] xy = new float[cols * rows * 2];
                        try (FloatIndexer idx = corners.createIndexer()) {
                            for (int i = 0; i < cols * rows; i++) {
                                xy[2 * i] = idx.get(i, 0, 0);
                                xy[2 * i + 1] = idx.get(i, 0, 1);
                            }
                        }
                        found.put(name, xy);
                    }
                }
            }
        }
        if (found.size() < MIN_VIEWS) {
            throw new IllegalArgumentException("a " + cols + "x" + rows + " board was found in " + found.size() + " of " + images.size()
                    + " views; at least " + MIN_VIEWS + " are needed (check --board: it counts inner corners, e.g. 9x6 for a 10x7 squares board)"
                    + (rejected.isEmpty() ? "" : "; no board in " + rejected));
        }
        return solve(found, rejected, width, height, cols, rows, squareMetres, fixAspectRatio);
    }

    private static Result solve(Map<String, float[]> found, List<String> rejected, int width, int height, int cols, int rows,
                                double square, boolean fixAspect) {
        try (Point3fVectorVector objects = new Point3fVectorVector(); Point2fVectorVector points = new Point2fVectorVector();
             Size size = new Size(width, height); Mat camera = Mat.eye(3, 3, CV_64F).asMat(); Mat distortion = new Mat();
             MatVector rvecs = new MatVector(); MatVector tvecs = new MatVector(); Mat sdIntrinsics = new Mat();
             Mat sdExtrinsics = new Mat(); Mat perView = new Mat();
             TermCriteria criteria = new TermCriteria(TermCriteria.COUNT + TermCriteria.EPS, 100, 1e-9)) {
            boolean[][] cells = new boolean[4][4];
            for (float[] xy : found.values()) {
                Point3f[] board = new Point3f[cols * rows];
                Point2f[] image = new Point2f[cols * rows];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int i = r * cols + c;
                        board[i] = new Point3f((float) (c * square), (float) (r * square), 0f);
                        image[i] = new Point2f(xy[2 * i], xy[2 * i + 1]);
                        cells[Math.min(3, (int) (4 * xy[2 * i + 1] / height))][Math.min(3, (int) (4 * xy[2 * i] / width))] = true;
                    }
                }
                objects.push_back(new Point3fVector(board));
                points.push_back(new Point2fVector(image));
            }
            int flags = fixAspect ? opencv_calib3d.CALIB_FIX_ASPECT_RATIO : 0;
            double rms = opencv_calib3d.calibrateCameraExtended(objects, points, size, camera, distortion, rvecs, tvecs, sdIntrinsics,
                    sdExtrinsics, perView, flags, criteria);
            double[] k;
            try (Mat row = distortion.reshape(1, 1); DoubleIndexer d = row.createIndexer()) {
                k = new double[(int) row.total()];
                for (int i = 0; i < k.length; i++) k[i] = d.get(0, i);
            }
            Map<String, Double> perViewRms = new LinkedHashMap<>();
            try (DoubleIndexer v = perView.createIndexer()) {
                int i = 0;
                for (String name : found.keySet()) perViewRms.put(name, v.get(i++));
            }
            int touched = 0;
            for (boolean[] row : cells) for (boolean cell : row) if (cell) touched++;
            double coverage = touched / 16.0;
            List<String> warnings = new ArrayList<>();
            if (coverage < 0.75) {
                warnings.add(String.format(Locale.ROOT, "the boards cover %.0f%% of a 4x4 grid over the image: add views with the board"
                        + " near the corners and edges, or the distortion is only known near the middle", 100 * coverage));
            }
            if (rms > 1.0) warnings.add(String.format(Locale.ROOT, "RMS reprojection error %.2f px is high: check focus, motion blur and the board", rms));
            try (DoubleIndexer m = camera.createIndexer()) {
                return new Result(width, height, m.get(0, 0), m.get(1, 1), m.get(0, 2), m.get(1, 2), k, rms, perViewRms,
                        List.copyOf(rejected), coverage, warnings);
            }
        }
    }
}
