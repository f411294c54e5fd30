package io.sightline.station.ring;

import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;

/**
 * A production line as the ring sees it: its camera's frame size, its preprocessing (whose
 * {@link PreprocessSpec#channels()} are the camera's: 1 gray, 3 BGR; its
 * {@link PreprocessSpec#inputChannels()} the model's), and the camera's undistortion (null: the
 * frames are used as they come). The ring's pixel areas, reject images and dashboard frames hold
 * the camera's channels.
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

    /** Bytes of one frame: width x height x channels. */
    public int frameBytes() {
        return frameWidth * frameHeight * spec.channels();
    }

    /** Bytes per frame row: width x channels. */
    public int stride() {
        return frameWidth * spec.channels();
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
