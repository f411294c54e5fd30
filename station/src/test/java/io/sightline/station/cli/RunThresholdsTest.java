package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thresholds run applies at the start and on every SIGHUP: a line's own, else the calibration's, else decision.threshold. */
class RunThresholdsTest {
    private static StationFile file(Path dir, String decision, String line1) throws Exception {
        Path home = Path.of(System.getProperty("sightline.home", ".")).toAbsolutePath();
        Path frames = Files.createDirectories(dir.resolve("frames"));
        String text = """
                model: %s
                lines:
                  - views:
                      - source: folder:%s
                  - views:
                      - source: folder:%s
                    threshold: %s
                decision:
                  threshold: %s
                """.formatted(home.resolve("models/default"), frames, frames, line1, decision);
        return StationFileReader.parse(text, dir.resolve("station.yaml"));
    }

    @Test
    void aCalibratedThresholdStaysInForceAcrossReloadsUnlessALineSetsItsOwn(@TempDir Path dir) throws Exception {
        CalibrationSettings calibrated = new CalibrationSettings(dir.resolve("cal.yaml"), 0.37f, null, null, null);
        assertArrayEquals(new float[] {0.37f, 0.8f}, StationLauncher.thresholds(file(dir, "0.5", "0.8"), calibrated));
        // a reload that changes decision.threshold does not undo the calibration; a line's own still wins
        assertArrayEquals(new float[] {0.37f, 0.6f}, StationLauncher.thresholds(file(dir, "0.9", "0.6"), calibrated));
        assertArrayEquals(new float[] {0.9f, 0.6f}, StationLauncher.thresholds(file(dir, "0.9", "0.6"), null), "no calibration: the file's");
        CalibrationSettings noThreshold = new CalibrationSettings(dir.resolve("cal.yaml"), null, null, 150L, null);
        assertArrayEquals(new float[] {0.9f, 0.6f}, StationLauncher.thresholds(file(dir, "0.9", "0.6"), noThreshold));
    }
}
