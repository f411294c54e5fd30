package io.sightline.preprocess.cuda;

import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;

/**
 * The kernel's scalar arguments for one {@link PreprocessSpec}, computed once in Java so that the
 * CUDA kernel and {@link PreprocessArithmetic} use the very same float constants.
 *
 * <p>Only integer shrink factors are supported: OpenCV's INTER_AREA then takes its "fast" path
 * (an exact box mean), which the kernel reproduces bit for bit. A fractional factor uses OpenCV's
 * general area resampling with float weights, which the kernel does not implement.
 *
 * @param kx ROI width / input width
 * @param ky ROI height / input height
 * @param twoStep halve first (2x2, OpenCV's vector path), then shrink by kx/2 x ky/2, as
 *     {@link Preprocessor#halvesFirst} decides for the CPU path
 * @param areaScale OpenCV's {@code 1.f / area} of the (last) box step
 * @param alpha {@code 1 / (255 std)}, as {@code convertTo} gets it
 * @param beta {@code -mean / std}
 */
public record KernelPlan(int kx, int ky, boolean twoStep, float areaScale, float alpha, float beta) {

    /** @throws IllegalArgumentException when the ROI is not a whole multiple of the input in both directions */
    public static KernelPlan of(PreprocessSpec spec) {
        if (spec.roiWidth() % spec.inputWidth() != 0 || spec.roiHeight() % spec.inputHeight() != 0) {
            throw new IllegalArgumentException("CUDA preprocessing supports only whole-number shrink factors; the ROI "
                    + spec.roiWidth() + "x" + spec.roiHeight() + " is not a whole multiple of the model input "
                    + spec.inputWidth() + "x" + spec.inputHeight() + " (use the CPU preprocessing, or a ROI that is)");
        }
        int kx = spec.roiWidth() / spec.inputWidth();
        int ky = spec.roiHeight() / spec.inputHeight();
        boolean twoStep = Preprocessor.halvesFirst(spec);
        int area = twoStep ? (kx / 2) * (ky / 2) : kx * ky;
        // the same float expressions as PreprocessSpec.alpha()/beta() and OpenCV's resizeAreaFast_ scale
        return new KernelPlan(kx, ky, twoStep, 1.f / area, 1f / (255f * spec.normStd()), -spec.normMean() / spec.normStd());
    }
}
