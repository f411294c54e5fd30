package io.sightline.station.review;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Parts a person should label: their frames saved for relabelling, within a rate and a size limit,
 * never on the decision thread's time.
 *
 * <pre>
 *   decision thread: near(line, score, threshold)? (|score - threshold| <= band)
 *                    ▸ offer(line, reason, frame, score, ...)                       ┐ this hour's count for the line under
 *   shadow thread:   candidate and live model disagree                               │ perHour, the folder under maxBytes, a
 *                    ▸ offerModelInput(line, reason, tensor, both models' scores)   ┘ free buffer ({@link FrameWriter}) —
 *                    ▸ the frame (or tensor) copied into the buffer                   else skipped and counted
 *   writer thread:   DIR/LINE/unlabelled/yyyyMMdd-HHmmss-SSS_part-P_REASON.png (a tensor: un-normalised to 8 bits)
 *                    + the same name .json: {line, part, reason, score, threshold, time, model, image, [candidate]}
 * </pre>
 *
 * <p>A person sorts {@code unlabelled/} into the dataset layout ({@code ok/}, a defect class folder)
 * and trains on it. What is already waiting counts against {@code maxBytes} from the start, and
 * nothing is deleted: a full queue stops taking new parts until someone empties it. The limits are
 * shared by every source. {@link #offer} and {@link #offerModelInput} allocate nothing; the limits
 * are checked under a lock held for a few counter updates, never for a copy.
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

    /**
     * The model's input, for parts offered as the model saw them ({@link #offerModelInput}): float32
     * {@code [height, width, channels]} (BGR), normalised as {@code (p / 255 - normMean) / normStd}.
     */
    public record ModelInput(int width, int height, int channels, float normMean, float normStd) {
        long bytes() {
            return (long) width * height * channels * Float.BYTES;
        }
    }

    private final Settings settings;
    private final String[] lineNames;
    private final int[] widths;
    private final int[] heights;
    /** The live model, named in the sidecars of near-threshold parts; follows hot swaps ({@link #setLiveModel}). */
    private volatile String model;
    private final FrameWriter frames;
    private final int[] lines;
    private final long[] parts;
    private final String[] reasons;
    private final float[] scores;
    private final float[] thresholds;
    private final long[] times;
    private final ModelInput input;
    /** Per slot: a model input (floats) rather than a camera frame, and the other model's view when a shadow run offered it. */
    private final boolean[] isInput;
    private final String[] models;
    private final String[] candidates;
    private final float[] candidateScores;
    private final float[] candidateThresholds;
    /** Per line: the clock hour counted, and parts saved in it. */
    private final long[] hour;
    private final int[] inHour;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong saved = new AtomicLong();
    private final AtomicLongArray savedPerLine;
    private static final long WAITING_REFRESH_MILLIS = 10_000;
    private final Object waitingLock = new Object();
    private ReviewStats waiting;
    private long waitingReadNanos;
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong full = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();

    /**
     * @param lineNames each line's folder name
     * @param model the model's name and version, written into every sidecar
     */
    public ReviewQueue(Settings settings, String[] lineNames, int[] widths, int[] heights, String model) throws IOException {
        this(settings, lineNames, widths, heights, model, null);
    }

    /**
     * @param input the model's input, for {@link #offerModelInput}; null: only camera frames are offered
     */
    public ReviewQueue(Settings settings, String[] lineNames, int[] widths, int[] heights, String model, ModelInput input)
            throws IOException {
        Natives.opencv();
        this.input = input;
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
        this.isInput = new boolean[buffers];
        this.models = new String[buffers];
        this.candidates = new String[buffers];
        this.candidateScores = new float[buffers];
        this.candidateThresholds = new float[buffers];
        this.hour = new long[lineNames.length];
        this.savedPerLine = new AtomicLongArray(lineNames.length);
        this.inHour = new int[lineNames.length];
        long largest = 0;
        for (int i = 0; i < widths.length; i++) largest = Math.max(largest, (long) widths[i] * heights[i]);
        if (input != null) largest = Math.max(largest, input.bytes());
        this.frames = new FrameWriter("sightline-review", buffers, largest, this::write);
    }

    /** Whether a part scored {@code score} against {@code threshold} falls within the band. */
    public boolean near(float score, float threshold) {
        return Math.abs(score - threshold) <= settings.band();
    }

    /** The model now deciding the parts (after a hot swap): named in the sidecars of the parts offered from now on. */
    public void setLiveModel(String label) {
        this.model = label;
    }

    /**
     * Offers a part's frame for review. Any thread may call it (the decision thread, a shadow run's).
     *
     * @param reason why ({@link #NEAR_THRESHOLD}, or another source's own word), part of the file name
     * @return whether it will be saved; false when this hour's quota for the line is used, the folder
     *     is full or the writer is behind (each counted)
     */
    public boolean offer(int line, String reason, NativeBuffer pixels, float score, float threshold, long partId) {
        long now = System.currentTimeMillis();
        int slot = admit(line, now);
        if (slot < 0) return false;
        Pointer.memcpy(frames.buffer(slot).bytes(), pixels.bytes(), (long) widths[line] * heights[line]);
        fill(slot, false, line, reason, score, threshold, partId, now, model, null, 0, 0);
        frames.submit(slot);
        return true;
    }

    /**
     * Offers a part as a model saw it (its input tensor, saved as an 8-bit image of the input's size),
     * with a second model's view of it: what a shadow run offers when its candidate and the live
     * model disagree. Any thread may call it; it copies the tensor and allocates nothing.
     *
     * @param tensor the model input ({@link ModelInput}), valid during the call
     * @param model the model that decided the part (named in the sidecar as {@code model})
     * @param candidate the other model, with its score and threshold (the sidecar's {@code candidate})
     * @throws IllegalStateException when the queue was made without a {@link ModelInput}
     */
    public boolean offerModelInput(int line, String reason, Pointer tensor, String model, float score, float threshold, String candidate,
                                   float candidateScore, float candidateThreshold, long partId) {
        if (input == null) throw new IllegalStateException("review queue " + settings.dir() + ": made without the model's input size");
        long now = System.currentTimeMillis();
        int slot = admit(line, now);
        if (slot < 0) return false;
        Pointer.memcpy(frames.buffer(slot).bytes(), tensor, input.bytes());
        fill(slot, true, line, reason, score, threshold, partId, now, model, candidate, candidateScore, candidateThreshold);
        frames.submit(slot);
        return true;
    }

    /** A writer slot for a part of {@code line}, within the limits; -1 (counted) when over one. */
    private synchronized int admit(int line, long now) {
        long h = now / HOUR_MILLIS;
        if (hour[line] != h) {
            hour[line] = h;
            inHour[line] = 0;
        }
        if (inHour[line] >= settings.perHour()) {
            rateLimited.incrementAndGet();
            return -1;
        }
        if (bytes.get() >= settings.maxBytes()) {
            full.incrementAndGet();
            return -1;
        }
        int slot = frames.claim();
        if (slot < 0) {
            busy.incrementAndGet();
            return -1;
        }
        inHour[line]++;
        return slot;
    }

    private void fill(int slot, boolean modelInput, int line, String reason, float score, float threshold, long partId, long now,
                      String decidedBy, String candidate, float candidateScore, float candidateThreshold) {
        isInput[slot] = modelInput;
        lines[slot] = line;
        parts[slot] = partId;
        reasons[slot] = reason;
        scores[slot] = score;
        thresholds[slot] = threshold;
        times[slot] = now;
        models[slot] = decidedBy;
        candidates[slot] = candidate;
        candidateScores[slot] = candidateScore;
        candidateThresholds[slot] = candidateThreshold;
    }

    private void write(int i, NativeBuffer pixels) throws IOException {
        int line = lines[i];
        Path folder = settings.dir().resolve(lineNames[line]).resolve(UNLABELLED);
        Files.createDirectories(folder);
        String name = STAMP.format(Instant.ofEpochMilli(times[i])) + "_part-" + parts[i] + "_" + reasons[i];
        Path png = folder.resolve(name + ".png");
        if (isInput[i]) {
            try (Mat tensor = new Mat(input.height(), input.width(), CV_32FC(input.channels()), pixels.bytes());
                 Mat image = new Mat()) {
                tensor.convertTo(image, CV_8U, 255.0 * input.normStd(), 255.0 * input.normMean()); // undoes the normalisation
                if (!opencv_imgcodecs.imwrite(png.toString(), image)) throw new IOException("could not write " + png);
            }
        } else {
            try (Mat frame = new Mat(heights[line], widths[line], CV_8UC1, pixels.bytes())) {
                if (!opencv_imgcodecs.imwrite(png.toString(), frame)) throw new IOException("could not write " + png);
            }
        }
        Map<String, Object> side = new LinkedHashMap<>();
        side.put("line", lineNames[line]);
        side.put("part", parts[i]);
        side.put("reason", reasons[i]);
        side.put("score", scores[i]);
        side.put("threshold", thresholds[i]);
        side.put("time", Instant.ofEpochMilli(times[i]).toString());
        side.put("model", models[i]);
        side.put("image", isInput[i] ? "model-input" : "frame");
        if (candidates[i] != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("model", candidates[i]);
            c.put("score", candidateScores[i]);
            c.put("threshold", candidateThresholds[i]);
            side.put("candidate", c);
        }
        Path json = folder.resolve(name + ".json");
        Files.write(json, JSON.writeValueAsBytes(side));
        bytes.addAndGet(Files.size(png) + Files.size(json));
        savedPerLine.incrementAndGet(line);
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

    /** Parts saved for line {@code line} since the start. */
    public long saved(int line) {
        return savedPerLine.get(line);
    }

    /** The lines' folder names, in line order. */
    public List<String> lineNames() {
        return List.of(lineNames);
    }

    /**
     * What waits in the folder now, per line, as {@code review stats} shows it: read from disk at most
     * every {@value #WAITING_REFRESH_MILLIS} ms (a person sorting parts out changes it).
     */
    public ReviewStats waiting() {
        synchronized (waitingLock) { // not the limits' lock: a slow disk must never hold up an offer
            long now = System.nanoTime();
            if (waiting == null || now - waitingReadNanos > WAITING_REFRESH_MILLIS * 1_000_000L) {
                waiting = ReviewStats.read(settings.dir());
                waitingReadNanos = now;
            }
            return waiting;
        }
    }

    /**
     * The queue's figures, as {@code /api/state} shows them: {@code dir, band, perHour, maxBytes, bytes,
     * kept, rateLimited, full, busy, lastError, lines[{line, kept, waiting, waitingBytes}]} ({@code kept}
     * since the start; {@code waiting} what is on disk, see {@link #waiting()}).
     */
    public Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", settings.dir().toString());
        m.put("band", (double) settings.band());
        m.put("perHour", settings.perHour());
        m.put("maxBytes", settings.maxBytes());
        m.put("bytes", bytes());
        m.put("kept", saved());
        m.put("rateLimited", rateLimited());
        m.put("full", full());
        m.put("busy", busy());
        m.put("lastError", lastError());
        ReviewStats now;
        try {
            now = waiting();
        } catch (java.io.UncheckedIOException e) {
            now = new ReviewStats(settings.dir(), List.of());
        }
        List<Map<String, Object>> ls = new java.util.ArrayList<>();
        for (int line = 0; line < lineNames.length; line++) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("line", lineNames[line]);
            l.put("kept", saved(line));
            ReviewStats.Line w = null;
            for (ReviewStats.Line x : now.lines()) if (x.name().equals(lineNames[line])) w = x;
            l.put("waiting", w == null ? 0 : w.parts());
            l.put("waitingBytes", w == null ? 0 : w.bytes());
            ls.add(l);
        }
        m.put("lines", ls);
        return m;
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
