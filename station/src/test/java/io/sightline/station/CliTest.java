package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.station.cli.SightlineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo") && r.out().contains("train") && r.out().contains("bench"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"demo", "train"}) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: sightline " + cmd), r.out());
        }
    }

    @Test
    void unknownOptionIsNamed() {
        Run r = run("demo", "--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--frobnicate'"), r.err());
    }

    @Test
    void missingModelFolderIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-model");
        Run r = run("demo", "--model", missing.toString(), "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(missing.toString()), r.err());
    }

    @Test
    void impossibleResolutionAndRateAreNamed() {
        Run width = run("demo", "--width", "10", "--duration", "1");
        assertEquals(1, width.code());
        assertTrue(width.err().contains("width") && width.err().contains("10"), width.err());
        Run fps = run("demo", "--fps", "-5", "--duration", "1");
        assertEquals(1, fps.code());
        assertTrue(fps.err().contains("fps") && fps.err().contains("-5"), fps.err());
    }

    @Test
    void trainRejectsABadInputSize(@TempDir Path tmp) {
        Run r = run("train", "--synthetic", "100", "--out", tmp.toString(), "--input", "12xQ");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--input") && r.err().contains("12xQ"), r.err());
    }

    @Test
    void badDriftAndTrendOptionsAreNamed() {
        Run drift = run("demo", "--drift", "5:10:step", "--duration", "1");
        assertEquals(1, drift.code());
        assertTrue(drift.err().contains("--drift") && drift.err().contains("5:10:step"), drift.err());
        Run kind = run("demo", "--drift", "0:10:wobble", "--duration", "1");
        assertEquals(1, kind.code());
        assertTrue(kind.err().contains("KIND one of"), kind.err());
        Run trend = run("demo", "--trend", "lstm,shewhart", "--duration", "1");
        assertEquals(1, trend.code());
        assertTrue(trend.err().contains("unknown detector 'shewhart'"), trend.err());
    }

    @Test
    void aJournalThatCannotBeOpenedStopsTheDemoWithItsName(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("a-file");
        java.nio.file.Files.writeString(file, "x");
        Run r = run("demo", "--journal", file.resolve("journal.db").toString(), "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file.resolve("journal.db").toString()) && r.err().contains("journal"), r.err());
    }

    @Test
    void calibrationRefusalsAreNamedAndWriteNothing(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("calibration.yaml");
        Path empty = tmp.resolve("empty");
        java.nio.file.Files.createDirectories(empty);
        Run none = run("calibrate", "camera", "--images", empty.toString(), "--board", "9x6", "--square", "0.025", "--out", file.toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("holds no images"), none.err());
        Run board = run("calibrate", "camera", "--images", empty.toString(), "--board", "nine-by-six", "--square", "0.025", "--out", file.toString());
        assertEquals(1, board.code());
        assertTrue(board.err().contains("--board"), board.err());
        Run zero = run("calibrate", "threshold", "--model", "models/default", "--data", empty.toString(), "--target-escape", "0",
                "--out", file.toString());
        assertEquals(1, zero.code());
        assertTrue(zero.err().contains("--target-escape") && zero.err().contains("above 0"), zero.err());
        Run both = run("calibrate", "timing", "--distance", "300", "--belt-speed", "500", "--encoder-counts-per-mm", "4", "--out", file.toString());
        assertEquals(1, both.code());
        assertTrue(both.err().contains("exactly one of"), both.err());
        assertFalse(java.nio.file.Files.exists(file), "nothing was written by a refused calibration");
        Run timing = run("calibrate", "timing", "--distance", "300", "--encoder-counts-per-mm", "4.5", "--out", file.toString());
        assertEquals(0, timing.code(), timing.err());
        assertEquals(1350, ((Number) io.sightline.calibration.CalibrationFile.section(file, "timing").get("rejectDelayCounts")).intValue());
    }

    @Test
    void aCalibrationForAnotherResolutionOrModelIsRefused(@TempDir Path tmp) {
        Path file = tmp.resolve("calibration.yaml");
        io.sightline.calibration.CalibrationFile.update(file, "camera", java.util.Map.of("width", 640, "height", 480));
        Run res = run("demo", "--calibration", file.toString(), "--duration", "1");
        assertEquals(1, res.code());
        assertTrue(res.err().contains("640x480") && res.err().contains("1280x1024"), res.err());
        Path roi = tmp.resolve("roi.yaml");
        io.sightline.calibration.CalibrationFile.update(roi, "roi", java.util.Map.of("x", 0, "y", 0, "width", 100, "height", 100,
                "frameWidth", 800, "frameHeight", 600));
        Run roiRun = run("demo", "--calibration", roi.toString(), "--duration", "1");
        assertEquals(1, roiRun.code());
        assertTrue(roiRun.err().contains("800x600") && roiRun.err().contains("calibrate roi"), roiRun.err());
        Path other = tmp.resolve("other.yaml");
        io.sightline.calibration.CalibrationFile.update(other, "threshold", java.util.Map.of("model", "some-other-cnn 3", "threshold", 0.3));
        Run model = run("demo", "--calibration", other.toString(), "--duration", "1");
        assertEquals(1, model.code());
        assertTrue(model.err().contains("some-other-cnn 3"), model.err());
    }

    @Test
    void aThresholdForDataTheModelDoesNotKnowIsRefused(@TempDir Path tmp) throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (!java.nio.file.Files.exists(root.resolve("sightline"))) root = root.getParent();
        Path data = tmp.resolve("data");
        for (String c : new String[] {"ok", "dent"}) {
            java.nio.file.Files.createDirectories(data.resolve(c));
            try (org.bytedeco.opencv.opencv_core.Mat m = new org.bytedeco.opencv.opencv_core.Mat(64, 64,
                    org.bytedeco.opencv.global.opencv_core.CV_8UC1, new org.bytedeco.opencv.opencv_core.Scalar(100))) {
                org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(data.resolve(c).resolve("a.png").toString(), m);
            }
        }
        Path file = tmp.resolve("calibration.yaml");
        Run r = run("calibrate", "threshold", "--model", root.resolve("models/default").toString(), "--data", data.toString(),
                "--target-escape", "0.05", "--out", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("class 'dent'"), r.err());
        assertFalse(java.nio.file.Files.exists(file), "nothing written");
    }

    @Test
    void aSourceThatCannotBeOpenedIsNamed(@TempDir Path tmp) {
        Run missing = run("demo", "--source", "file:" + tmp.resolve("none.avi"), "--duration", "1");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.avi"), missing.err());
        Run scheme = run("demo", "--source", "camera-7", "--duration", "1");
        assertEquals(1, scheme.code());
        assertTrue(scheme.err().contains("file:PATH, folder:DIR"), scheme.err());
        Run count = run("demo", "--lines", "3", "--source", "folder:a", "--source", "folder:b", "--duration", "1");
        assertEquals(1, count.code());
        assertTrue(count.err().contains("one per line (3), got 2"), count.err());
    }

    @Test
    void aDemoWithTwoViewsPerLineCountsPartsAndReportsEachView(@TempDir Path tmp) throws Exception {
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("demo", "--views", "2", "--lines", "1", "--fps", "20", "--duration", "1",
                "--width", "640", "--height", "512", "--trend", "none", "--journal", "none", "--reject-images", "none",
                "--reject-log", tmp.resolve("rejects.log").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        var j = r.json();
        assertEquals(2, j.get("views").asInt());
        assertEquals(20, j.get("captured").asLong(), "20 parts, each framed by both views: " + j);
        assertEquals(j.get("captured").asLong(), j.get("passed").asLong() + j.get("rejected").asLong() + j.get("failsafe").asLong());
        assertTrue(j.get("failsafeByReason").has("missing-view"), j.toString());
        var sources = j.get("sources");
        assertEquals(2, sources.size());
        assertEquals("top", sources.get(0).get("view").asText());
        assertEquals("side", sources.get(1).get("view").asText());
        for (var source : sources) {
            assertEquals(20, source.get("frames").asLong(), source.toString());
            assertTrue(source.has("missingViews") && source.has("lateViews"), source.toString());
        }
        Run bad = run("demo", "--views", "0", "--duration", "1");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--views: expected 1 to 16"), bad.err());
    }
}
