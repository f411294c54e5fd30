package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A live TCP stream served on loopback by FFmpegFrameRecorder, read through VideoSource. */
class StreamSourceContractTest extends FrameSourceContract {
    private LoopbackStreamServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) server.close();
    }

    @Override
    FrameSource newSource() throws Exception {
        server = new LoopbackStreamServer(20, FRAMES);
        return new VideoSource("stream", server.url());
    }

    /** A stream that ends is lost, not finished: a camera does not run out of parts. */
    @Override
    void assertEnd(FrameSource s) {
        SourceLostException e = assertThrows(SourceLostException.class, s::grab);
        assertTrue(e.getMessage().contains(server.url()) && e.getMessage().contains("ended"), e.getMessage());
    }

    /** The first connection hangs up after 6 frames; later ones stream on from there. */
    @Override
    ReconnectingSource failingSource() throws Exception {
        server = new LoopbackStreamServer(20, 6, 1_000);
        String url = server.url();
        return new ReconnectingSource("stream", () -> new VideoSource("stream", url), new ReconnectingSource.Backoff(20, 200), 50);
    }

    @Test
    void aStationThatFallsBehindGetsTheNewestFrameAndCountsWhatItSkipped() throws Exception {
        server = new LoopbackStreamServer(5, 60);
        try (VideoSource s = new VideoSource("stream", server.url())) {
            assertTrue(s.live());
            long lastId = -1;
            long gaps = 0;
            int received = 0;
            int lastIndex = -1;
            while (lastIndex < 59) {
                CapturedFrame f = s.grab();
                int index = indexOf(f);
                assertArrayEquals(frame(index), pixels(f), "frame " + index + " pixel for pixel");
                gaps += f.sequence() - lastId - 1;
                lastId = f.sequence();
                lastIndex = index;
                received++;
                Thread.sleep(25); // inspecting takes five frame periods
            }
            assertTrue(s.skipped() > 20, "most frames were overtaken: " + s.skipped() + " skipped, " + received + " received");
            assertEquals(60, received + s.skipped(), "every frame was received or counted as skipped");
            assertEquals(s.skipped(), gaps, "each skipped frame is a gap in the part ids");
        }
    }

    @Test
    void anUnreachableAddressIsNamed() {
        CaptureException e = assertThrows(CaptureException.class, () -> new VideoSource("stream", "tcp://127.0.0.1:1"));
        assertTrue(e.getMessage().contains("tcp://127.0.0.1:1") && e.getMessage().contains("cannot open"), e.getMessage());
    }

    @Test
    void wakingUpAWaitingGrabEndsIt() throws Exception {
        server = new LoopbackStreamServer(1_000, 2); // a slow camera: the second frame is a second away
        try (VideoSource s = new VideoSource("stream", server.url())) {
            assertNotNull(s.grab());
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ignored) {
                    // wake at once
                }
                s.wakeUp();
            });
            long t0 = System.nanoTime();
            waker.start();
            CapturedFrame f = s.grab();
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            waker.join();
            if (f != null) f = s.grab(); // the second frame may have won the race
            assertNull(f, "a woken source ends");
            assertTrue(waitedMs < 900, "woken, not timed out: " + waitedMs + " ms");
        }
    }
}
