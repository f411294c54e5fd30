package io.sightline.calibration;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraCalibrationTest {
    static final double FX = 800;
    static final double FY = 790;
    static final double CX = 330;
    static final double CY = 235;
    static final double[] DIST = {-0.18, 0.04, 0, 0, 0};

    @BeforeAll
    static void load() {
        Natives.opencv();
    }

    /** Projects board points (metres, z = 0) through the known camera at pose (rvec, tvec). */
    static double[][] project(double[][] board, double[] rvec, double[] tvec) {
        try (Mat obj = new Mat(board.length, 1, org.bytedeco.opencv.global.opencv_core.CV_64FC3);
             Mat r = new Mat(3, 1, CV_64F); Mat t = new Mat(3, 1, CV_64F); Mat k = new Mat(3, 3, CV_64F);
             Mat d = new Mat(1, 5, CV_64F); Mat out = new Mat()) {
            DoubleIndexer o = obj.createIndexer();
            for (int i = 0; i < board.length; i++) {
                o.put(i, 0, 0, board[i][0]);
                o.put(i, 0, 1, board[i][1]);
                o.put(i, 0, 2, 0.0);
            }
            o.close();
            DoubleIndexer ri = r.createIndexer();
            DoubleIndexer ti = t.createIndexer();
            for (int i = 0; i < 3; i++) {
                ri.put(i, 0, rvec[i]);
                ti.put(i, 0, tvec[i]);
            }
            ri.close();
            ti.close();
            DoubleIndexer ki = k.createIndexer();
            double[] kv = {FX, 0, CX, 0, FY, CY, 0, 0, 1};
            for (int i = 0; i < 9; i++) ki.put(i / 3, i % 3, kv[i]);
            ki.close();
            DoubleIndexer di = d.createIndexer();
            for (int i = 0; i < 5; i++) di.put(0, i, DIST[i]);
            di.close();
            opencv_calib3d.projectPoints(obj, r, t, k, d, out);
            double[][] px = new double[board.length][2];
            if (out.depth() == org.bytedeco.opencv.global.opencv_core.CV_32F) {
                FloatIndexer f = out.createIndexer();
                for (int i = 0; i < board.length; i++) {
                    px[i][0] = f.get(i, 0, 0);
                    px[i][1] = f.get(i, 0, 1);
                }
                f.close();
            } else {
                DoubleIndexer f = out.createIndexer();
                for (int i = 0; i < board.length; i++) {
                    px[i][0] = f.get(i, 0, 0);
                    px[i][1] = f.get(i, 0, 1);
                }
                f.close();
            }
            return px;
        }
    }

    /** A 10x7-square board (9x6 inner corners, 30 mm) seen through the known camera. */
    static void render(Path file, double[] rvec, double[] tvec) {
        double s = 0.03;
        try (Mat img = new Mat(480, 640, CV_8UC1, new Scalar(90))) {
            // white margin around the board
            double[][] margin = {{-s, -s}, {11 * s, -s}, {11 * s, 8 * s}, {-s, 8 * s}};
            fill(img, project(margin, rvec, tvec), 235);
            for (int r = 0; r < 7; r++) {
                for (int c = 0; c < 10; c++) {
                    if ((r + c) % 2 != 0) continue;
                    double[][] sq = {{c * s, r * s}, {(c + 1) * s, r * s}, {(c + 1) * s, (r + 1) * s}, {c * s, (r + 1) * s}};
                    fill(img, project(sq, rvec, tvec), 20);
                }
            }
            opencv_imgproc.GaussianBlur(img, img, new org.bytedeco.opencv.opencv_core.Size(3, 3), 0.7);
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), img));
        }
    }

    static void fill(Mat img, double[][] pts, int gray) {
        int shift = 4;
        try (Mat poly = new Mat(pts.length, 1, org.bytedeco.opencv.global.opencv_core.CV_32SC2)) {
            org.bytedeco.javacpp.indexer.IntIndexer p = poly.createIndexer();
            for (int i = 0; i < pts.length; i++) {
                p.put(i, 0, 0, (int) Math.round(pts[i][0] * (1 << shift)));
                p.put(i, 0, 1, (int) Math.round(pts[i][1] * (1 << shift)));
            }
            p.close();
            opencv_imgproc.fillConvexPoly(img, poly, new Scalar(gray), opencv_imgproc.LINE_AA, shift);
        }
    }

    static List<Path> renderViews(Path dir) throws Exception {
        double[][] poses = {
            {0.10, -0.10, 0.02, -0.15, -0.10, 0.55}, {-0.25, 0.15, 0.05, -0.17, -0.12, 0.60}, {0.30, 0.25, -0.05, -0.12, -0.09, 0.58},
            {-0.20, -0.30, 0.10, -0.20, -0.08, 0.62}, {0.05, 0.35, 0.00, -0.15, -0.11, 0.60}, {0.35, -0.25, -0.08, -0.22, -0.05, 0.66},
            {-0.35, 0.05, 0.12, -0.10, -0.15, 0.60}, {0.15, 0.05, 0.30, -0.14, -0.14, 0.56},
        };
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < poses.length; i++) {
            Path f = dir.resolve("view" + i + ".png");
            double[] p = poses[i];
            render(f, new double[] {p[0], p[1], p[2]}, new double[] {p[3], p[4], p[5]});
            files.add(f);
        }
        return files;
    }

    @Test
    void aRenderedBoardGivesBackTheCameraItWasRenderedWith(@TempDir Path tmp) throws Exception {
        List<Path> views = renderViews(tmp);
        Path blank = tmp.resolve("blank.png");
        try (Mat b = new Mat(480, 640, CV_8UC1, new Scalar(128))) {
            opencv_imgcodecs.imwrite(blank.toString(), b);
        }
        List<Path> all = new ArrayList<>(views);
        all.add(blank);
        CameraCalibration.Result r = CameraCalibration.calibrate(all, 9, 6, 0.03, false);
        assertEquals(views.size(), r.used(), "rejected: " + r.rejected());
        assertEquals(List.of("blank.png"), r.rejected(), "a view without a board is listed by name, not fatal");
        assertEquals(FX, r.fx(), FX * 0.01, "fx");
        assertEquals(FY, r.fy(), FY * 0.01, "fy");
        assertEquals(CX, r.cx(), 3, "cx");
        assertEquals(CY, r.cy(), 3, "cy");
        assertEquals(DIST[0], r.distortion()[0], 0.03, "k1");
        assertTrue(r.rms() < 0.5, "rms " + r.rms());
    }

    @Test
    void badViewsAreNamed(@TempDir Path tmp) throws Exception {
        List<Path> views = renderViews(tmp);
        var none = assertThrows(IllegalArgumentException.class, () -> CameraCalibration.calibrate(views, 8, 5, 0.03, false));
        assertTrue(none.getMessage().contains("8x5 board was found in 0 of 8 views") && none.getMessage().contains("inner corners"),
                none.getMessage());
        Path small = tmp.resolve("small.png");
        try (Mat b = new Mat(240, 320, CV_8UC1, new Scalar(128))) {
            opencv_imgcodecs.imwrite(small.toString(), b);
        }
        List<Path> mixed = new ArrayList<>(views);
        mixed.add(small);
        var sizes = assertThrows(IllegalArgumentException.class, () -> CameraCalibration.calibrate(mixed, 9, 6, 0.03, false));
        assertTrue(sizes.getMessage().contains("different sizes") && sizes.getMessage().contains("small.png"), sizes.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CameraCalibration.calibrate(List.of(), 9, 6, 0.03, false));
    }

    @Test
    void opencvsOwnViewsGiveOpencvsPublishedResult() throws Exception {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("sightline"))) dir = dir.getParent();
        Path views = dir == null ? null : dir.resolve("../shared/data/calibration/opencv-left").normalize();
        Assumptions.assumeTrue(views != null && Files.isDirectory(views),
                "../shared/data/calibration/opencv-left not found: skipping the published-result check");
        List<Path> files;
        try (Stream<Path> s = Files.list(views)) {
            files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        CameraCalibration.Result r = CameraCalibration.calibrate(files, 9, 6, 0.025, false);
        // OpenCV's published result (DATA.md): fx = fy = 535.9157, cx 342.2832, cy 235.5708, RMS 0.3926
        assertEquals(13, r.used());
        assertEquals(535.9157, r.fx(), 535.9157 * 0.005);
        assertEquals(535.9157, r.fy(), 535.9157 * 0.005);
        assertEquals(342.2832, r.cx(), 2);
        assertEquals(235.5708, r.cy(), 2);
        assertTrue(r.rms() < 0.5, "rms " + r.rms());
    }
}
