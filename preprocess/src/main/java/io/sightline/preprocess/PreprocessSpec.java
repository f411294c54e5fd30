package io.sightline.preprocess;

/**
 * What preprocessing does to one camera's frames: crop the region of interest, resize it to the
 * model's input size, and normalise {@code value = (pixel / 255 - normMean) / normStd}; and, where
 * the camera's channels are not the model's, convert them ({@link #converts()}): a colour frame to
 * gray for a gray model (OpenCV's BGR to gray, as training makes gray inputs of colour images), a
 * gray frame replicated to three equal channels for a colour model.
 *
 * @param roiX left edge of the region of interest, in frame pixels
 * @param roiY top edge, in frame pixels
 * @param roiWidth region width in pixels
 * @param roiHeight region height in pixels
 * @param inputWidth model input width
 * @param inputHeight model input height
 * @param normMean mean subtracted after scaling to [0, 1]
 * @param normStd divisor after subtracting the mean
 * @param channels the camera's frames: 1 8-bit gray, 3 8-bit BGR (interleaved)
 * @param inputChannels the model's input: 1 one float per pixel; 3 three floats per pixel, BGR, HWC,
 *                      every channel treated as a gray frame would be
 */
public record PreprocessSpec(int roiX, int roiY, int roiWidth, int roiHeight,
                             int inputWidth, int inputHeight, float normMean, float normStd, int channels, int inputChannels) {

    /** A spec for 8-bit gray frames into a gray model. */
    public PreprocessSpec(int roiX, int roiY, int roiWidth, int roiHeight, int inputWidth, int inputHeight, float normMean,
                          float normStd) {
        this(roiX, roiY, roiWidth, roiHeight, inputWidth, inputHeight, normMean, normStd, 1, 1);
    }

    /** A spec whose model reads the camera's own channels (no conversion). */
    public PreprocessSpec(int roiX, int roiY, int roiWidth, int roiHeight, int inputWidth, int inputHeight, float normMean,
                          float normStd, int channels) {
        this(roiX, roiY, roiWidth, roiHeight, inputWidth, inputHeight, normMean, normStd, channels, channels);
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
        if (inputChannels != 1 && inputChannels != 3) {
            throw new IllegalArgumentException("model input channels must be 1 (gray) or 3 (BGR), got " + inputChannels);
        }
    }

    /** This spec for frames of {@code n} channels (1 gray, 3 BGR) into a model of the same {@code n}. */
    public PreprocessSpec withChannels(int n) {
        return new PreprocessSpec(roiX, roiY, roiWidth, roiHeight, inputWidth, inputHeight, normMean, normStd, n, n);
    }

    /** This spec for the camera's frames of {@code frame} channels into a model of {@code input} channels. */
    public PreprocessSpec withChannels(int frame, int input) {
        return new PreprocessSpec(roiX, roiY, roiWidth, roiHeight, inputWidth, inputHeight, normMean, normStd, frame, input);
    }

    /** Whether the camera's channels differ from the model's: colour converted to gray, or gray replicated to BGR. */
    public boolean converts() {
        return channels != inputChannels;
    }

    /** Checks that the ROI lies inside a frame of the given size. */
    public void checkFits(int frameWidth, int frameHeight) {
        if (roiX + roiWidth > frameWidth || roiY + roiHeight > frameHeight) {
            throw new IllegalArgumentException("ROI " + roiX + "," + roiY + "," + roiWidth + "," + roiHeight
                    + " (x,y,w,h) does not fit inside a " + frameWidth + "x" + frameHeight + " frame");
        }
    }

    /** Floats written per frame: input width x height x the model's input channels. */
    public int floatsPerImage() {
        return inputWidth * inputHeight * inputChannels;
    }

    /** OpenCV {@code convertTo} scale: pixel * alpha + beta == (pixel/255 - mean)/std. */
    float alpha() {
        return 1f / (255f * normStd);
    }

    float beta() {
        return -normMean / normStd;
    }

    /**
     * Turns a box in model input pixels ({@code box[0..3]} = x, y, width, height) into frame pixels in
     * place: through the ROI the input was resized from ({@code frameX = roiX + x * roiWidth /
     * inputWidth}, the far edge rounded outwards), clamped to a frame of the given size. Allocates nothing.
     *
     * @return false when nothing of the box is left inside the frame
     */
    public boolean inputBoxToFrame(int[] box, int frameWidth, int frameHeight) {
        long x0 = roiX + (long) box[0] * roiWidth / inputWidth;
        long y0 = roiY + (long) box[1] * roiHeight / inputHeight;
        long x1 = roiX + ((long) (box[0] + box[2]) * roiWidth + inputWidth - 1) / inputWidth;
        long y1 = roiY + ((long) (box[1] + box[3]) * roiHeight + inputHeight - 1) / inputHeight;
        x0 = Math.max(0, Math.min(frameWidth, x0));
        y0 = Math.max(0, Math.min(frameHeight, y0));
        x1 = Math.max(0, Math.min(frameWidth, x1));
        y1 = Math.max(0, Math.min(frameHeight, y1));
        box[0] = (int) x0;
        box[1] = (int) y0;
        box[2] = (int) (x1 - x0);
        box[3] = (int) (y1 - y0);
        return box[2] > 0 && box[3] > 0;
    }
}
