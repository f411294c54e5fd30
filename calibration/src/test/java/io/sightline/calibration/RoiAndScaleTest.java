package io.sightline.calibration;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoiAndScaleTest {
    @BeforeAll
    static void load() {
        Natives.opencv();
    }

    /** A disc of radius 80 at (300, 220) on a noisy background, bright on dark or dark on bright. */
    static Path part(Path file, boolean brightPart) {
        try (Mat img = new Mat(480, 640, CV_8UC1, new Scalar(brightPart ? 40 : 210)); Mat noise = new Mat(480, 640, CV_8UC1);
             Point c = new Point(300, 220)) {
            opencv_imgproc.circle(img, c, 80, new Scalar(brightPart ? 200 : 50), -1, opencv_imgproc.LINE_AA, 0);
            opencv_core.randn(noise, new Mat(1, 1, opencv_core.CV_64F, new Scalar(0)), new Mat(1, 1, opencv_core.CV_64F, new Scalar(8)));
            opencv_core.add(img, noise, img);
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), img));
        }
        return file;
    }

    @Test
    void theAutomaticRoiHoldsThePartWithItsMargin(@TempDir Path tmp) {
        for (boolean bright : new boolean[] {true, false}) {
            RoiCalibration.Roi r = RoiCalibration.auto(part(tmp.resolve("part-" + bright + ".png"), bright));
            // the disc's box is x 220..380, y 140..300 (161 px); a 5% margin adds about 8 px a side
            assertEquals(212, r.x(), 4, "x, " + (bright ? "bright" : "dark") + " part");
            assertEquals(132, r.y(), 4, "y");
            assertEquals(177, r.width(), 8, "width");
            assertEquals(177, r.height(), 8, "height");
            assertEquals(640, r.frameWidth());
            Path png = tmp.resolve("drawn-" + bright + ".png");
            RoiCalibration.drawPng(tmp.resolve("part-" + bright + ".png"), r, png);
            try (Mat drawn = opencv_imgcodecs.imread(png.toString())) {
                assertEquals(3, drawn.channels(), "the check image is colour, with the ROI in green");
            }
        }
    }

    @Test
    void noPartOrARectOutsideTheFrameIsRefused(@TempDir Path tmp) throws Exception {
        Path flat = tmp.resolve("flat.png");
        try (Mat img = new Mat(100, 100, CV_8UC1, new Scalar(128))) {
            opencv_imgcodecs.imwrite(flat.toString(), img);
        }
        var none = assertThrows(IllegalArgumentException.class, () -> RoiCalibration.auto(flat));
        assertTrue(none.getMessage().contains("no part stands out") && none.getMessage().contains("--rect"), none.getMessage());
        var outside = assertThrows(IllegalArgumentException.class, () -> RoiCalibration.explicit(flat, 50, 50, 60, 10));
        assertTrue(outside.getMessage().contains("100x100"), outside.getMessage());
        assertEquals(10, RoiCalibration.explicit(flat, 0, 0, 10, 20).width());
        assertThrows(IllegalArgumentException.class, () -> RoiCalibration.auto(tmp.resolve("missing.png")));
    }

    @Test
    void scaleFromABoardFacingTheCamera(@TempDir Path tmp) throws Exception {
        Path board = tmp.resolve("board.png");
        CameraCalibrationTest.render(board, new double[] {0, 0, 0}, new double[] {-0.15, -0.10, 0.60});
        ScaleCalibration.Scale s = ScaleCalibration.fromChessboard(board, 9, 6, 30);
        // 30 mm squares at 0.6 m through fx 800 / fy 790: about 39.75 px a square, 0.755 mm per pixel
        assertEquals(30 / ((800 + 790) / 2.0 * 0.03 / 0.60), s.mmPerPixel(), 0.03 * 0.755);
        assertEquals(2 * 9 * 6 - 9 - 6, s.pairs());
        assertEquals(0.25, ScaleCalibration.fromReference(100, 400).mmPerPixel(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ScaleCalibration.fromReference(0, 400));
        var noBoard = assertThrows(IllegalArgumentException.class, () -> ScaleCalibration.fromChessboard(board, 7, 4, 30));
        assertTrue(noBoard.getMessage().contains("7x4"), noBoard.getMessage());
        assertTrue(Files.exists(board));
    }
}
