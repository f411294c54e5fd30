package io.sightline.station.outcome;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import io.sightline.postprocess.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Rejected parts' images, saved as PNG for a person to look at, within a retention limit.
 *
 * <pre>
 *   decision thread: reject --copy the frame into a free preallocated buffer--> work queue ({@link FrameWriter})
 *                    (no free buffer: the image is skipped and counted; the part is still rejected)
 *   writer thread:   --PNG--> DIR/line-L/yyyyMMdd-HHmmss-SSS_part-P[_VIEW]_REASON.png  (VIEW: on a line
 *                                                                            with several cameras)
 *                    the frame as it was (gray), or with a defect box: in colour with the box drawn
 *                    ({@link #BOX_BGR}, {@link #boxThickness} px, its outer edge on the box's edge)
 *                    --retention--> delete files older than maxAge, then the oldest while the folder
 *                                   is over maxBytes (files already there at start count too)
 * </pre>
 *
 * <p>Time of day, for the names and the ages, is the wall clock read once at construction and
 * carried on by {@link System#nanoTime()}, the journal's way: a step of the wall clock while the
 * station runs neither reorders the names nor deletes images early, and a name's stamp matches
 * the part's {@code decided_us} in the journal opened with the same clock.
 */
public final class RejectImages implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    /** The defect box's colour (blue, green, red): magenta, unlike any decision colour. */
    public static final int[] BOX_BGR = {255, 0, 255};

    private record Saved(Path path, long bytes, long savedMillis) {}

    private final Path dir;
    private final int[] widths;
    private final int[] heights;
    private final long maxBytes;
    private final Duration maxAge;
    private final ZoneId zone;
    private final long epochMillisAtStart;
    private final long nanosAtStart;
    private final FrameWriter frames;
    private final int[] lines;
    private final long[] parts;
    private final String[] reasons;
    private final String[] views;
    /** Per buffer: its frame's defect box x, y, width, height (width 0: none). */
    private final int[] boxes;
    private final ArrayDeque<Saved> saved = new ArrayDeque<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private long totalBytes;

    /**
     * @param widths frame width of each line
     * @param heights frame height of each line
     * @param buffers frames that can wait for the writer at once
     */
    public RejectImages(Path dir, int[] widths, int[] heights, int buffers, long maxBytes, Duration maxAge) throws IOException {
        this(dir, widths, heights, buffers, maxBytes, maxAge, Clock.systemDefaultZone());
    }

    /** @param clock the station's wall clock, read once here (see the class comment); its zone names the files */
    public RejectImages(Path dir, int[] widths, int[] heights, int buffers, long maxBytes, Duration maxAge, Clock clock)
            throws IOException {
        this.zone = clock.getZone();
        this.epochMillisAtStart = clock.millis();
        this.nanosAtStart = System.nanoTime();
        if (buffers < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("reject images need at least 1 buffer, a positive size limit and age limit");
        }
        Natives.opencv();
        this.dir = dir;
        this.widths = widths.clone();
        this.heights = heights.clone();
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        Files.createDirectories(dir);
        long largest = 0;
        for (int i = 0; i < widths.length; i++) largest = Math.max(largest, (long) widths[i] * heights[i]);
        this.lines = new int[buffers];
        this.parts = new long[buffers];
        this.reasons = new String[buffers];
        this.views = new String[buffers];
        this.boxes = new int[4 * buffers];
        scanExisting();
        this.frames = new FrameWriter("sightline-reject-images", buffers, largest, this::write);
    }

    private void scanExisting() throws IOException {
        List<Saved> existing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".png"))::iterator) {
                existing.add(new Saved(p, Files.size(p), Files.getLastModifiedTime(p).toMillis()));
            }
        }
        existing.sort(Comparator.comparingLong(Saved::savedMillis));
        for (Saved s : existing) {
            saved.add(s);
            totalBytes += s.bytes();
        }
        enforceRetention();
    }

    /** Called by the decision thread for a rejected part whose frame is in {@code pixels}. */
    public void offer(int line, long partId, Outcome reason, NativeBuffer pixels) {
        offer(line, partId, null, reason, pixels);
    }

    /** As {@link #offer(int, long, Outcome, NativeBuffer)}, for one view of a part seen by several cameras. */
    public void offer(int line, long partId, String view, Outcome reason, NativeBuffer pixels) {
        offer(line, partId, view, reason, pixels, 0, 0, 0, 0);
    }

    /**
     * As {@link #offer(int, long, String, Outcome, NativeBuffer)}, with where the model saw the defect
     * (frame pixels; a width or height of 0: nowhere), drawn on the saved image. Allocates nothing.
     */
    public void offer(int line, long partId, String view, Outcome reason, NativeBuffer pixels, int boxX, int boxY, int boxWidth,
               int boxHeight) {
        int slot = frames.claim();
        if (slot < 0) {
            skipped.incrementAndGet();
            return;
        }
        Pointer.memcpy(frames.buffer(slot).bytes(), pixels.bytes(), (long) widths[line] * heights[line]);
        lines[slot] = line;
        parts[slot] = partId;
        reasons[slot] = reason.reason();
        views[slot] = view;
        int b = 4 * slot;
        boolean hasBox = boxWidth > 0 && boxHeight > 0;
        boxes[b] = boxX;
        boxes[b + 1] = boxY;
        boxes[b + 2] = hasBox ? boxWidth : 0;
        boxes[b + 3] = hasBox ? boxHeight : 0;
        frames.submit(slot);
    }

    /** The wall clock's time at start, carried on by the monotonic clock. */
    private long nowMillis() {
        return epochMillisAtStart + (System.nanoTime() - nanosAtStart) / 1_000_000;
    }

    private void write(int i, NativeBuffer pixels) throws IOException {
        int line = lines[i];
        Path folder = dir.resolve("line-" + line);
        Files.createDirectories(folder);
        Path file = folder.resolve(STAMP.format(Instant.ofEpochMilli(nowMillis()).atZone(zone)) + "_part-" + parts[i]
                + (views[i] != null ? "_" + views[i] : "") + "_" + reasons[i] + ".png");
        try (Mat frame = new Mat(heights[line], widths[line], CV_8UC1, pixels.bytes())) {
            if (boxes[4 * i + 2] == 0) {
                if (!opencv_imgcodecs.imwrite(file.toString(), frame)) throw new IOException("could not write " + file);
            } else {
                try (Mat colour = withBox(frame, boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3])) {
                    if (!opencv_imgcodecs.imwrite(file.toString(), colour)) throw new IOException("could not write " + file);
                }
            }
        }
        long bytes = Files.size(file);
        saved.add(new Saved(file, bytes, nowMillis()));
        totalBytes += bytes;
        written.incrementAndGet();
        enforceRetention();
    }

    /** Line width of the box on a frame of that size: 2 px, 3 from 1,200 px, and so on. */
    static int boxThickness(int width, int height) {
        return Math.max(2, Math.max(width, height) / 400);
    }

    /** The gray frame in colour with the box drawn inside its edge. */
    private static Mat withBox(Mat gray, int x, int y, int w, int h) {
        Mat colour = new Mat();
        opencv_imgproc.cvtColor(gray, colour, opencv_imgproc.COLOR_GRAY2BGR);
        int t = Math.min(boxThickness(gray.cols(), gray.rows()), Math.max(1, Math.min(w, h) / 2));
        try (Scalar c = new Scalar(BOX_BGR[0], BOX_BGR[1], BOX_BGR[2], 0)) {
            for (int k = 0; k < t; k++) { // t nested 1-px rectangles: every drawn pixel lies in the box
                try (Point a = new Point(x + k, y + k); Point b = new Point(x + w - 1 - k, y + h - 1 - k)) {
                    opencv_imgproc.rectangle(colour, a, b, c, 1, opencv_imgproc.LINE_8, 0);
                }
            }
        }
        return colour;
    }

    private void enforceRetention() throws IOException {
        long oldest = nowMillis() - maxAge.toMillis();
        while (!saved.isEmpty() && (totalBytes > maxBytes || saved.peekFirst().savedMillis() < oldest)) {
            Saved s = saved.pollFirst();
            Files.deleteIfExists(s.path());
            totalBytes -= s.bytes();
            deleted.incrementAndGet();
        }
    }

    public long written() {
        return written.get();
    }

    public long skipped() {
        return skipped.get();
    }

    long deleted() {
        return deleted.get();
    }

    String lastError() {
        return frames.lastError();
    }

    @Override
    public void close() {
        frames.close();
    }
}
