package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC;

import io.sightline.natives.Natives;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns one 8-bit frame, gray or BGR ({@link PreprocessSpec#channels()}), into the model's input
 * (gray or BGR, {@link PreprocessSpec#inputChannels()}), written straight into caller-owned memory.
 *
 * <pre>
 *   frame (W x H, u8 x C) --ROI view (no copy)--> resize INTER_AREA (u8 x C, inputW x inputH)
 *                         --convertTo(alpha, beta)--> destination floats (the tensor slot, HWC)
 * </pre>
 *
 * <p>Colour (C = 3, CV_8UC3 in, CV_32FC3 out, channels in the frame's BGR order) takes the same
 * steps on the interleaved pixels: OpenCV's area resize and {@code convertTo} treat each channel
 * alone, so every channel of the tensor is what the gray path makes of that channel as a gray frame,
 * which is what training's {@link ImageTensorizer} does channel by channel (tested equal).
 *
 * <p>Where the camera's channels are not the model's ({@link PreprocessSpec#converts()}):
 * <pre>
 *   colour camera, gray model: ROI (u8 x 3) --cvtColor BGR2GRAY--> u8 x 1, ROI size --> the gray steps above
 *   gray camera, colour model: the gray steps up to the resize --cvtColor GRAY2BGR--> u8 x 3 --convertTo--> HWC floats
 * </pre>
 * The first is what training does to a colour image for a gray model ({@link ImageTensorizer}
 * converts with the same {@code COLOR_BGR2GRAY} at the image's own resolution before resizing), so
 * a colour line feeds a gray model the tensor of the gray picture training would have made of its
 * frame. The second gives three equal channels, each the gray path's tensor (replicating after the
 * resize equals replicating before it: resize and normalisation treat each channel alone), as
 * training's {@code COLOR_GRAY2BGR} does with a gray image for a colour model. Both buffers are
 * allocated once with the others.
 *
 * <p>When the ROI is an even whole multiple {@code k > 2} of the input in both directions (the
 * station's default: 768 to 128, k = 6), the area average runs in two steps: halve (OpenCV's
 * vectorised 2x2 path), then shrink by {@code k / 2}. The mean of the 2x2 means is the k x k mean,
 * so the only difference from one step is a second rounding to a gray level (at most 1 gray level in
 * all, against 0.5); it takes 88 µs instead of 165 µs for 768 to 128 on the benchmark machine,
 * where OpenCV has no vectorised path for a factor of 6.
 *
 * <p>One instance per thread. The intermediate image is allocated once; the frame and
 * destination are wrapped by {@link View}s that the caller makes once per buffer (a ring slot, a
 * camera buffer) and reuses, so {@link #process(View, FloatView)} allocates nothing.
 */
public final class Preprocessor implements AutoCloseable {
    private final PreprocessSpec spec;
    private final Mat resized;
    private final Size inputSize;
    /** The halved ROI of the two-step path, or null when the resize runs in one step. */
    private final Mat halved;
    private final Size halvedSize;
    /** Colour camera, gray model: the ROI converted to gray (ROI size); else null. */
    private final Mat grayRoi;
    /** Gray camera, colour model: the resized gray input replicated to BGR; else null. */
    private final Mat replicated;

    public Preprocessor(PreprocessSpec spec) {
        Natives.opencv();
        this.spec = spec;
        // resizing runs on gray pixels whenever one side is gray: converted before it, or replicated after it
        int resizeChannels = spec.converts() ? 1 : spec.channels();
        this.resized = new Mat(spec.inputHeight(), spec.inputWidth(), CV_8UC(resizeChannels));
        this.inputSize = new Size(spec.inputWidth(), spec.inputHeight());
        if (halvesFirst(spec)) {
            this.halvedSize = new Size(spec.roiWidth() / 2, spec.roiHeight() / 2);
            this.halved = new Mat(spec.roiHeight() / 2, spec.roiWidth() / 2, CV_8UC(resizeChannels));
        } else {
            this.halvedSize = null;
            this.halved = null;
        }
        boolean toGray = spec.channels() == 3 && spec.inputChannels() == 1;
        boolean toColour = spec.channels() == 1 && spec.inputChannels() == 3;
        this.grayRoi = toGray ? new Mat(spec.roiHeight(), spec.roiWidth(), CV_8UC(1)) : null;
        this.replicated = toColour ? new Mat(spec.inputHeight(), spec.inputWidth(), CV_8UC(3)) : null;
    }

    /**
     * Whether the ROI is an even whole multiple above 2 of the input, the same in both directions:
     * then the resize runs in two steps (the CUDA kernel follows the same choice).
     */
    public static boolean halvesFirst(PreprocessSpec spec) {
        int w = spec.roiWidth();
        int h = spec.roiHeight();
        if (w % spec.inputWidth() != 0 || h % spec.inputHeight() != 0) return false;
        int k = w / spec.inputWidth();
        return k == h / spec.inputHeight() && k > 2 && k % 2 == 0;
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
        if (dst.channels != spec.inputChannels()) {
            throw new IllegalArgumentException("destination was made for " + dst.channels + " channel(s), the model input has "
                    + spec.inputChannels());
        }
        Mat roi = frame.roi;
        if (grayRoi != null) {
            opencv_imgproc.cvtColor(roi, grayRoi, opencv_imgproc.COLOR_BGR2GRAY);
            roi = grayRoi;
        }
        if (halved != null) {
            opencv_imgproc.resize(roi, halved, halvedSize, 0, 0, opencv_imgproc.INTER_AREA);
            opencv_imgproc.resize(halved, resized, inputSize, 0, 0, opencv_imgproc.INTER_AREA);
        } else {
            opencv_imgproc.resize(roi, resized, inputSize, 0, 0, opencv_imgproc.INTER_AREA);
        }
        if (replicated != null) {
            opencv_imgproc.cvtColor(resized, replicated, opencv_imgproc.COLOR_GRAY2BGR);
            replicated.convertTo(dst.mat, dst.type, spec.alpha(), spec.beta());
        } else {
            resized.convertTo(dst.mat, dst.type, spec.alpha(), spec.beta());
        }
    }

    @Override
    public void close() {
        resized.close();
        inputSize.close();
        if (halved != null) {
            halved.close();
            halvedSize.close();
        }
        if (grayRoi != null) grayRoi.close();
        if (replicated != null) replicated.close();
    }

    /**
     * A frame buffer seen through this spec's ROI: made once per buffer, reused for every frame
     * that lands in it.
     */
    public static final class View implements AutoCloseable {
        final PreprocessSpec spec;
        /** The whole frame (undistortion reads it). */
        final Mat frame;
        final Mat roi;
        private final Rect rect;

        /**
         * @param pixels 8-bit pixels of {@code spec.channels()} channels (gray, or BGR interleaved), row-major,
         *               {@code stride} bytes per row
         */
        public View(PreprocessSpec spec, BytePointer pixels, int width, int height, int stride) {
            Natives.opencv();
            spec.checkFits(width, height);
            if (stride < width * spec.channels()) {
                throw new IllegalArgumentException("row stride " + stride + " is smaller than the width " + width + " x "
                        + spec.channels() + " channel(s)");
            }
            this.spec = spec;
            this.frame = new Mat(height, width, CV_8UC(spec.channels()), pixels, stride);
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

    /** Destination floats ({@code inputHeight x inputWidth x inputChannels}, HWC) wrapped once. */
    public static final class FloatView implements AutoCloseable {
        final Mat mat;
        final int channels;
        /** CV_32FC1 or CV_32FC3, read once (not through JNI per frame). */
        final int type;

        public FloatView(PreprocessSpec spec, FloatPointer floats) {
            Natives.opencv();
            if (floats.capacity() != 0 && floats.capacity() - floats.position() < spec.floatsPerImage()) {
                throw new IllegalArgumentException("destination holds " + (floats.capacity() - floats.position())
                        + " floats, the model input needs " + spec.floatsPerImage());
            }
            this.channels = spec.inputChannels();
            this.type = CV_32FC(spec.inputChannels());
            this.mat = new Mat(spec.inputHeight(), spec.inputWidth(), type, floats);
        }

        @Override
        public void close() {
            mat.close();
        }
    }
}
