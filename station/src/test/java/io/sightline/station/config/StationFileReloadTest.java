package io.sightline.station.config;

import static io.sightline.station.config.ConfigFiles.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a running station does on SIGHUP: re-read the thresholds, and say what else changed. */
class StationFileReloadTest {
    @TempDir
    Path dir;

    private static final String FILE = """
            model: models/m
            trend: {detectors: none}
            camera: {fps: 25}
            decision: {threshold: 0.5}
            lines:
              - views: [{source: file:parts.avi}]
              - views: [{source: file:parts.avi}]
                threshold: 0.7
            """;

    @Test
    void readThresholdsSeesTheEditedFile() throws Exception {
        Path f = ConfigFiles.write(dir, FILE);
        assertArrayEquals(new float[] {0.5f, 0.7f}, StationFile.readThresholds(f));
        Files.writeString(f, FILE.replace("threshold: 0.5", "threshold: 0.4").replace("threshold: 0.7", "threshold: 0.65"));
        assertArrayEquals(new float[] {0.4f, 0.65f}, StationFile.readThresholds(f));
        Files.writeString(f, FILE.replace("    threshold: 0.7", "    threshold: 7"));
        ConfigException e = assertThrows(ConfigException.class, () -> StationFile.readThresholds(f));
        assertProblem(e, 8, "lines[1].threshold", "(0, 1]", "got 7");
    }

    @Test
    void onlyTheThresholdsChangedMeansNoRestart() throws Exception {
        Path f = ConfigFiles.write(dir, FILE);
        StationFile before = StationFileReader.read(f);
        Files.writeString(f, FILE.replace("threshold: 0.5", "threshold: 0.45").replace("    threshold: 0.7\n", ""));
        StationFile after = StationFileReader.read(f);
        assertArrayEquals(new float[] {0.45f, 0.45f}, after.thresholds());
        assertEquals(List.of(), after.changedKeysBesidesThresholds(before));
    }

    @Test
    void otherChangesAreNamedByTheirKeys() throws Exception {
        Path f = ConfigFiles.write(dir, FILE);
        StationFile before = StationFileReader.read(f);
        ConfigFiles.video(dir, "other.avi");
        Files.writeString(f, FILE.replace("fps: 25", "fps: 30").replace("threshold: 0.7", "threshold: 0.6\n    trend: [ewma]")
                .replace("  - views: [{source: file:parts.avi}]\n  - views", "  - views: [{source: file:other.avi}]\n  - views")
                + "pipeline: {workers: 2}\nserver: {port: 9090, token: 0123456789abcdefgh}\n");
        StationFile after = StationFileReader.read(f);
        assertEquals(List.of("camera.fps", "lines[0].views[0].source", "lines[1].trend", "pipeline.workers", "server.port", "server.tokens"),
                after.changedKeysBesidesThresholds(before));
        Files.writeString(f, FILE + "  - views: [{source: file:parts.avi}]\n");
        assertEquals(List.of("lines"), StationFileReader.read(f).changedKeysBesidesThresholds(before));
    }
}
