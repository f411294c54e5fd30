package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UndistorterTest {
    static final int W = 640;
    static final int H = 480;
    static final double FX = 600;
    static final double FY = 600;
    static final double CX = 320;
    static final double CY = 240;
    static final double K1 = -0.25;
    static final double K2 = 0.05;

    @BeforeAll
    static void load() {
        Natives.opencv();
    }

    /** Where the lens puts the pinhole point (u, v): the radial model OpenCV uses. */
    static double[] distort(double u, double v) {
        double x = (u - CX) / FX;
        double y = (v - CY) / FY;
        double r2 = x * x + y * y;
        double f = 1 + K1 * r2 + K2 * r2 * r2;
        return new double[] {FX * x * f + CX, FY * y * f + CY};
    }

    @Test
    void pointsMovedByTheLensGoBackToWhereAPinholeWouldSeeThem() {
        double[][] truth = {{100, 80}, {540, 90}, {120, 400}, {520, 410}, {320, 240}, {250, 300}};
        try (NativeBuffer src = NativeBuffer.allocate((long) W * H); NativeBuffer dst = NativeBuffer.allocate((long) W * H);
             Mat in = new Mat(H, W, CV_8UC1, src.bytes());
             Undistorter u = new Undistorter(W, H, FX, FY, CX, CY, new double[] {K1, K2, 0, 0, 0});
             Mat out = u.destination(dst.bytes())) {
            try (UByteIndexer idx = in.createIndexer()) {
                for (double[] t : truth) {
                    double[] d = distort(t[0], t[1]);
                    for (int y = (int) d[1] - 6; y <= (int) d[1] + 6; y++) {
                        for (int x = (int) d[0] - 6; x <= (int) d[0] + 6; x++) {
                            double g = Math.exp(-((x - d[0]) * (x - d[0]) + (y - d[1]) * (y - d[1])) / (2 * 1.5 * 1.5));
                            idx.put(y, x, (int) Math.min(255, idx.get(y, x) + 250 * g));
                        }
                    }
                }
            }
            u.undistort(in, out);
            try (UByteIndexer o = out.createIndexer()) {
                for (double[] t : truth) {
                    double sx = 0;
                    double sy = 0;
                    double sw = 0;
                    for (int y = (int) t[1] - 8; y <= (int) t[1] + 8; y++) {
                        for (int x = (int) t[0] - 8; x <= (int) t[0] + 8; x++) {
                            double w = o.get(y, x);
                            sx += w * x;
                            sy += w * y;
                            sw += w;
                        }
                    }
                    assertTrue(sw > 100, "a blob near " + t[0] + "," + t[1]);
                    assertEquals(t[0], sx / sw, 0.5, "x of the point at " + t[0] + "," + t[1]);
                    assertEquals(t[1], sy / sw, 0.5, "y of the point at " + t[0] + "," + t[1]);
                }
            }
        }
    }

    @Test
    void noDistortionLeavesTheFrameAsItIsAndAWrongSizeIsNamed() {
        try (NativeBuffer src = NativeBuffer.allocate((long) W * H); NativeBuffer dst = NativeBuffer.allocate((long) W * H);
             Mat in = new Mat(H, W, CV_8UC1, src.bytes());
             Undistorter u = new Undistorter(W, H, FX, FY, CX, CY, new double[] {0, 0, 0, 0, 0});
             Mat out = u.destination(dst.bytes())) {
            byte[] px = new byte[W * H];
            for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7 + i / W);
            src.bytes().put(px, 0, px.length);
            u.undistort(in, out);
            byte[] got = new byte[W * H];
            dst.bytes().get(got, 0, got.length);
            assertArrayEquals(px, got);
            try (Mat small = new Mat(10, 10, CV_8UC1)) {
                var e = assertThrows(IllegalArgumentException.class, () -> u.undistort(small, out));
                assertTrue(e.getMessage().contains("640x480"), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Undistorter(W, H, 0, FY, CX, CY, new double[] {0, 0, 0, 0}));
    }
}
