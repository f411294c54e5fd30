package io.sightline.calibration;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThresholdAndFileTest {
    @Test
    void clopperPearsonMatchesKnownValues() {
        // k = 0: 1 - 0.05^(1/n) exactly
        assertEquals(1 - Math.pow(0.05, 1.0 / 59), ThresholdCalibration.upperBound(0, 59), 1e-9);
        assertEquals(1 - Math.pow(0.05, 1.0 / 300), ThresholdCalibration.upperBound(0, 300), 1e-9);
        // k = 1, n = 100: the one-sided 95% bound is 0.04656 (tables)
        assertEquals(0.04656, ThresholdCalibration.upperBound(1, 100), 1e-4);
        assertEquals(1.0, ThresholdCalibration.upperBound(5, 5));
    }

    @Test
    void theThresholdMeetsTheTargetWithTheFewestFalseRejects() {
        // 100 defective parts scored 0.50..0.99 (step 0.005), 10 good parts at 0.05..0.95
        float[] bad = new float[100];
        for (int i = 0; i < 100; i++) bad[i] = 0.50f + 0.005f * i;
        float[] good = {0.05f, 0.15f, 0.25f, 0.35f, 0.45f, 0.55f, 0.65f, 0.75f, 0.85f, 0.95f};
        // target 0.03: up to 3 escapes allowed -> the threshold is the 4th lowest defect score, 0.515
        ThresholdCalibration.OperatingPoint p = ThresholdCalibration.choose(good, bad, 0.03);
        assertEquals(0.515f, p.threshold(), 1e-6f);
        assertEquals(3, p.escapes());
        assertEquals(0.03, p.escapeRate(), 1e-12);
        // good parts at or above 0.515: 0.55 .. 0.95 -> 5 of 10
        assertEquals(5, p.falseRejects());
        assertEquals(0.5, p.falseRejectRate(), 1e-12);
        assertEquals(ThresholdCalibration.upperBound(3, 100), p.escapeUpper(), 1e-12);
    }

    @Test
    void targetsTheDataCannotSupportAreRefusedWithWhatItWouldTake() {
        float[] bad = new float[70];
        java.util.Arrays.fill(bad, 0.9f);
        var e = assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.choose(new float[] {0.1f}, bad, 0.01));
        assertTrue(e.getMessage().contains("70 defective samples") && e.getMessage().contains("at least 299"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.choose(new float[] {0.1f}, bad, 0));
        assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.choose(new float[] {0.1f}, bad, 1.0));
        assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.choose(new float[0], bad, 0.1));
    }

    @Test
    void updatingOneSectionKeepsTheOthersAndABackup(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("calibration.yaml");
        CalibrationFile.update(file, "timing", Map.of("mode", "time", "rejectDelayMillis", 700));
        CalibrationFile.update(file, "threshold", Map.of("threshold", 0.25));
        assertEquals(700, ((Number) CalibrationFile.section(file, "timing").get("rejectDelayMillis")).intValue());
        assertEquals(0.25, ((Number) CalibrationFile.section(file, "threshold").get("threshold")).doubleValue());
        assertTrue(Files.exists(tmp.resolve("calibration.yaml.bak")));
        assertNull(CalibrationFile.section(tmp.resolve("calibration.yaml.bak"), "threshold"), "the backup is the file before the update");
        CalibrationFile.update(file, "timing", Map.of("mode", "time", "rejectDelayMillis", 650));
        assertEquals(650, ((Number) CalibrationFile.section(file, "timing").get("rejectDelayMillis")).intValue());
        assertEquals(0.25, ((Number) CalibrationFile.section(file, "threshold").get("threshold")).doubleValue(), 0, "kept");

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "format: sightline-calibration/1\nlenses: {}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> CalibrationFile.read(bad));
        assertTrue(e.getMessage().contains("unknown section 'lenses'"), e.getMessage());
        Path other = tmp.resolve("other.yaml");
        Files.writeString(other, "format: something-else\n");
        assertThrows(IllegalArgumentException.class, () -> CalibrationFile.read(other));
    }
}
