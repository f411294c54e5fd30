package io.sightline.station;

import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;

/**
 * A production line as the ring sees it: its camera's frame size, its preprocessing, and the
 * camera's undistortion (null: the frames are used as they come).
 */
record LineSetup(int frameWidth, int frameHeight, PreprocessSpec spec, Undistorter undistorter) {
    LineSetup {
        spec.checkFits(frameWidth, frameHeight);
        if (undistorter != null && (undistorter.width() != frameWidth || undistorter.height() != frameHeight)) {
            throw new IllegalArgumentException("the camera calibration is for " + undistorter.width() + "x" + undistorter.height()
                    + " frames; this line's camera delivers " + frameWidth + "x" + frameHeight + " (re-run calibrate camera at this resolution)");
        }
    }

    LineSetup(int frameWidth, int frameHeight, PreprocessSpec spec) {
        this(frameWidth, frameHeight, spec, null);
    }
}
