package io.sightline.station;

import io.sightline.preprocess.PreprocessSpec;

/** A production line as the ring sees it: its camera's frame size and its preprocessing. */
record LineSetup(int frameWidth, int frameHeight, PreprocessSpec spec) {
    LineSetup {
        spec.checkFits(frameWidth, frameHeight);
    }
}
