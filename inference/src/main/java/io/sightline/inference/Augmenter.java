package io.sightline.inference;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;

import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.RNG;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Training-time augmentation with OpenCV, seeded by the trainer's {@link Random}:
 *
 * <pre>
 *   image (HWC floats, normalised) --mirror left-right / top-bottom / transpose (square inputs)-->
 *     --warpAffine: rotation within +-maxRotationDeg, shift within +-maxShift of the size,
 *       reflected borders, bilinear-->
 *     --contrast x(1 +- maxContrast) about the normalisation mean, brightness +- maxBrightness of full scale-->
 *     --gaussian noise, sigma up to maxNoise of full scale--> batch row
 * </pre>
 *
 * <p>Every parameter is drawn from the given {@link Random}, and the noise comes from an OpenCV
 * {@link RNG} seeded from it, so the same seed gives the same augmented images. The amounts are
 * small on purpose: a defect must stay a defect (a 5 degree turn, a 4% shift, a few gray levels).
 * Not thread-safe; one per training loop.
 */
public final class Augmenter implements Trainer.Augmentation, AutoCloseable {
    /**
     * @param flips mirror (and transpose square images) at random
     * @param maxRotationDeg largest rotation either way
     * @param maxShift largest shift, as a fraction of the width and height
     * @param maxContrast largest relative contrast change
     * @param maxBrightness largest brightness change, as a fraction of full scale (255 levels)
     * @param maxNoise largest noise sigma, as a fraction of full scale
     */
    public record Settings(boolean flips, float maxRotationDeg, float maxShift, float maxContrast, float maxBrightness,
                           float maxNoise) {
        public Settings {
            if (maxRotationDeg < 0 || maxRotationDeg > 45 || maxShift < 0 || maxShift > 0.25f || maxContrast < 0
                    || maxContrast > 0.5f || maxBrightness < 0 || maxBrightness > 0.5f || maxNoise < 0 || maxNoise > 0.2f) {
                throw new IllegalArgumentException("augmentation out of range: " + this
                        + " (rotation <= 45 deg, shift <= 0.25, contrast <= 0.5, brightness <= 0.5, noise <= 0.2)");
            }
        }

        /** Mirrors, 5 degrees, 4% shift, 15% contrast, 8% brightness, 2% noise. */
        public static Settings defaults() {
            return new Settings(true, 5f, 0.04f, 0.15f, 0.08f, 0.02f);
        }

        /** Mirrors only. */
        public static Settings flipsOnly() {
            return new Settings(true, 0, 0, 0, 0, 0);
        }
    }

    private final int width;
    private final int height;
    private final int channels;
    private final float normStd;
    private final Settings settings;
    private final float[] flipped;
    private final NativeBuffer srcBuffer;
    private final NativeBuffer dstBuffer;
    private final NativeBuffer noiseBuffer;
    private final Mat src;
    private final Mat dst;
    private final Mat noise;
    private final Mat noiseMean;
    private final Mat noiseStd;
    private final Size size;
    private final Point2f centre;
    private final Scalar borderValue;

    public Augmenter(int width, int height, int channels, float normStd, Settings settings) {
        Natives.opencv();
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.normStd = normStd;
        this.settings = settings;
        int floats = width * height * channels;
        this.flipped = new float[floats];
        int type = channels == 1 ? CV_32FC1 : channels == 3 ? CV_32FC3 : -1;
        if (type < 0) throw new IllegalArgumentException("augmentation needs 1 or 3 channels, got " + channels);
        this.srcBuffer = NativeBuffer.allocateFloats(floats);
        this.dstBuffer = NativeBuffer.allocateFloats(floats);
        this.noiseBuffer = NativeBuffer.allocateFloats(floats);
        this.src = new Mat(height, width, type, srcBuffer.floats());
        this.dst = new Mat(height, width, type, dstBuffer.floats());
        this.noise = new Mat(height, width, type, noiseBuffer.floats());
        this.noiseMean = new Mat(1, 1, CV_64FC1);
        this.noiseStd = new Mat(1, 1, CV_64FC1);
        new DoublePointer(noiseMean.data()).put(0, 0.0);
        this.size = new Size(width, height);
        this.centre = new Point2f((width - 1) / 2f, (height - 1) / 2f);
        this.borderValue = new Scalar(0.0);
    }

    @Override
    public void apply(float[] image, float[] batch, int offset, Random random) {
        float[] in = image;
        if (settings.flips()) {
            Symmetries.apply(image, flipped, 0, width, height, channels, random.nextInt(width == height ? 8 : 4));
            in = flipped;
        }
        float angle = uniform(random, settings.maxRotationDeg());
        float dx = uniform(random, settings.maxShift()) * width;
        float dy = uniform(random, settings.maxShift()) * height;
        float contrast = 1f + uniform(random, settings.maxContrast());
        float brightness = uniform(random, settings.maxBrightness()) / normStd;
        float sigma = random.nextFloat() * settings.maxNoise() / normStd;
        long noiseSeed = random.nextLong() | 1L;
        boolean geometric = angle != 0 || dx != 0 || dy != 0;
        boolean photometric = contrast != 1f || brightness != 0f;
        if (!geometric && !photometric && sigma == 0f) {
            System.arraycopy(in, 0, batch, offset, in.length);
            return;
        }
        srcBuffer.floats().position(0).put(in, 0, in.length);
        Mat out = src;
        if (geometric) {
            try (Mat m = opencv_imgproc.getRotationMatrix2D(centre, angle, 1.0)) {
                DoublePointer p = new DoublePointer(m.data());
                p.put(2, p.get(2) + dx);
                p.put(5, p.get(5) + dy);
                opencv_imgproc.warpAffine(src, dst, m, size, opencv_imgproc.INTER_LINEAR, opencv_core.BORDER_REFLECT_101,
                        borderValue);
            }
            out = dst;
        }
        if (photometric) out.convertTo(out, -1, contrast, brightness);
        if (sigma > 0f) {
            new DoublePointer(noiseStd.data()).put(0, sigma);
            try (RNG rng = new RNG(noiseSeed)) {
                rng._fill(noise, RNG.NORMAL, noiseMean, noiseStd);
            }
            opencv_core.add(out, noise, out);
        }
        (out == src ? srcBuffer : dstBuffer).floats().position(0).get(batch, offset, in.length);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "OpenCV, per sample and step: %s, rotation +-%.1f deg, shift +-%.0f%%, "
                        + "contrast +-%.0f%%, brightness +-%.0f%% of full scale, gaussian noise sigma up to %.0f%% of full scale",
                settings.flips() ? (width == height ? "the 8 mirrors/transposes of the square" : "random left-right and top-bottom mirror")
                        : "no mirrors", settings.maxRotationDeg(), settings.maxShift() * 100, settings.maxContrast() * 100,
                settings.maxBrightness() * 100, settings.maxNoise() * 100);
    }

    private static float uniform(Random random, float max) {
        return max == 0 ? 0 : (random.nextFloat() * 2 - 1) * max;
    }

    @Override
    public void close() {
        src.close();
        dst.close();
        noise.close();
        noiseMean.close();
        noiseStd.close();
        size.close();
        centre.close();
        borderValue.close();
        srcBuffer.close();
        dstBuffer.close();
        noiseBuffer.close();
    }

    /** The mirrors and (for square images) transposes of an HWC image. */
    static final class Symmetries {
        private Symmetries() {}

        /**
         * Bit 0: mirror left-right, bit 1: mirror top-bottom, bit 2: transpose (square images only).
         */
        static void apply(float[] image, float[] out, int offset, int w, int h, int c, int symmetry) {
            if (symmetry == 0) {
                System.arraycopy(image, 0, out, offset, w * h * c);
                return;
            }
            boolean mirrorX = (symmetry & 1) != 0;
            boolean mirrorY = (symmetry & 2) != 0;
            boolean transpose = (symmetry & 4) != 0;
            if (transpose && w != h) throw new IllegalArgumentException("transpose needs a square image, got " + w + "x" + h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = mirrorX ? w - 1 - x : x;
                    int sy = mirrorY ? h - 1 - y : y;
                    int from = transpose ? (sx * w + sy) * c : (sy * w + sx) * c;
                    System.arraycopy(image, from, out, offset + (y * w + x) * c, c);
                }
            }
        }
    }
}
