package io.sightline.station.review;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import io.sightline.station.outcome.FrameWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Parts a person should label: their frames saved for relabelling, within a rate and a size limit,
 * never on the decision thread's time.
 *
 * <pre>
 *   decision thread: near(line, score, threshold)? (|score - threshold| <= band)
 *                    ▸ offer(line, reason, frame, score, ...): this hour's count for the line under perHour,
 *                      the folder under maxBytes, a free buffer ({@link FrameWriter}) — else skipped and counted
 *                    ▸ the frame copied into the buffer
 *   writer thread:   DIR/LINE/unlabelled/yyyyMMdd-HHmmss-SSS_part-P_REASON.png
 *                    + the same name .json: {line, part, reason, score, threshold, time, model}
 * </pre>
 *
 * <p>A person sorts {@code unlabelled/} into the dataset layout ({@code ok/}, a defect class folder)
 * and trains on it. What is already waiting counts against {@code maxBytes} from the start, and
 * nothing is deleted: a full queue stops taking new parts until someone empties it. Other sources
 * (shadow runs' disagreements) offer their parts with their own reason through the same call.
 * {@link #offer} allocates nothing.
 */
public final class ReviewQueue implements AutoCloseable {
    /** The reason of parts scored within the band around the threshold. */
    public static final String NEAR_THRESHOLD = "near-threshold";
    static final String UNLABELLED = "unlabelled";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR_MILLIS = 3_600_000L;

    /**
     * The review queue's limits ({@code review} in the station config).
     *
     * @param dir the queue's folder: each line's parts under {@code dir/LINE/unlabelled/}
     * @param band a part is offered when |score - threshold| is at most this
     * @param perHour parts saved per line per clock hour, at most
     * @param maxBytes the folder's size limit, what already waits included
     */
    public record Settings(Path dir, float band, int perHour, long maxBytes) {
        public Settings {
            if (dir == null) throw new IllegalArgumentException("review.dir: expected a folder, got none");
            if (!(band > 0 && band < 1)) throw new IllegalArgumentException("review.band: expected a score distance in (0, 1), got " + band);
            if (perHour < 1) throw new IllegalArgumentException("review.per-hour: expected at least 1, got " + perHour);
            if (maxBytes < 1) throw new IllegalArgumentException("review.max-mb: expected at least 1, got " + maxBytes + " bytes");
        }
    }

    private final Settings settings;
    private final String[] lineNames;
    private final int[] widths;
    private final int[] heights;
    private final String model;
    private final FrameWriter frames;
    private final int[] lines;
    private final long[] parts;
    private final String[] reasons;
    private final float[] scores;
    private final float[] thresholds;
    private final long[] times;
    /** Per line: the clock hour counted, and parts saved in it. */
    private final long[] hour;
    private final int[] inHour;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong saved = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong full = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();

    /**
     * @param lineNames each line's folder name
     * @param model the model's name and version, written into every sidecar
     */
    public ReviewQueue(Settings settings, String[] lineNames, int[] widths, int[] heights, String model) throws IOException {
        Natives.opencv();
        this.settings = settings;
        this.lineNames = lineNames.clone();
        this.widths = widths.clone();
        this.heights = heights.clone();
        this.model = model;
        for (String name : lineNames) Files.createDirectories(settings.dir().resolve(name).resolve(UNLABELLED));
        bytes.set(ReviewStats.read(settings.dir()).totalBytes());
        int buffers = 4;
        this.lines = new int[buffers];
        this.parts = new long[buffers];
        this.reasons = new String[buffers];
        this.scores = new float[buffers];
        this.thresholds = new float[buffers];
        this.times = new long[buffers];
        this.hour = new long[lineNames.length];
        this.inHour = new int[lineNames.length];
        long largest = 0;
        for (int i = 0; i < widths.length; i++) largest = Math.max(largest, (long) widths[i] * heights[i]);
        this.frames = new FrameWriter("sightline-review", buffers, largest, this::write);
    }

    /** Whether a part scored {@code score} against {@code threshold} falls within the band. */
    public boolean near(float score, float threshold) {
        return Math.abs(score - threshold) <= settings.band();
    }

    /**
     * Offers a part's frame for review, from the thread that decided it (one thread per station).
     *
     * @param reason why ({@link #NEAR_THRESHOLD}, or another source's own word), part of the file name
     * @return whether it will be saved; false when this hour's quota for the line is used, the folder
     *     is full or the writer is behind (each counted)
     */
    public boolean offer(int line, String reason, NativeBuffer pixels, float score, float threshold, long partId) {
        long now = System.currentTimeMillis();
        long h = now / HOUR_MILLIS;
        if (hour[line] != h) {
            hour[line] = h;
            inHour[line] = 0;
        }
        if (inHour[line] >= settings.perHour()) {
            rateLimited.incrementAndGet();
            return false;
        }
        if (bytes.get() >= settings.maxBytes()) {
            full.incrementAndGet();
            return false;
        }
        int slot = frames.claim();
        if (slot < 0) {
            busy.incrementAndGet();
            return false;
        }
        inHour[line]++;
        Pointer.memcpy(frames.buffer(slot).bytes(), pixels.bytes(), (long) widths[line] * heights[line]);
        lines[slot] = line;
        parts[slot] = partId;
        reasons[slot] = reason;
        scores[slot] = score;
        thresholds[slot] = threshold;
        times[slot] = now;
        frames.submit(slot);
        return true;
    }

    private void write(int i, NativeBuffer pixels) throws IOException {
        int line = lines[i];
        Path folder = settings.dir().resolve(lineNames[line]).resolve(UNLABELLED);
        Files.createDirectories(folder);
        String name = STAMP.format(Instant.ofEpochMilli(times[i])) + "_part-" + parts[i] + "_" + reasons[i];
        Path png = folder.resolve(name + ".png");
        try (Mat frame = new Mat(heights[line], widths[line], CV_8UC1, pixels.bytes())) {
            if (!opencv_imgcodecs.imwrite(png.toString(), frame)) throw new IOException("could not write " + png);
        }
        Map<String, Object> side = new LinkedHashMap<>();
        side.put("line", lineNames[line]);
        side.put("part", parts[i]);
        side.put("reason", reasons[i]);
        side.put("score", scores[i]);
        side.put("threshold", thresholds[i]);
        side.put("time", Instant.ofEpochMilli(times[i]).toString());
        side.put("model", model);
        Path json = folder.resolve(name + ".json");
        Files.write(json, JSON.writeValueAsBytes(side));
        bytes.addAndGet(Files.size(png) + Files.size(json));
        saved.incrementAndGet();
    }

    public Settings settings() {
        return settings;
    }

    /** Parts saved since the start. */
    public long saved() {
        return saved.get();
    }

    /** Parts not saved because their line's hourly quota was used. */
    public long rateLimited() {
        return rateLimited.get();
    }

    /** Parts not saved because the folder had reached its size limit. */
    public long full() {
        return full.get();
    }

    /** Parts not saved because the writer was behind. */
    public long busy() {
        return busy.get();
    }

    /** The folder's size as counted (what waited at the start, plus what was saved since). */
    public long bytes() {
        return bytes.get();
    }

    /** The last write's error, or null. */
    public String lastError() {
        return frames.lastError();
    }

    /** Saves what is queued, then frees the buffers. */
    @Override
    public void close() {
        frames.close();
    }
}
