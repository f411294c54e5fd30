package io.sightline.station.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.sightline.inference.DefectMaps;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.dataset.ModelScoring;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A defect map drawn over the image the model saw, for {@code eval --report}'s contact sheet and the
 * inspection API's {@code &map=png}.
 *
 * <pre>
 *   tensor (HWC floats, normalised) --(v * std + mean) * 255--> the model's input as BGR pixels
 *   map [h,w] of p(defect) --bilinear, stretched over the image (as {@link DefectMaps} reads it)-->
 *       heat colour (blue, cyan, green, yellow, red as p rises) blended in with opacity {@value #MAX_OPACITY} * p:
 *       clear where the model sees nothing, strongest at the defect
 *   box  {@link DefectMaps#locate}: cells at or above half the peak, drawn in {@link #BOX_BGR} inside its edge
 * </pre>
 *
 * <p>The image is the tensor, not the file: the model's input is the file turned, padded and
 * resized, and the map lies exactly over it only there.
 */
public final class DefectOverlay {
    /** Opacity of the heat colour where p(defect) is 1. */
    static final double MAX_OPACITY = 0.6;
    /** The box's colour (blue, green, red): magenta, as on the station's reject images and dashboard. */
    static final int[] BOX_BGR = {255, 0, 255};

    private DefectOverlay() {}

    /** The model's input as 8-bit BGR, {@code inputWidth x inputHeight}: the tensor denormalised. */
    public static Mat modelView(float[] tensor, ModelInfo info) {
        int w = info.inputWidth();
        int h = info.inputHeight();
        int c = info.inputChannels();
        if (tensor.length != w * h * c) {
            throw new IllegalArgumentException("tensor has " + tensor.length + " floats, the model's input " + w + "x" + h + "x" + c);
        }
        byte[] px = new byte[tensor.length];
        for (int i = 0; i < px.length; i++) {
            double v = (tensor[i] * info.normStd() + info.normMean()) * 255.0;
            px[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
        Mat out = new Mat(h, w, CV_8UC3);
        try (BytePointer p = new BytePointer(px); Mat plain = new Mat(h, w, c == 1 ? CV_8UC1 : CV_8UC3, p)) {
            if (c == 1) opencv_imgproc.cvtColor(plain, out, opencv_imgproc.COLOR_GRAY2BGR);
            else plain.copyTo(out);
        }
        return out;
    }

    /**
     * Draws {@code map} ({@code maps.width() x maps.height()} cells) over {@code image} (8-bit BGR, the
     * model's input at any scale): the heat colour, then the box.
     */
    public static void draw(Mat image, float[] map, ModelScoring.Maps maps) {
        int w = image.cols();
        int h = image.rows();
        float[] heat = new float[w * h];
        try (FloatPointer cells = new FloatPointer(map); Mat small = new Mat(maps.height(), maps.width(), CV_32FC1, cells);
             Mat big = new Mat(); Size size = new Size(w, h)) {
            opencv_imgproc.resize(small, big, size, 0, 0, opencv_imgproc.INTER_LINEAR);
            new FloatPointer(big.data()).get(heat);
        }
        byte[] px = new byte[w * h * 3];
        BytePointer data = image.data();
        data.get(px);
        double[] bgr = new double[3];
        for (int i = 0; i < heat.length; i++) {
            double p = Math.max(0, Math.min(1, heat[i]));
            double a = MAX_OPACITY * p;
            if (a <= 0) continue;
            colour(p, bgr);
            for (int k = 0; k < 3; k++) {
                int v = px[3 * i + k] & 0xff;
                px[3 * i + k] = (byte) Math.round(v + a * (bgr[k] - v));
            }
        }
        data.put(px);
        int[] box = new int[6];
        DefectMaps.locate(map, 0, maps.width(), maps.height(), maps.inputWidth(), maps.inputHeight(), box);
        double sx = (double) w / maps.inputWidth();
        double sy = (double) h / maps.inputHeight();
        int x0 = (int) Math.round(box[0] * sx);
        int y0 = (int) Math.round(box[1] * sy);
        int x1 = Math.min(w, (int) Math.round((box[0] + box[2]) * sx)) - 1;
        int y1 = Math.min(h, (int) Math.round((box[1] + box[3]) * sy)) - 1;
        try (Scalar c = new Scalar(BOX_BGR[0], BOX_BGR[1], BOX_BGR[2], 0)) {
            for (int k = 0; k < 2 && x0 + k <= x1 - k && y0 + k <= y1 - k; k++) {
                try (Point a = new Point(x0 + k, y0 + k); Point b = new Point(x1 - k, y1 - k)) {
                    opencv_imgproc.rectangle(image, a, b, c, 1, opencv_imgproc.LINE_8, 0);
                }
            }
        }
    }

    /** The heat colour of p in [0, 1] as B, G, R: full-saturation hue from blue (p 0) through green and yellow to red (p 1). */
    static void colour(double p, double[] bgr) {
        double hue = (1 - clamp(p)) * 4; // 4 = blue, 2 = green, 1 = yellow, 0 = red (in 60-degree sectors)
        int sector = (int) Math.min(3, Math.floor(hue));
        double f = hue - sector;
        double r;
        double g;
        double b;
        switch (sector) {
            case 0 -> { r = 1; g = f; b = 0; }        // red to yellow
            case 1 -> { r = 1 - f; g = 1; b = 0; }    // yellow to green
            case 2 -> { r = 0; g = 1; b = f; }        // green to cyan
            default -> { r = 0; g = 1 - f; b = 1; }   // cyan to blue
        }
        bgr[0] = 255 * b;
        bgr[1] = 255 * g;
        bgr[2] = 255 * r;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
