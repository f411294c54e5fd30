package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A video file written losslessly (FFV1, gray) by FFmpegFrameRecorder, read back through VideoSource. */
class VideoSourceContractTest extends FrameSourceContract {
    @TempDir
    Path dir;

    static void writeVideo(Path file, int frames) throws Exception {
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), W, H, 0)) {
            r.setFormat("matroska");
            r.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            r.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
            r.setFrameRate(10);
            r.start();
            for (int i = 0; i < frames; i++) {
                Frame f = new Frame(W, H, Frame.DEPTH_UBYTE, 1);
                ByteBuffer b = (ByteBuffer) f.image[0];
                byte[] px = frame(i);
                for (int y = 0; y < H; y++) {
                    b.position(y * f.imageStride);
                    b.put(px, y * W, W);
                }
                b.position(0);
                r.record(f, avutil.AV_PIX_FMT_GRAY8);
            }
            r.stop();
        }
    }

    @Override
    FrameSource newSource() throws Exception {
        Path video = dir.resolve("pattern.mkv");
        if (!Files.exists(video)) writeVideo(video, FRAMES);
        return new VideoSource("video", "file:" + video);
    }

    @Test
    void aMissingOrCorruptFileIsNamed(@TempDir Path other) throws Exception {
        var missing = assertThrows(CaptureException.class, () -> new VideoSource("video", "file:" + other.resolve("none.mkv")));
        assertTrue(missing.getMessage().contains("none.mkv"), missing.getMessage());
        Path junk = other.resolve("junk.avi");
        Files.write(junk, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        var corrupt = assertThrows(CaptureException.class, () -> new VideoSource("video", "file:" + junk));
        assertTrue(corrupt.getMessage().contains("junk.avi"), corrupt.getMessage());
    }

    @Test
    void aTruncatedVideoEndsEarlyWithoutTakingTheStationDown(@TempDir Path other) throws Exception {
        Path full = other.resolve("full.mkv");
        writeVideo(full, 40);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = other.resolve("cut.mkv");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        int frames = 0;
        int errors = 0;
        try (VideoSource s = new VideoSource("video", "file:" + cut)) {
            for (int i = 0; i < 100; i++) {
                try {
                    if (s.grab() == null) break;
                    frames++;
                } catch (CaptureException e) {
                    errors++;
                    assertTrue(e.getMessage().contains("cut.mkv") && e.getMessage().contains("frame"), e.getMessage());
                }
            }
        }
        assertTrue(frames > 5 && frames < 40, "the frames before the cut arrive, then it ends: " + frames + " frames, " + errors + " errors");
    }

    @Test
    void aLoopingFileStartsAgainAndItsFrameNumbersGoOn(@TempDir Path other) throws Exception {
        Path video = other.resolve("five.mkv");
        writeVideo(video, 5);
        try (VideoSource s = new VideoSource("video", "file:" + video, true)) {
            for (int i = 0; i < 13; i++) {
                CapturedFrame f = s.grab();
                assertNotNull(f, "a looping file does not end: grab " + i);
                assertEquals(i, f.sequence(), "frame numbers keep counting across the restart");
                assertEquals(i % 5, indexOf(f), "grab " + i + " is the file's frame " + (i % 5));
            }
        }
        try (VideoSource once = new VideoSource("video", "file:" + video, false)) {
            for (int i = 0; i < 5; i++) assertNotNull(once.grab());
            assertNull(once.grab(), "without loop the file ends");
        }
    }
}
