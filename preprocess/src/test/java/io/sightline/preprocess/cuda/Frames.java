package io.sightline.preprocess.cuda;

import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import io.sightline.preprocess.Undistorter;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

/** Synthetic gray part frames and the CPU path's tensors for them, shared by the CUDA tests. */
final class Frames {
    /**
     * The largest difference allowed between the kernel (or its Java reference) and the OpenCV CPU
     * path, after normalisation. Measured: 0 (bit-identical) on every frame of PreprocessArithmeticTest;
     * the allowance covers convertTo's scalar tail, which rounds a*b+c twice where the kernel fuses it.
     */
    static final float TOLERANCE = 1e-5f;

    private Frames() {}

    /** The station's default ROI: the centred square of 0.75 x the shorter side. */
    static PreprocessSpec stationSpec(int width, int height) {
        int side = Math.min(width, height) * 3 / 4;
        return new PreprocessSpec((width - side) / 2, (height - side) / 2, side, side, 128, 128, 0.4f, 0.25f);
    }

    /** A lens with barrel distortion, focal length about the frame width. */
    static Undistorter lens(int width, int height) {
        return new Undistorter(width, height, width * 0.95, width * 0.95, width / 2.0 + 3.5, height / 2.0 - 2.25,
                new double[] {-0.25, 0.05, 0.001, -0.0005, 0});
    }

    /** A part on a belt: shaded background, a bright disc with a dark hole, scratches, sensor noise. */
    static byte[] part(int width, int height, int stride, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[stride * height];
        double cx = width * (0.45 + 0.1 * r.nextDouble());
        double cy = height * (0.45 + 0.1 * r.nextDouble());
        double radius = Math.min(width, height) * (0.25 + 0.05 * r.nextDouble());
        double scratchAngle = r.nextDouble() * Math.PI;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double g = 40 + 30.0 * x / width + 20.0 * y / height;
                double d = Math.hypot(x - cx, y - cy);
                if (d < radius) g = 180 + 40 * Math.cos(d / radius * 3);
                if (d < radius * 0.2) g = 30;
                double along = (x - cx) * Math.sin(scratchAngle) - (y - cy) * Math.cos(scratchAngle);
                if (Math.abs(along) < 1.5 && d < radius) g -= 90;
                g += r.nextGaussian() * 6;
                px[y * stride + x] = (byte) Math.max(0, Math.min(255, (int) Math.round(g)));
            }
        }
        return px;
    }

    /** What the CPU Preprocessor (after the Undistorter, when given) writes for {@code frame}. */
    static float[] cpu(PreprocessSpec spec, Undistorter lens, byte[] frame, int width, int height, int stride) {
        float[] out = new float[spec.floatsPerImage()];
        try (NativeBuffer src = NativeBuffer.allocate(frame.length); NativeBuffer und = NativeBuffer.allocate((long) width * height);
             NativeBuffer dst = NativeBuffer.allocateFloats(spec.floatsPerImage());
             Preprocessor p = new Preprocessor(spec);
             Preprocessor.FloatView fv = new Preprocessor.FloatView(spec, dst.floats())) {
            src.bytes().put(frame, 0, frame.length);
            if (lens == null) {
                try (Preprocessor.View v = new Preprocessor.View(spec, src.bytes(), width, height, stride)) {
                    p.process(v, fv);
                }
            } else {
                try (Preprocessor.View raw = new Preprocessor.View(spec, src.bytes(), width, height, stride);
                     Mat undistorted = lens.destination(und.bytes());
                     Preprocessor.View v = new Preprocessor.View(spec, und.bytes(), width, height, width)) {
                    lens.undistort(raw, undistorted);
                    p.process(v, fv);
                }
            }
            dst.floats().get(out);
        }
        return out;
    }

    static float maxAbsDiff(float[] a, float[] b, int bOffset) {
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[bOffset + i]));
        return max;
    }
}
