package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_16SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;

import io.sightline.natives.Natives;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.ShortIndexer;
import org.bytedeco.javacpp.indexer.UShortIndexer;
import org.bytedeco.opencv.global.opencv_calib3d;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Lens distortion removed from a camera's frames, from its calibration (intrinsics and
 * distortion coefficients, as {@code calibrate camera} writes them).
 *
 * <pre>
 *   once:      initUndistortRectifyMap(K, D, I, K, size, CV_16SC2) --> map1, map2   (shared, read-only)
 *   per frame: remap(frame, destination, map1, map2, INTER_LINEAR)                 (into a preallocated buffer)
 * </pre>
 *
 * The maps are read-only after construction, so one instance serves every thread; each thread
 * brings its own destination ({@link #destination}).
 */
public final class Undistorter implements AutoCloseable {
    private final int width;
    private final int height;
    private final Mat map1 = new Mat();
    private final Mat map2 = new Mat();
    private final Scalar border = new Scalar(0.0);

    /**
     * @param distortion k1, k2, p1, p2[, k3...] as OpenCV orders them
     */
    public Undistorter(int width, int height, double fx, double fy, double cx, double cy, double[] distortion) {
        if (width <= 0 || height <= 0 || !(fx > 0) || !(fy > 0) || distortion.length < 4) {
            throw new IllegalArgumentException("undistortion needs a frame size, positive focal lengths and at least 4 distortion"
                    + " coefficients, got " + width + "x" + height + ", fx " + fx + ", fy " + fy + ", " + distortion.length + " coefficients");
        }
        Natives.opencv();
        this.width = width;
        this.height = height;
        try (Mat k = new Mat(3, 3, CV_64F); Mat d = new Mat(1, distortion.length, CV_64F); Mat r = Mat.eye(3, 3, CV_64F).asMat();
             Size size = new Size(width, height)) {
            try (DoubleIndexer ki = k.createIndexer(); DoubleIndexer di = d.createIndexer()) {
                double[] kv = {fx, 0, cx, 0, fy, cy, 0, 0, 1};
                for (int i = 0; i < 9; i++) ki.put(i / 3, i % 3, kv[i]);
                for (int i = 0; i < distortion.length; i++) di.put(0, i, distortion[i]);
            }
            opencv_calib3d.initUndistortRectifyMap(k, d, r, k, size, CV_16SC2, map1, map2);
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /**
     * The maps {@link #undistort} uses, as float source coordinates per frame pixel (row-major,
     * {@code width x height} each): {@code mapX = ix + tx / 32}, {@code mapY = iy + ty / 32} from
     * OpenCV's fixed-point CV_16SC2 map (integer part) and its 1/32-pixel fraction index. Exact:
     * {@code rint(map * 32)} gives back OpenCV's fixed-point coordinate. For the CUDA kernel.
     */
    public void copyMaps(float[] mapX, float[] mapY) {
        int n = width * height;
        if (mapX.length != n || mapY.length != n) {
            throw new IllegalArgumentException("maps need " + n + " entries each, got " + mapX.length + " and " + mapY.length);
        }
        try (ShortIndexer xy = map1.createIndexer(); UShortIndexer frac = map2.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int f = frac.get(y, x);
                    mapX[y * width + x] = xy.get(y, x, 0) + (f & 31) / 32f;
                    mapY[y * width + x] = xy.get(y, x, 1) + (f >> 5) / 32f;
                }
            }
        }
    }

    /** A destination Mat over caller-owned memory of {@code width x height} bytes, made once per buffer. */
    public Mat destination(BytePointer pixels) {
        return destination(pixels, 1);
    }

    /** As {@link #destination(BytePointer)}, for frames of {@code channels} (1 gray, 3 BGR: {@code width x height x 3} bytes). */
    public Mat destination(BytePointer pixels, int channels) {
        return new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC(channels), pixels);
    }

    /** Undistorts the whole frame behind {@code frame} into {@code destination}. Allocates nothing. */
    public void undistort(Preprocessor.View frame, Mat destination) {
        undistort(frame.frame, destination);
    }

    /** Undistorts an 8-bit frame (gray or BGR) of this size into {@code destination}, which has its channels. */
    public void undistort(Mat frame, Mat destination) {
        if (frame.cols() != width || frame.rows() != height) {
            throw new IllegalArgumentException("frame is " + frame.cols() + "x" + frame.rows() + ", the calibration is for " + width + "x" + height);
        }
        opencv_imgproc.remap(frame, destination, map1, map2, opencv_imgproc.INTER_LINEAR, opencv_core.BORDER_CONSTANT, border);
    }

    @Override
    public void close() {
        map1.close();
        map2.close();
        border.close();
    }
}
