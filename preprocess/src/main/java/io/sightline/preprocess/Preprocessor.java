package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.natives.Natives;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns one 8-bit gray frame into the model's input, written straight into caller-owned memory.
 *
 * <pre>
 *   frame (W x H, u8) --ROI view (no copy)--> resize INTER_AREA (u8, inputW x inputH)
 *                     --convertTo(alpha, beta)--> destination floats (the tensor slot, HWC)
 * </pre>
 *
 * <p>One instance per thread. The intermediate image is allocated once; the frame and
 * destination are wrapped by {@link View}s that the caller makes once per buffer (a ring slot, a
 * camera buffer) and reuses, so {@link #process(View, FloatView)} allocates nothing.
 */
public final class Preprocessor implements AutoCloseable {
    private final PreprocessSpec spec;
    private final Mat resized;
    private final Size inputSize;

    public Preprocessor(PreprocessSpec spec) {
        Natives.opencv();
        this.spec = spec;
        this.resized = new Mat(spec.inputHeight(), spec.inputWidth(), CV_8UC1);
        this.inputSize = new Size(spec.inputWidth(), spec.inputHeight());
    }

    public PreprocessSpec spec() {
        return spec;
    }

    /**
     * Preprocesses the ROI of {@code frame} into {@code dst}.
     *
     * @throws IllegalArgumentException if the view was made for another spec
     */
    public void process(View frame, FloatView dst) {
        if (frame.spec != spec && !frame.spec.equals(spec)) {
            throw new IllegalArgumentException("frame view was made for " + frame.spec + ", not " + spec);
        }
        opencv_imgproc.resize(frame.roi, resized, inputSize, 0, 0, opencv_imgproc.INTER_AREA);
        resized.convertTo(dst.mat, CV_32FC1, spec.alpha(), spec.beta());
    }

    @Override
    public void close() {
        resized.close();
        inputSize.close();
    }

    /**
     * A frame buffer seen through this spec's ROI: made once per buffer, reused for every frame
     * that lands in it.
     */
    public static final class View implements AutoCloseable {
        final PreprocessSpec spec;
        private final Mat frame;
        final Mat roi;
        private final Rect rect;

        /**
         * @param pixels 8-bit gray pixels, row-major, {@code stride} bytes per row
         */
        public View(PreprocessSpec spec, BytePointer pixels, int width, int height, int stride) {
            Natives.opencv();
            spec.checkFits(width, height);
            if (stride < width) {
                throw new IllegalArgumentException("row stride " + stride + " is smaller than the width " + width);
            }
            this.spec = spec;
            this.frame = new Mat(height, width, CV_8UC1, pixels, stride);
            this.rect = new Rect(spec.roiX(), spec.roiY(), spec.roiWidth(), spec.roiHeight());
            this.roi = new Mat(frame, rect);
        }

        @Override
        public void close() {
            roi.close();
            rect.close();
            frame.close();
        }
    }

    /** Destination floats ({@code inputHeight x inputWidth}, one channel) wrapped once. */
    public static final class FloatView implements AutoCloseable {
        final Mat mat;

        public FloatView(PreprocessSpec spec, FloatPointer floats) {
            Natives.opencv();
            if (floats.capacity() != 0 && floats.capacity() - floats.position() < spec.floatsPerImage()) {
                throw new IllegalArgumentException("destination holds " + (floats.capacity() - floats.position())
                        + " floats, the model input needs " + spec.floatsPerImage());
            }
            this.mat = new Mat(spec.inputHeight(), spec.inputWidth(), CV_32FC1, floats);
        }

        @Override
        public void close() {
            mat.close();
        }
    }
}
