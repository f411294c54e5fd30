package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * The image-to-tensor strategy of training and evaluation: an image file becomes exactly the
 * tensor the station would make of the same picture taken by its camera.
 *
 * <pre>
 *   file --imdecode (unchanged)--> u8 or u16, 1/3/4 channels
 *        --to the model's channels (gray, or BGR), u16 scaled to u8-->
 *        --canonical orientation: turned 90 degrees when its long side lies across the input's-->
 *        --fit: padded (mirrored border) to the input's aspect ratio when it differs by more than 5%-->
 *        --the station's {@link Preprocessor}, ROI = the whole image, per channel-->
 *        INTER_AREA resize to inputW x inputH (halving first where the station does),
 *        normalise (p/255 - mean)/std --> HWC floats
 * </pre>
 *
 * <p>Strategy "fit": every image keeps its own proportions. A dataset of one part photographed
 * portrait and landscape, or cropped to different sizes, would otherwise be squashed by a
 * different amount in each image, and a round pit becomes an ellipse of a different shape in
 * each; turned to one orientation and padded to one aspect ratio, one part looks the same in
 * every tensor, which is what a fixed station camera delivers. The padding mirrors the image's
 * border, so it carries no edge the CNN could learn as a cue. An image whose aspect ratio is within
 * {@value #ASPECT_TOLERANCE} of the input's is resized as it is (the station's camera case).
 *
 * <p>The whole image is then area-averaged to the input size. Small defects stay
 * visible as long as the downscale factor keeps them a few input pixels wide; the CNN's global
 * max pooling (see the inference module) then lets one small bright response decide the image.
 * Colour images are processed one channel at a time by the same gray code path, then
 * interleaved, so a colour tensor's every channel is what a gray camera of that channel would
 * give.
 *
 * <p>One instance per thread; it holds native scratch memory until {@link #close()}.
 */
public final class ImageTensorizer implements AutoCloseable {
    /** What a decoded file looked like before conversion: for the dataset summary. */
    public record SourceImage(int width, int height, int channels, int bitsPerChannel) {}

    /** A file that cannot be decoded as an image, or has a pixel format the station cannot use. */
    public static final class UnreadableImageException extends Exception {
        public UnreadableImageException(String message) {
            super(message);
        }
    }

    /** Relative aspect-ratio difference up to which an image is resized without padding. */
    public static final double ASPECT_TOLERANCE = 0.05;

    private final int inputWidth;
    private final int inputHeight;
    private final int channels;
    private final float normMean;
    private final float normStd;
    private final NativeBuffer[] planes;
    private final Preprocessor.FloatView[] planeViews;
    private final NativeBuffer interleaved;
    private final Mat interleavedMat;
    private Preprocessor preprocessor;

    /**
     * @param channels 1 (gray) or 3 (BGR, OpenCV's order)
     */
    public ImageTensorizer(int inputWidth, int inputHeight, int channels, float normMean, float normStd) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image channels must be 1 (gray) or 3 (colour), got " + channels);
        }
        Natives.opencv();
        PreprocessSpec probe = new PreprocessSpec(0, 0, inputWidth, inputHeight, inputWidth, inputHeight, normMean, normStd);
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.channels = channels;
        this.normMean = normMean;
        this.normStd = normStd;
        int plane = probe.floatsPerImage();
        this.planes = new NativeBuffer[channels];
        this.planeViews = new Preprocessor.FloatView[channels];
        for (int c = 0; c < channels; c++) {
            planes[c] = NativeBuffer.allocateFloats(plane);
            planeViews[c] = new Preprocessor.FloatView(probe, planes[c].floats());
        }
        this.interleaved = NativeBuffer.allocateFloats((long) plane * channels);
        this.interleavedMat = new Mat(inputHeight, inputWidth, channels == 1 ? CV_32FC1 : CV_32FC3, interleaved.floats());
    }

    public int floatsPerImage() {
        return inputWidth * inputHeight * channels;
    }

    public int channels() {
        return channels;
    }

    /**
     * Reads {@code file} and writes its tensor into {@code dst} from index 0.
     *
     * @return what the file held before conversion
     * @throws UnreadableImageException naming the file when it cannot be decoded (corrupt,
     *     truncated, not an image) or has an unsupported pixel format
     */
    public SourceImage load(Path file, float[] dst) throws UnreadableImageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableImageException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        if (bytes.length == 0) throw new UnreadableImageException(file + ": empty file, not an image");
        try (BytePointer data = new BytePointer(bytes);
             Mat encoded = new Mat(1, bytes.length, CV_8UC1, data);
             Mat decoded = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_UNCHANGED)) {
            if (decoded == null || decoded.empty()) {
                throw new UnreadableImageException(file + ": not a readable image (corrupt, truncated or an unsupported format)");
            }
            SourceImage source = new SourceImage(decoded.cols(), decoded.rows(), decoded.channels(),
                    decoded.depth() == CV_16U ? 16 : 8);
            if (decoded.depth() != CV_8U && decoded.depth() != CV_16U) {
                throw new UnreadableImageException(file + ": pixel depth " + decoded.depth()
                        + " is not supported (expected 8 or 16 bits per channel)");
            }
            if (source.channels() != 1 && source.channels() != 3 && source.channels() != 4) {
                throw new UnreadableImageException(file + ": " + source.channels()
                        + " channels are not supported (expected gray, BGR or BGRA)");
            }
            try (Mat converted = toModelChannels(decoded)) {
                tensorize(converted, dst);
            }
            return source;
        }
    }

    /**
     * Writes the tensor of an 8-bit image that already has the model's channels (gray, or BGR)
     * into {@code dst}: what {@link #load} does after decoding.
     */
    public void tensorize(Mat image, float[] dst) {
        if (image.depth() != CV_8U || image.channels() != channels) {
            throw new IllegalArgumentException("expected an 8-bit image with " + channels + " channel(s), got depth "
                    + image.depth() + " with " + image.channels());
        }
        if (dst.length < floatsPerImage()) {
            throw new IllegalArgumentException("destination holds " + dst.length + " floats, the tensor needs " + floatsPerImage());
        }
        Mat fitted = fit(image);
        try {
            Preprocessor pre = preprocessorFor(fitted.cols(), fitted.rows());
            if (channels == 1) {
                runPlane(pre, fitted, 0);
                planes[0].floats().position(0).get(dst, 0, floatsPerImage());
                return;
            }
            try (MatVector split = new MatVector()) {
                opencv_core.split(fitted, split);
                for (int c = 0; c < channels; c++) runPlane(pre, split.get(c), c);
            }
        } finally {
            if (fitted != image) fitted.close();
        }
        int plane = inputWidth * inputHeight;
        try (MatVector merged = new MatVector(channels)) {
            for (int c = 0; c < channels; c++) merged.put(c, planeViews[c].mat);
            opencv_core.merge(merged, interleavedMat);
        }
        interleaved.floats().position(0).get(dst, 0, plane * channels);
    }

    /**
     * The image in the input's orientation and aspect ratio: {@code image} itself when both
     * already match, else a new Mat (turned, and padded with a mirrored border).
     */
    Mat fit(Mat image) {
        Mat turned = image;
        if (needsTurn(image.cols(), image.rows(), inputWidth, inputHeight)) {
            turned = new Mat();
            opencv_core.rotate(image, turned, opencv_core.ROTATE_90_CLOCKWISE);
        }
        int[] padded = paddedSize(turned.cols(), turned.rows(), inputWidth, inputHeight);
        if (padded[0] == turned.cols() && padded[1] == turned.rows()) return turned;
        Mat out = new Mat();
        int left = (padded[0] - turned.cols()) / 2;
        int top = (padded[1] - turned.rows()) / 2;
        opencv_core.copyMakeBorder(turned, out, top, padded[1] - turned.rows() - top, left,
                padded[0] - turned.cols() - left, opencv_core.BORDER_REFLECT_101);
        if (turned != image) turned.close();
        return out;
    }

    /**
     * Whether an image is turned to the input's orientation: when the input is not square, the
     * image is clearly (by more than the tolerance) portrait where the input is landscape, or the
     * other way round.
     */
    public static boolean needsTurn(int width, int height, int inputWidth, int inputHeight) {
        if (inputWidth == inputHeight) return false;
        boolean inputLandscape = inputWidth > inputHeight;
        double aspect = (double) width / height;
        return inputLandscape ? aspect < 1 - ASPECT_TOLERANCE : aspect > 1 + ASPECT_TOLERANCE;
    }

    /**
     * The size an image (already in the input's orientation) is padded to so that its aspect ratio
     * is the input's: the image's own size when they are within {@link #ASPECT_TOLERANCE}.
     */
    public static int[] paddedSize(int width, int height, int inputWidth, int inputHeight) {
        double target = (double) inputWidth / inputHeight;
        double aspect = (double) width / height;
        if (Math.abs(aspect / target - 1) <= ASPECT_TOLERANCE) return new int[] {width, height};
        if (aspect < target) return new int[] {(int) Math.round(height * target), height};
        return new int[] {width, (int) Math.round(width / target)};
    }

    private void runPlane(Preprocessor pre, Mat plane, int c) {
        Mat continuous = plane.isContinuous() ? plane : plane.clone();
        try (Preprocessor.View view = new Preprocessor.View(pre.spec(), continuous.data(), continuous.cols(),
                continuous.rows(), (int) continuous.step())) {
            pre.process(view, planeViews[c]);
        } finally {
            if (continuous != plane) continuous.close();
        }
    }

    private Mat toModelChannels(Mat decoded) {
        Mat eightBit = decoded;
        if (decoded.depth() == CV_16U) {
            eightBit = new Mat();
            decoded.convertTo(eightBit, CV_8U, 1.0 / 257.0, 0);
        }
        try {
            int have = eightBit.channels();
            Mat out = new Mat();
            if (channels == 1) {
                if (have == 1) eightBit.copyTo(out);
                else opencv_imgproc.cvtColor(eightBit, out, have == 4 ? opencv_imgproc.COLOR_BGRA2GRAY : opencv_imgproc.COLOR_BGR2GRAY);
            } else {
                if (have == 3) eightBit.copyTo(out);
                else opencv_imgproc.cvtColor(eightBit, out, have == 4 ? opencv_imgproc.COLOR_BGRA2BGR : opencv_imgproc.COLOR_GRAY2BGR);
            }
            return out;
        } finally {
            if (eightBit != decoded) eightBit.close();
        }
    }

    /** The station's preprocessing for a frame of this size with the ROI on the whole frame. */
    private Preprocessor preprocessorFor(int width, int height) {
        PreprocessSpec spec = fullFrameSpec(width, height, inputWidth, inputHeight, normMean, normStd);
        if (preprocessor == null || !preprocessor.spec().equals(spec)) {
            if (preprocessor != null) preprocessor.close();
            preprocessor = new Preprocessor(spec);
        }
        return preprocessor;
    }

    /** The spec the station uses for a camera whose ROI is the whole frame. */
    public static PreprocessSpec fullFrameSpec(int frameWidth, int frameHeight, int inputWidth, int inputHeight,
                                               float normMean, float normStd) {
        return new PreprocessSpec(0, 0, frameWidth, frameHeight, inputWidth, inputHeight, normMean, normStd);
    }

    @Override
    public void close() {
        if (preprocessor != null) preprocessor.close();
        for (Preprocessor.FloatView v : planeViews) if (v != null) v.close();
        interleavedMat.close();
        interleaved.close();
        for (NativeBuffer b : planes) if (b != null) b.close();
    }
}
