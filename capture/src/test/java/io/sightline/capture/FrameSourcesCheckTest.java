package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * {@link FrameSources#check}: every form {@link FrameSources#open} takes is accepted or refused by
 * its syntax alone, with a message naming the URI and what is wrong; nothing is opened (the
 * devices, folders and cameras named here do not exist).
 */
class FrameSourcesCheckTest {

    @Test
    void everyFormIsAcceptedWithoutOpeningIt() {
        for (String uri : new String[] {"file:parts.avi", "file:/no/such/video.avi", "folder:/no/such/folder",
            "watch:/no/such/folder?settle=0&existing=1&size=640x512&poll=10", "usb:0", "usb:/dev/v4l/by-id/cam?width=1280&fps=30&exposure=auto",
            "usb:seq:/data/frame_%04d.png", "gige:Aravis-Fake-GV01?exposure=20000&trigger=Line1", "rtsp://10.0.0.5:554/stream",
            "udp://@:1234", "tcp://127.0.0.1:9000", "http://camera.local/video"}) {
            assertDoesNotThrow(() -> FrameSources.check(uri), uri);
        }
    }

    @Test
    void aBadUriIsNamedWithWhatIsWrong() {
        assertRefused("webcam:0", "'webcam:0'", "file:PATH");
        assertRefused("file:", "'file:'", "video file");
        assertRefused("folder:", "'folder:'", "folder");
        assertRefused("watch:/x?settle=soon", "settle", "soon");
        assertRefused("watch:/x?frobnicate=1", "unknown option 'frobnicate'", "settle=MS");
        assertRefused("usb:zero", "'usb:zero'", "usb:N");
        assertRefused("usb:0?width=-5", "width", "-5");
        assertRefused("usb:seq:/data/frames.png", "usb:seq:", "printf-style");
        assertRefused("gige:", "names no camera", "gige:ID_OR_ADDRESS");
        assertRefused("gige:cam?exposure=-1", "exposure", "-1");
        assertRefused("rtsp://", "'rtsp://'", "needs a host");
        assertRefused("", "no source URI", "file:PATH");
    }

    private static void assertRefused(String uri, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameSources.check(uri), uri);
        for (String p : parts) assertTrue(e.getMessage().contains(p), uri + ": '" + p + "' not in: " + e.getMessage());
    }
}
