package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.RNG;

/**
 * Seeded standard normal noise, filled by OpenCV's RNG straight into a Mat: the texture source of
 * the synthetic scene (belt grain, sensor noise, brushing). The same seed and the same sequence of
 * fills give the same values.
 */
final class NormalNoise {
    private final Mat mean;
    private final Mat std;
    private final RNG rng;

    NormalNoise(long seed, NativeScope natives) {
        this.mean = natives.own(new Mat(1, 1, CV_64FC1));
        this.std = natives.own(new Mat(1, 1, CV_64FC1));
        new DoublePointer(mean.data()).put(0, 0.0);
        new DoublePointer(std.data()).put(0, 1.0);
        this.rng = natives.own(new RNG(seed));
    }

    /** Fills {@code target} with N(0, 1). */
    void fill(Mat target) {
        rng._fill(target, RNG.NORMAL, mean, std);
    }
}
