package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.natives.Natives;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colour frames (8-bit BGR, interleaved) from the sources that offer them: an image folder and a
 * video file with {@code ?colour=true}, and the synthetic camera's colour option with its chroma
 * defect. Real OpenCV and FFmpeg, files written losslessly.
 */
class ColourSourcesTest {
    static final int W = 48;
    static final int H = 32;

    /** A BGR pattern whose three channels differ, so a swapped or dropped channel shows. */
    static byte[] bgr(int i) {
        byte[] px = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = (y * W + x) * 3;
                px[p] = (byte) (x * 5 + i);
                px[p + 1] = (byte) (y * 7 + 2 * i);
                px[p + 2] = (byte) (255 - x * 3 - i);
            }
        }
        return px;
    }

    static byte[] pixels(CapturedFrame f) {
        byte[] b = new byte[(int) f.sizeBytes()];
        f.pixels().get(b);
        return b;
    }

    static void writePng(Path file, byte[] px, int channels) {
        try (BytePointer p = new BytePointer(px); Mat m = new Mat(H, W, channels == 3 ? CV_8UC3 : CV_8UC1, p)) {
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m));
        }
    }

    @Test
    void aColourFolderDeliversTheFilesBgrBytesAndAPlainOneGray(@TempDir Path dir) throws Exception {
        Natives.opencv();
        for (int i = 0; i < 3; i++) writePng(dir.resolve("part-" + i + ".png"), bgr(i), 3);
        byte[] gray = new byte[W * H];
        for (int i = 0; i < gray.length; i++) gray[i] = (byte) (i % 251);
        writePng(dir.resolve("part-3.png"), gray, 1);
        try (FrameSource s = FrameSources.open("folder", "folder:" + dir + "?colour=true", false)) {
            assertEquals(3, s.channels());
            for (int i = 0; i < 3; i++) {
                CapturedFrame f = s.grab();
                assertEquals(3, f.channels());
                assertEquals(W * 3, f.stride());
                assertArrayEquals(bgr(i), pixels(f), "file " + i + "'s BGR bytes, as written");
            }
            byte[] expanded = pixels(s.grab());
            for (int i = 0; i < gray.length; i++) {
                assertTrue(expanded[3 * i] == gray[i] && expanded[3 * i + 1] == gray[i] && expanded[3 * i + 2] == gray[i],
                        "a gray file in a colour folder becomes three equal channels");
            }
            assertNull(s.grab());
        }
        try (FrameSource s = FrameSources.open("folder", "folder:" + dir + "?colour=false", false)) {
            assertEquals(1, s.channels());
            assertEquals(W * H, s.grab().sizeBytes());
        }
        try (FrameSource s = FrameSources.open("folder", "folder:" + dir, false)) {
            assertEquals(1, s.channels(), "gray unless asked");
        }
    }

    @Test
    void aColourVideoFileDeliversBgrFrames(@TempDir Path dir) throws Exception {
        Path video = dir.resolve("colour.mkv");
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(video.toString(), W, H, 0)) {
            r.setFormat("matroska");
            r.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            r.setPixelFormat(avutil.AV_PIX_FMT_BGR0); // lossless RGB
            r.setFrameRate(10);
            r.start();
            for (int i = 0; i < 4; i++) {
                Frame f = new Frame(W, H, Frame.DEPTH_UBYTE, 3);
                ByteBuffer b = (ByteBuffer) f.image[0];
                byte[] px = bgr(i);
                for (int y = 0; y < H; y++) {
                    b.position(y * f.imageStride);
                    b.put(px, y * W * 3, W * 3);
                }
                b.position(0);
                r.record(f, avutil.AV_PIX_FMT_BGR24);
            }
            r.stop();
        }
        try (FrameSource s = FrameSources.open("video", "file:" + video + "?colour=true", false)) {
            assertEquals(3, s.channels());
            for (int i = 0; i < 4; i++) assertArrayEquals(bgr(i), pixels(s.grab()), "frame " + i + " as recorded");
            assertNull(s.grab());
        }
        try (FrameSource s = FrameSources.open("video", "file:" + video, false)) {
            assertEquals(1, s.channels());
            assertEquals(W * H, s.grab().sizeBytes());
        }
    }

    @Test
    void theColourOptionIsCheckedByName() {
        var bad = assertThrows(IllegalArgumentException.class, () -> FrameSources.check("folder:/data/parts?colour=maybe"));
        assertTrue(bad.getMessage().contains("option 'colour' is 'maybe': expected true or false"), bad.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> FrameSources.check("file:parts.mkv?color=true"));
        assertTrue(unknown.getMessage().contains("unknown option 'color'") && unknown.getMessage().contains("colour=true|false"),
                unknown.getMessage());
        FrameSources.check("folder:/data/parts?colour=true");
        FrameSources.check("file:parts.mkv?colour=false");
        // what a config check compares with the model's channels, without opening anything
        assertEquals(3, FrameSources.channels("folder:/data/parts?colour=true"));
        assertEquals(1, FrameSources.channels("file:parts.mkv?colour=false"));
        assertEquals(1, FrameSources.channels("file:parts.mkv"));
        assertEquals(3, FrameSources.channels("gige:cam?pixel=BayerRG8"));
        assertEquals(1, FrameSources.channels("gige:cam"));
        assertEquals(1, FrameSources.channels("usb:0"));
    }

    @Test
    void theSyntheticColourCameraDrawsADiscolourationPlainInChromaAndFaintInBrightness() {
        var options = new SyntheticPartCamera.Options(256, 256, 0, 3, 2, true);
        try (SyntheticPartCamera camera = new SyntheticPartCamera("colour", options)) {
            assertEquals(3, camera.channels());
            byte[] good = pixels(camera.renderEntry(0, DefectKind.NONE, 9));
            byte[] stained = pixels(camera.renderEntry(0, DefectKind.DISCOLOURATION, 9));
            int[] box = camera.lastDefectBox();
            assertTrue(box[2] > box[0] && box[3] > box[1], "the stain has a box");
            double chroma = 0;
            double luma = 0;
            int changed = 0;
            for (int y = box[1]; y < box[3]; y++) {
                for (int x = box[0]; x < box[2]; x++) {
                    int p = (y * 256 + x) * 3;
                    int[] a = {good[p] & 0xff, good[p + 1] & 0xff, good[p + 2] & 0xff};
                    int[] b = {stained[p] & 0xff, stained[p + 1] & 0xff, stained[p + 2] & 0xff};
                    if (a[0] == b[0] && a[2] == b[2]) continue;
                    changed++;
                    chroma += Math.abs((b[2] - b[0]) - (a[2] - a[0]));
                    luma += Math.abs(0.114 * (b[0] - a[0]) + 0.587 * (b[1] - a[1]) + 0.299 * (b[2] - a[2]));
                }
            }
            assertTrue(changed > 150, "the stain covers a patch: " + changed + " pixels");
            chroma /= changed;
            luma /= changed;
            assertTrue(chroma > 20, "red minus blue changes plainly inside the stain: " + chroma);
            assertTrue(luma * 4 < chroma, "brightness changes far less than chroma: luma " + luma + ", chroma " + chroma);
            for (int i = 0; i < good.length; i++) {
                int x = (i / 3) % 256;
                int y = (i / 3) / 256;
                if (x < box[0] || x >= box[2] || y < box[1] || y >= box[3]) assertEquals(good[i], stained[i], "outside the box nothing changes");
            }
        }
        try (SyntheticPartCamera gray = new SyntheticPartCamera("gray", new SyntheticPartCamera.Options(256, 256, 0, 3, 2))) {
            assertEquals(1, gray.channels());
            var e = assertThrows(IllegalArgumentException.class, () -> gray.render(DefectKind.DISCOLOURATION));
            assertTrue(e.getMessage().contains("synthetic gray camera can render NONE or one of"), e.getMessage());
        }
    }
}
