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
 * @param channels 1: 8-bit gray frames to one float per pixel; 3: 8-bit BGR frames (interleaved) to
 *                 three floats per pixel, BGR, HWC, every channel treated as a gray frame would be
 */
public record PreprocessSpec(int roiX, int roiY, int roiWidth, int roiHeight,
                             int inputWidth, int inputHeight, float normMean, float normStd, int channels) {

    /** A spec for 8-bit gray frames. */
    public PreprocessSpec(int roiX, int roiY, int roiWidth, int roiHeight, int inputWidth, int inputHeight, float normMean,
                          float normStd) {
        this(roiX, roiY, roiWidth, roiHeight, inputWidth, inputHeight, normMean, normStd, 1);
    }

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
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (8-bit gray) or 3 (8-bit BGR), got " + channels);
        }
    }

    /** This spec for frames of {@code n} channels (1 gray, 3 BGR). */
    public PreprocessSpec withChannels(int n) {
        return new PreprocessSpec(roiX, roiY, roiWidth, roiHeight, inputWidth, inputHeight, normMean, normStd, n);
    }

    /** Checks that the ROI lies inside a frame of the given size. */
    public void checkFits(int frameWidth, int frameHeight) {
        if (roiX + roiWidth > frameWidth || roiY + roiHeight > frameHeight) {
            throw new IllegalArgumentException("ROI " + roiX + "," + roiY + "," + roiWidth + "," + roiHeight
                    + " (x,y,w,h) does not fit inside a " + frameWidth + "x" + frameHeight + " frame");
        }
    }

    /** Floats written per frame: input width x height x channels. */
    public int floatsPerImage() {
        return inputWidth * inputHeight * channels;
    }

    /** OpenCV {@code convertTo} scale: pixel * alpha + beta == (pixel/255 - mean)/std. */
    float alpha() {
        return 1f / (255f * normStd);
    }

    float beta() {
        return -normMean / normStd;
    }
}
