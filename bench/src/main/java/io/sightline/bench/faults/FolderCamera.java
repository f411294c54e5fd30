package io.sightline.bench.faults;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.FrameSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A camera that drops its pictures as PNG files into a folder (a share the station watches), at a
 * fixed rate, each written under a temporary name and renamed into place. During the
 * {@link Timeline}'s fault every {@code every}-th file is bad, in turn: random bytes, a PNG cut
 * short, and a PNG of the wrong size. Files older than a few seconds are removed, as a camera's
 * retention would.
 */
final class FolderCamera implements AutoCloseable {
    enum Bad { GARBAGE, TRUNCATED, WRONG_SIZE }

    private static final int KEEP_FILES = 200;

    private final Path dir;
    private final Timeline timeline;
    private final double fps;
    private final int every;
    private final List<byte[]> good = new ArrayList<>();
    private final byte[] wrongSize;
    private final Random random = new Random(7);
    private final Thread writer;
    private final long[] badWritten = new long[Bad.values().length];
    private volatile long written;
    private volatile boolean stopping;
    private volatile Exception failure;

    /** @param frames encoded once, up to 8 of them, as the camera's pictures (not closed) */
    FolderCamera(Path dir, FrameSource frames, Timeline timeline, double fps, int every) throws CaptureException {
        this.dir = dir;
        this.timeline = timeline;
        this.fps = fps;
        this.every = every;
        byte[] small = null;
        for (int i = 0; i < 8; i++) {
            CapturedFrame f = frames.grab();
            try (Mat m = new Mat(f.height(), f.width(), CV_8UC1, f.pixels())) {
                good.add(png(m));
                if (small == null) {
                    try (Mat half = new Mat(); Size s = new Size(f.width() / 2, f.height() / 2)) {
                        opencv_imgproc.resize(m, half, s);
                        small = png(half);
                    }
                }
            }
        }
        this.wrongSize = small;
        this.writer = new Thread(this::write, "faults-folder-camera");
        writer.setDaemon(true);
        writer.start();
    }

    private static byte[] png(Mat m) {
        try (BytePointer buf = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(".png", m, buf)) throw new IllegalStateException("PNG encoding failed");
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    private void write() {
        long origin = timeline.awaitOrigin(() -> stopping);
        if (origin < 0) return;
        long inFault = 0;
        try {
            for (long k = 0; !stopping; k++) {
                long due = origin + Math.round(k * 1e9 / fps);
                for (long left; (left = due - System.nanoTime()) > 0 && !stopping; ) {
                    LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
                }
                if (stopping) break;
                byte[] content = good.get((int) (k % good.size()));
                if (timeline.phaseAt(due) == Timeline.Phase.FAULT && inFault++ % every == every - 1) {
                    Bad bad = Bad.values()[(int) ((inFault / every) % Bad.values().length)];
                    content = switch (bad) {
                        case GARBAGE -> garbage(content.length / 4);
                        case TRUNCATED -> Arrays.copyOf(content, content.length / 3);
                        case WRONG_SIZE -> wrongSize;
                    };
                    synchronized (this) {
                        badWritten[bad.ordinal()]++;
                    }
                }
                String name = String.format(Locale.ROOT, "frame-%07d.png", k);
                Path tmp = dir.resolve(name + ".tmp");
                Files.write(tmp, content);
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                written = k + 1;
                if (k >= KEEP_FILES) Files.deleteIfExists(dir.resolve(String.format(Locale.ROOT, "frame-%07d.png", k - KEEP_FILES)));
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    private byte[] garbage(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Files written so far. */
    long written() {
        return written;
    }

    /** Bad files written so far, by kind. */
    synchronized long[] badWritten() {
        return badWritten.clone();
    }

    long badTotal() {
        long n = 0;
        for (long b : badWritten()) n += b;
        return n;
    }

    /** Why the writer stopped by itself, or null. */
    Exception failure() {
        return failure;
    }

    /** Stops writing (the files stay). */
    void stop() throws InterruptedException {
        stopping = true;
        writer.join(5_000);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
