package io.sightline.station.ring;

import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;

/**
 * A production line as the ring sees it: its camera's frame size, its preprocessing, and the
 * camera's undistortion (null: the frames are used as they come).
 */
public record LineSetup(int frameWidth, int frameHeight, PreprocessSpec spec, Undistorter undistorter) {
    public LineSetup {
        spec.checkFits(frameWidth, frameHeight);
        if (undistorter != null && (undistorter.width() != frameWidth || undistorter.height() != frameHeight)) {
            throw new IllegalArgumentException("the camera calibration is for " + undistorter.width() + "x" + undistorter.height()
                    + " frames; this line's camera delivers " + frameWidth + "x" + frameHeight + " (re-run calibrate camera at this resolution)");
        }
    }

    public LineSetup(int frameWidth, int frameHeight, PreprocessSpec spec) {
        this(frameWidth, frameHeight, spec, null);
    }

    /**
     * Turns a box in model input pixels ({@code box[0..3]} = x, y, width, height) into frame pixels in
     * place: through the ROI the input was resized from ({@code frameX = roiX + x * roiWidth /
     * inputWidth}, the far edge rounded outwards), clamped to the frame. With undistortion the box is
     * in the undistorted frame's pixels. Allocates nothing.
     *
     * @return false when nothing of the box is left inside the frame
     */
    public boolean inputBoxToFrame(int[] box) {
        return spec.inputBoxToFrame(box, frameWidth, frameHeight);
    }
}
