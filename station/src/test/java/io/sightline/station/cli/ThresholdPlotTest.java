package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.calibration.ThresholdCalibration;
import io.sightline.natives.Natives;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdPlotTest {
    @Test
    void theRocAndTheRatesAreDrawnSideBySide(@TempDir Path tmp) throws Exception {
        float[] good = new float[200];
        float[] bad = new float[100];
        for (int i = 0; i < good.length; i++) good[i] = (float) Math.pow(i / 200.0, 3);
        for (int i = 0; i < bad.length; i++) bad[i] = (float) (0.3 + 0.7 * Math.sqrt(i / 100.0));
        ThresholdCalibration.OperatingPoint p = ThresholdCalibration.choose(good, bad, 0.05);
        Path png = tmp.resolve("threshold.png");
        CalibrateCommand.Threshold.plot(png, good, bad, p, 0.05);
        Natives.opencv();
        try (Mat img = opencv_imgcodecs.imread(png.toString())) {
            assertFalse(img.empty());
            assertEquals(1280, img.cols(), "two 640 px charts side by side");
            assertEquals(480, img.rows());
        }
    }
}
