package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceContractTest extends FrameSourceContract {
    @TempDir
    Path dir;

    static void writePng(Path file, byte[] px, int w, int h) {
        try (BytePointer p = new BytePointer(px); Mat m = new Mat(h, w, CV_8UC1, p)) {
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m));
        }
    }

    @Override
    FrameSource newSource() throws Exception {
        Natives.opencv();
        for (int i = 0; i < FRAMES; i++) writePng(dir.resolve(String.format("frame-%03d.png", i)), frame(i), W, H);
        return new ImageFolderSource("folder", dir, false);
    }

    @Test
    void aBadFileIsAnErrorNamingItAndTheNextFileStillComes(@TempDir Path other) throws Exception {
        Natives.opencv();
        writePng(other.resolve("a.png"), frame(0), W, H);
        Files.writeString(other.resolve("b.png"), "not a png");
        writePng(other.resolve("c.png"), new byte[10 * 10], 10, 10);
        writePng(other.resolve("d.png"), frame(3), W, H);
        try (ImageFolderSource s = new ImageFolderSource("folder", other, false)) {
            assertNotNull(s.grab());
            var corrupt = assertThrows(CaptureException.class, s::grab);
            assertTrue(corrupt.getMessage().contains("b.png"), corrupt.getMessage());
            var size = assertThrows(CaptureException.class, s::grab);
            assertTrue(size.getMessage().contains("c.png") && size.getMessage().contains("10x10"), size.getMessage());
            CapturedFrame d = s.grab();
            assertEquals(3, d.sequence(), "ids count the files, the bad ones too");
            assertNull(s.grab());
        }
        var empty = assertThrows(CaptureException.class, () -> new ImageFolderSource("folder", Files.createTempDirectory("empty"), false));
        assertTrue(empty.getMessage().contains("no readable image"), empty.getMessage());
    }
}
