package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplaySourceTest {
    private static final SyntheticPartCamera.Options SMALL =
            SyntheticPartCamera.Options.defaults().withSize(320, 256).withVariations(3).withDefectRate(0.5);

    @Test
    void replaysTheRecordedFramesInOrderWithTheirTruth() throws Exception {
        List<byte[]> recorded = new ArrayList<>();
        List<DefectKind> truths = new ArrayList<>();
        try (SyntheticPartCamera camera = new SyntheticPartCamera("rec", SMALL);
             ReplaySource replay = recordWhileCopying(camera, 5, recorded, truths)) {
            assertEquals(5, replay.length());
            assertEquals(320, replay.maxWidth());
            assertEquals(256, replay.maxHeight());
            for (int i = 0; i < 12; i++) {
                CapturedFrame f = replay.grab();
                assertEquals(i, f.sequence(), "the replay numbers its own frames");
                assertEquals(truths.get(i % 5), f.truth());
                assertArrayEquals(recorded.get(i % 5), pixels(f), "frame " + i + " is recording " + i % 5);
            }
            try (ReplaySource copy = replay.copy("copy")) {
                assertArrayEquals(recorded.get(0), pixels(copy.grab()), "a copy starts from the first frame");
            }
            assertArrayEquals(recorded.get(2), pixels(replay.grab()), "closing a copy leaves the original intact");
        }
    }

    @Test
    void grabAllocatesNothing() throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (SyntheticPartCamera camera = new SyntheticPartCamera("rec", SMALL);
             ReplaySource replay = ReplaySource.record("replay", camera, 3)) {
            for (int i = 0; i < 20_000; i++) replay.grab();
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) replay.grab();
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 1024, "10,000 grabs allocated " + allocated + " bytes");
        }
    }

    @Test
    void aSourceThatEndsTooEarlyIsNamedAndNothingLeaks() throws Exception {
        try (SyntheticPartCamera camera = new SyntheticPartCamera("rec", SMALL)) {
            FrameSource twoFrames = new FrameSource() {
                int left = 2;

                @Override public String name() { return "short-clip"; }
                @Override public int maxWidth() { return camera.maxWidth(); }
                @Override public int maxHeight() { return camera.maxHeight(); }
                @Override public CapturedFrame grab() throws CaptureException { return left-- > 0 ? camera.grab() : null; }
                @Override public void close() {}
            };
            CaptureException e = assertThrows(CaptureException.class, () -> ReplaySource.record("r", twoFrames, 4));
            assertTrue(e.getMessage().contains("short-clip") && e.getMessage().contains("after 2 of the 4"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ReplaySource.record("r", null, 0));
    }

    @Test
    void aClosedReplayRefusesToGrab() throws Exception {
        ReplaySource replay;
        try (SyntheticPartCamera camera = new SyntheticPartCamera("rec", SMALL)) {
            replay = ReplaySource.record("replay", camera, 1);
        }
        replay.close();
        replay.close(); // idempotent
        CaptureException e = assertThrows(CaptureException.class, replay::grab);
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    private static ReplaySource recordWhileCopying(SyntheticPartCamera camera, int n, List<byte[]> pixels,
                                                   List<DefectKind> truths) throws CaptureException {
        FrameSource spy = new FrameSource() {
            @Override public String name() { return camera.name(); }
            @Override public int maxWidth() { return camera.maxWidth(); }
            @Override public int maxHeight() { return camera.maxHeight(); }
            @Override public CapturedFrame grab() throws CaptureException {
                CapturedFrame f = camera.grab();
                pixels.add(ReplaySourceTest.pixels(f));
                truths.add(f.truth());
                return f;
            }
            @Override public void close() {}
        };
        return ReplaySource.record("replay", spy, n);
    }

    static byte[] pixels(CapturedFrame f) {
        byte[] b = new byte[(int) f.sizeBytes()];
        f.pixels().get(b);
        return b;
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, message);
    }
}
