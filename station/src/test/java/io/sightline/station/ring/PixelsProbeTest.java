package io.sightline.station.ring;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.ReplaySource;
import io.sightline.capture.SyntheticPartCamera;
import org.junit.jupiter.api.Test;

/** The capture benchmark's door ({@link StageProbes.Pixels}) does what a camera thread does with a frame's pixels. */
class PixelsProbeTest {
    @Test
    void aStableFrameIsHandedOverAndOthersAreCopied() throws Exception {
        try (SyntheticPartCamera camera = new SyntheticPartCamera("probe", SyntheticPartCamera.Options.defaults().withSize(160, 128));
             ReplaySource replay = ReplaySource.record("replay", camera, 3);
             StageProbes.Pixels handing = new StageProbes.Pixels(160, 128, 4, true);
             StageProbes.Pixels copying = new StageProbes.Pixels(160, 128, 4, false)) {
            for (int i = 0; i < 7; i++) {
                CapturedFrame f = replay.grab();
                assertTrue(handing.put(f), "frame " + i + " handed over");
                assertFalse(copying.put(f), "frame " + i + " copied");
            }
        }
    }
}
