package io.sightline.station.config;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import io.sightline.capture.FrameSources;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.station.cli.SightlineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example config's video, as the station's {@code file:} source reads it, and the generator that
 * made it ({@code sightline dataset video}). These load FFmpeg; the config tests beside them do not.
 */
class ExampleVideoTest {

    @Test
    void theExampleVideoDecodesTo200GrayPartsOf640x512() throws Exception {
        Path video = ConfigFiles.project().resolve("config/parts.avi");
        assertTrue(Files.size(video) <= 3 << 20, "at most 3 MB: " + Files.size(video));
        try (FrameSource s = FrameSources.open("example", "file:" + video, false)) {
            assertEquals(640, s.maxWidth());
            assertEquals(512, s.maxHeight());
            int frames = 0;
            CapturedFrame f;
            while ((f = s.grab()) != null) {
                assertEquals(640, f.width());
                assertEquals(512, f.height());
                frames++;
            }
            assertEquals(200, frames);
        }
        // the station's default ROI at this size: the centred 384 px square, 3x the model's 128 px input
        assertArrayEquals(new int[] {128, 64, 384, 384}, SyntheticPartCamera.defaultRoi(640, 512));
    }

    @Test
    void theGeneratorWritesTheFramesAndLabelsItIsAskedFor(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.avi");
        Path b = dir.resolve("b.avi");
        Path labels = dir.resolve("a.csv");
        for (Path out : List.of(a, b)) {
            StringWriter err = new StringWriter();
            int code = SightlineCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "dataset", "video", out.toString(),
                    "--frames", "6", "--width", "160", "--height", "128", "--defect-rate", "0.5", "--seed", "3", "--labels", labels.toString());
            assertEquals(0, code, err.toString());
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same options, same bytes");
        List<String> rows = Files.readAllLines(labels);
        assertEquals(7, rows.size());
        assertEquals("frame,truth", rows.get(0));
        try (FrameSource s = FrameSources.open("a", "file:" + a, false)) {
            assertEquals(160, s.maxWidth());
            assertEquals(128, s.maxHeight());
            int n = 0;
            while (s.grab() != null) n++;
            assertEquals(6, n);
        }
        StringWriter err = new StringWriter();
        assertEquals(1, SightlineCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "dataset", "video",
                dir.resolve("c.avi").toString(), "--width", "161"));
        assertTrue(err.toString().contains("expected even sizes"), err.toString());
    }
}
