package io.sightline.preprocess;

/**
 * What preprocessing does to one camera's frames: crop the region of interest, resize it to the
 * model's input size, and normalise {@code value = (pixel / 255 - normMean) / normStd}.
 *
 * @param roiX left edge of the region of interest, in frame pixels
 * @param roiY top edge, in frame pixels
 * @param roiWidth region width in pixels
 * @param roiHeight region height in pixels
 * @param inputWidth model input width
 * @param inputHeight model input height
 * @param normMean mean subtracted after scaling to [0, 1]
 * @param normStd divisor after subtracting the mean
 */
public record PreprocessSpec(int roiX, int roiY, int roiWidth, int roiHeight,
                             int inputWidth, int inputHeight, float normMean, float normStd) {

    public PreprocessSpec {
        if (roiX < 0 || roiY < 0 || roiWidth <= 0 || roiHeight <= 0) {
            throw new IllegalArgumentException("ROI must have x,y >= 0 and positive size, got "
                    + roiX + "," + roiY + "," + roiWidth + "," + roiHeight);
        }
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException("model input size must be positive, got " + inputWidth + "x" + inputHeight);
        }
        if (!(normStd > 0) || !Float.isFinite(normMean)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and std > 0, got mean "
                    + normMean + ", std " + normStd);
        }
    }

    /** Checks that the ROI lies inside a frame of the given size. */
    public void checkFits(int frameWidth, int frameHeight) {
        if (roiX + roiWidth > frameWidth || roiY + roiHeight > frameHeight) {
            throw new IllegalArgumentException("ROI " + roiX + "," + roiY + "," + roiWidth + "," + roiHeight
                    + " (x,y,w,h) does not fit inside a " + frameWidth + "x" + frameHeight + " frame");
        }
    }

    /** Floats written per frame (one gray channel). */
    public int floatsPerImage() {
        return inputWidth * inputHeight;
    }

    /** OpenCV {@code convertTo} scale: pixel * alpha + beta == (pixel/255 - mean)/std. */
    float alpha() {
        return 1f / (255f * normStd);
    }

    float beta() {
        return -normMean / normStd;
    }
}
