package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.management.ThreadMXBean;
import io.sightline.natives.Natives;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * There is no camera on the build machines, so the contract runs through OpenCV's image-sequence
 * backend (CAP_IMAGES, {@code usb:seq:PATTERN}): the same VideoCapture, settings read-back, grab,
 * retrieve and colour conversion as a V4L2 device, only the backend differs. The pattern is written
 * as lossless PNGs. What needs a device (the V4L2 open, a camera unplugged mid-stream) is tested as
 * far as a machine without one allows: a missing node, a node that is not a camera, and a sequence
 * whose next file is unreadable (the same failed-grab path that reports a lost camera).
 */
class UsbCameraSourceContractTest extends FrameSourceContract {
    @TempDir
    Path dir;

    static String seq(Path dir) {
        return "usb:seq:" + dir.resolve("frame_%03d.png");
    }

    static void writeSequence(Path dir, int frames) {
        for (int i = 0; i < frames; i++) {
            ImageFolderSourceContractTest.writePng(dir.resolve(String.format("frame_%03d.png", i)), frame(i), W, H);
        }
    }

    @Override
    FrameSource newSource() throws Exception {
        Natives.opencv();
        if (!Files.exists(dir.resolve("frame_000.png"))) writeSequence(dir, FRAMES);
        return UsbCameraSource.open("usb", seq(dir));
    }

    @Test
    void aColourSequenceArrivesAsGrayWithOpenCvsWeightsNotSwapped(@TempDir Path colour) throws Exception {
        Natives.opencv();
        byte[] bgr = new byte[W * H * 3];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int o = (y * W + x) * 3;
                bgr[o] = (byte) pattern(0, x, y);         // blue
                bgr[o + 1] = (byte) (255 - pattern(1, x, y)); // green
                bgr[o + 2] = (byte) (x * 5 + y);          // red
            }
        }
        for (int i = 0; i < 2; i++) {
            try (BytePointer p = new BytePointer(bgr); Mat m = new Mat(H, W, CV_8UC3, p)) {
                assertTrue(opencv_imgcodecs.imwrite(colour.resolve(String.format("frame_%03d.png", i)).toString(), m));
            }
        }
        try (UsbCameraSource s = UsbCameraSource.open("usb", seq(colour))) {
            CapturedFrame f = s.grab();
            assertEquals(W, f.width());
            int worstBgr = 0;
            int worstRgb = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int o = (y * W + x) * 3;
                    int b = bgr[o] & 0xff;
                    int g = bgr[o + 1] & 0xff;
                    int r = bgr[o + 2] & 0xff;
                    int got = f.pixels().get((long) y * f.stride() + x) & 0xff;
                    worstBgr = Math.max(worstBgr, Math.abs(got - (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b)));
                    worstRgb = Math.max(worstRgb, Math.abs(got - (int) Math.round(0.299 * b + 0.587 * g + 0.114 * r)));
                }
            }
            assertTrue(worstBgr <= 1, "gray = 0.299 R + 0.587 G + 0.114 B within rounding; worst difference " + worstBgr);
            assertTrue(worstRgb > 20, "and red and blue are not swapped (an RGB reading would differ by up to " + worstRgb + ")");
            assertNotNull(s.grab());
            assertNull(s.grab());
        }
    }

    @Test
    void aMissingDeviceSaysWhichAndWhatToCheck() {
        Path video0 = Path.of("/dev/video0");
        assumeFalse(Files.exists(video0), "this machine has a /dev/video0");
        var byIndex = assertThrows(CaptureException.class, () -> UsbCameraSource.open("cam", "usb:0"));
        assertTrue(byIndex.getMessage().contains("no V4L2 device /dev/video0") && byIndex.getMessage().contains("plugged in")
                && byIndex.getMessage().contains("group video"), byIndex.getMessage());
        var viaFrameSources = assertThrows(CaptureException.class, () -> FrameSources.open("cam", "usb:0?width=640", false));
        assertTrue(viaFrameSources.getMessage().contains("/dev/video0"), viaFrameSources.getMessage());
        var byPath = assertThrows(CaptureException.class,
                () -> UsbCameraSource.open("cam", "usb:/dev/v4l/by-id/usb-none-video-index0"));
        assertTrue(byPath.getMessage().contains("/dev/v4l/by-id/usb-none-video-index0"), byPath.getMessage());
    }

    @Test
    void aNodeThatIsNotACameraIsNamedAsSuch() {
        // /dev/null exists and may be opened, but V4L2 cannot capture from it: the real V4L2 backend refuses.
        var e = assertThrows(CaptureException.class, () -> UsbCameraSource.open("cam", "usb:/dev/null"));
        assertTrue(e.getMessage().contains("/dev/null") && e.getMessage().contains("did not open as a V4L2 capture device"), e.getMessage());
    }

    @Test
    void settingsTheDriverRefusesAreNamedAskedAgainstGot() throws Exception {
        Natives.opencv();
        writeSequence(dir, 2);
        // The image-sequence backend accepts none of these, exactly like a camera without them.
        var e = assertThrows(CaptureException.class,
                () -> UsbCameraSource.open("usb", seq(dir) + "?width=320&height=64&fps=25&exposure=50"));
        String m = e.getMessage();
        assertTrue(m.contains("width (asked 320, got 96)"), m);
        assertFalse(m.contains("height"), "the height it got is the height asked: " + m);
        assertTrue(m.contains("fps (asked 25, got"), m);
        assertTrue(m.contains("exposure (asked 50, got"), m);
        var auto = assertThrows(CaptureException.class, () -> UsbCameraSource.open("usb", seq(dir) + "?exposure=auto"));
        assertTrue(auto.getMessage().contains("exposure (asked auto"), auto.getMessage());
        // what the driver does give is accepted and reported
        try (UsbCameraSource s = UsbCameraSource.open("usb", seq(dir) + "?width=96&height=64")) {
            assertEquals(new UsbCameraSource.Settings(96, 64, s.settings().fps(), Double.NaN, s.settings().fourcc()), s.settings());
        }
    }

    @Test
    void malformedUrisAndOptionsAreNamed() {
        var key = assertThrows(IllegalArgumentException.class, () -> UsbCameraSource.open("usb", "usb:0?widht=640"));
        assertTrue(key.getMessage().contains("unknown option 'widht'") && key.getMessage().contains("width"), key.getMessage());
        var value = assertThrows(IllegalArgumentException.class, () -> UsbCameraSource.open("usb", "usb:0?fps=fast"));
        assertTrue(value.getMessage().contains("fps") && value.getMessage().contains("'fast'"), value.getMessage());
        var form = assertThrows(IllegalArgumentException.class, () -> UsbCameraSource.open("usb", "usb:camera"));
        assertTrue(form.getMessage().contains("usb:N"), form.getMessage());
        var none = assertThrows(CaptureException.class, () -> UsbCameraSource.open("usb", "usb:seq:" + dir.resolve("none_%03d.png")));
        assertTrue(none.getMessage().contains("none_%03d.png"), none.getMessage());
    }

    @Test
    void anUnreadableNextFrameIsALostSourceThatAReconnectingSourceReopens() throws Exception {
        Natives.opencv();
        writeSequence(dir, 5);
        Files.writeString(dir.resolve("frame_003.png"), "the camera fell off the bus");
        try (UsbCameraSource s = UsbCameraSource.open("usb", seq(dir))) {
            for (int i = 0; i < 3; i++) assertEquals(i, s.grab().sequence());
            var lost = assertThrows(SourceLostException.class, s::grab);
            assertTrue(lost.getMessage().contains("frame_003.png"), lost.getMessage());
        }
        try (ReconnectingSource r = new ReconnectingSource("usb", () -> UsbCameraSource.open("usb", seq(dir)),
                new ReconnectingSource.Backoff(1, 2), Double.NaN)) {
            long last = -1;
            for (int i = 0; i < 7; i++) {
                CapturedFrame f = r.grab();
                assertTrue(f.sequence() > last, "ids keep increasing across re-opens: " + f.sequence() + " after " + last);
                last = f.sequence();
            }
            assertTrue(r.reconnects() >= 2, "re-opened after each loss: " + r.reconnects());
            assertTrue(r.lastError().contains("frame_003.png"), r.lastError());
        }
    }

    @Test
    void wakeUpMakesGrabReturnNull() throws Exception {
        try (FrameSource s = newSource()) {
            assertNotNull(s.grab());
            s.wakeUp();
            assertNull(s.grab());
            assertNull(s.grab());
        }
    }

    @Test
    void steadyStateGrabsAllocateNothingOnTheHeap() throws Exception {
        Natives.opencv();
        int frames = 240;
        for (int i = 0; i < frames; i++) {
            ImageFolderSourceContractTest.writePng(dir.resolve(String.format("frame_%03d.png", i)), frame(i % 8), W, H);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (UsbCameraSource s = UsbCameraSource.open("usb", seq(dir))) {
            for (int i = 0; i < 120; i++) assertNotNull(s.grab());
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 120; i++) s.grab();
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 1024, "120 grabs allocated " + allocated + " bytes on the Java heap");
            assertNull(s.grab());
        }
    }
}
