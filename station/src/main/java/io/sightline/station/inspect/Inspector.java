package io.sightline.station.inspect;

import io.sightline.inference.ModelInfo;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import io.sightline.preprocess.Undistorter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The inspection API's work, apart from HTTP: one image in, the line's verdict on it out.
 *
 * <pre>
 *   line name ─▶ the line (404 unknown)
 *   content type + body ─▶ {@link ImageBodies}: 415 wrong type, 400 not that format / corrupt
 *   decoded gray image ─▶ its size must be the line's camera frame (422 otherwise; never resized, since
 *                         the ROI is in frame pixels and a resized part is not what the line would see)
 *   ─▶ a free {@link InspectRequest} (503 when the queue is full)
 *   ─▶ the line's undistortion, ROI, area resize and normalisation, on the caller's thread
 *   ─▶ {@link InspectQueue} ─▶ a worker's batch (the station's, or serve's) ─▶ score, p(class), map, box
 *   ─▶ the line's threshold now ─▶ {@link Result} (box in frame pixels), or 503 when no worker took it in time
 * </pre>
 *
 * <p>Thread-safe: every request runs on its caller's thread until it is queued. A request allocates
 * freely (it is not a camera frame); the workers that score it allocate nothing for it.
 */
public final class Inspector {
    /** Default most bytes in a request body. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
    /** Default places in the side queue. */
    public static final int DEFAULT_QUEUE = 32;
    /** How long a request may wait for a batch before it is answered 503. */
    public static final long DEFAULT_WAIT_MILLIS = 5_000;

    /**
     * A line as the API sees it.
     *
     * @param name what {@code ?line=} names (the config's line name; the demo's are 0, 1, ...)
     * @param width its cameras' frame width, which a request's image must have
     * @param undistorter the cameras' undistortion, or null
     */
    public record Line(String name, int width, int height, PreprocessSpec spec, Undistorter undistorter) {}

    /**
     * One verdict.
     *
     * @param box the defect box in frame pixels {x, y, width, height}, or null (no map, or nothing found)
     * @param queueMillis from queued to scored
     * @param batchRows rows of the batch it ran in (camera frames and other requests included)
     * @param model the version that scored it ({@link #identity}): after a hot swap, the station's new one
     */
    public record Result(String line, int width, int height, float score, float threshold, boolean reject,
                         Map<String, Float> classes, int[] box, float queueMillis, int batchRows, float[] tensor, float[] map,
                         Map<String, String> model) {
        public String decision() {
            return reject ? "reject" : "pass";
        }
    }

    private final ModelInfo model;
    private final Map<String, String> identity;
    private final List<Line> lines;
    private final IntToDoubleFunction thresholds;
    private final InspectQueue queue;
    private final long maxBodyBytes;
    private final long waitNanos;
    private final int mapWidth;
    private final int mapHeight;

    /**
     * @param modelDir the model package's folder: its {@code model.json}'s SHA-256 is the version reported
     * @param thresholds each line's decision threshold now, by line index
     * @param mapWidth the defect map's width in cells (0: the model has none)
     */
    public Inspector(ModelInfo model, Path modelDir, List<Line> lines, IntToDoubleFunction thresholds, InspectQueue queue,
                     int mapWidth, int mapHeight, long maxBodyBytes, long waitMillis) {
        if (lines.isEmpty()) throw new IllegalArgumentException("an inspector needs at least one line");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("inspect body limit: expected at least 1 byte, got " + maxBodyBytes);
        if (queue.floatsPerImage() != model.floatsPerImage()) {
            throw new IllegalArgumentException("inspect queue holds " + queue.floatsPerImage() + " floats per image, the model needs "
                    + model.floatsPerImage());
        }
        this.model = model;
        this.identity = identity(model, modelDir);
        this.lines = List.copyOf(lines);
        this.thresholds = thresholds;
        this.queue = queue;
        this.mapWidth = mapWidth;
        this.mapHeight = mapHeight;
        this.maxBodyBytes = maxBodyBytes;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
    }

    /** The most bytes a request body may have (larger: 413 before it is read). */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public InspectQueue queue() {
        return queue;
    }

    /** The model this inspector was made with: {@link #identity}. */
    public Map<String, String> model() {
        return identity;
    }

    /**
     * A model package's name, version and the SHA-256 of its {@code model.json} (which holds every
     * other file's), as the API reports it; unmodifiable.
     */
    public static Map<String, String> identity(ModelInfo info, Path dir) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", info.name());
        m.put("version", info.version());
        m.put("sha256", sha256(dir.resolve(ModelInfo.FILE_NAME)));
        return java.util.Collections.unmodifiableMap(m);
    }

    public ModelInfo modelInfo() {
        return model;
    }

    public List<String> lineNames() {
        List<String> names = new ArrayList<>();
        for (Line l : lines) names.add(l.name());
        return names;
    }

    /**
     * Inspects one image as line {@code lineName} would.
     *
     * @throws InspectException naming the problem: 404 unknown line, 415 wrong type, 400 corrupt, 422 wrong size,
     *     503 queue full or no worker in time
     */
    public Result inspect(String lineName, String contentType, byte[] body) throws InspectException, InterruptedException {
        int index = lineIndex(lineName);
        Line line = lines.get(index);
        ImageBodies.Image image = ImageBodies.image(contentType, body);
        try (Mat pixels = ImageBodies.decode(image, line.spec().channels())) {
            if (pixels.cols() != line.width() || pixels.rows() != line.height()) {
                throw new InspectException(422, "the image is " + pixels.cols() + "x" + pixels.rows() + "; line '" + line.name()
                        + "' inspects " + line.width() + "x" + line.height() + " frames from its cameras: expected an image of that size"
                        + " (it is not resized: the line's ROI is in frame pixels)");
            }
            InspectRequest r = queue.acquire();
            if (r == null) {
                throw new InspectException(503, "the inspection queue is full (" + lines.size() + " line(s), every place taken): try again shortly");
            }
            boolean release = true;
            try {
                preprocess(line, pixels, r.tensor);
                r.line = index;
                queue.submit(r);
                boolean answered;
                try {
                    answered = r.await(waitNanos);
                } catch (InterruptedException e) {
                    release = !r.state.compareAndSet(InspectRequest.QUEUED, InspectRequest.CANCELLED) && awaitQuietly(r);
                    throw e;
                }
                if (!answered) {
                    release = false; // the worker that finds it frees it
                    throw new InspectException(503, "no inspection worker had a spare batch within "
                            + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms (the line's own frames come first): try again shortly");
                }
                if (r.error != null) throw new InspectException(500, "the model could not score the image: " + r.error);
                return result(line, index, r);
            } finally {
                if (release) queue.release(r);
            }
        }
    }

    private static boolean awaitQuietly(InspectRequest r) {
        try {
            return r.await(Long.MAX_VALUE / 2);
        } catch (InterruptedException e) {
            return false;
        }
    }

    private int lineIndex(String name) throws InspectException {
        if (name == null || name.isBlank()) {
            if (lines.size() == 1) return 0;
            throw new InspectException(400, "line: expected ?line=NAME, one of " + lineNames());
        }
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).name().equals(name)) return i;
        throw new InspectException(404, "line '" + name + "': no such line; expected one of " + lineNames());
    }

    /** The line's preprocessing, as its workers do it, into {@code tensor}: {@code image} has the line's camera's channels. */
    private static void preprocess(Line line, Mat image, float[] tensor) {
        PreprocessSpec spec = line.spec();
        try (FloatPointer floats = new FloatPointer(tensor.length); Preprocessor p = new Preprocessor(spec);
             Preprocessor.FloatView dst = new Preprocessor.FloatView(spec, floats)) {
            BytePointer pixels = image.data();
            if (line.undistorter() == null) {
                try (Preprocessor.View view = new Preprocessor.View(spec, pixels, line.width(), line.height(), (int) image.step())) {
                    p.process(view, dst);
                }
            } else {
                int stride = line.width() * spec.channels();
                try (BytePointer straight = new BytePointer((long) stride * line.height());
                     Mat out = line.undistorter().destination(straight, spec.channels());
                     Preprocessor.View in = new Preprocessor.View(spec, pixels, line.width(), line.height(), (int) image.step());
                     Preprocessor.View view = new Preprocessor.View(spec, straight, line.width(), line.height(), stride)) {
                    line.undistorter().undistort(in, out);
                    p.process(view, dst);
                }
            }
            floats.get(tensor);
        }
    }

    private Result result(Line line, int index, InspectRequest r) {
        Map<String, Float> classes = new LinkedHashMap<>();
        for (int k = 0; k < r.probs.length; k++) classes.put(model.classes().get(k), r.probs[k]);
        int[] box = null;
        if (r.hasBox) {
            int[] b = r.box.clone();
            if (line.spec().inputBoxToFrame(b, line.width(), line.height())) box = new int[] {b[0], b[1], b[2], b[3]};
        }
        float threshold = (float) thresholds.applyAsDouble(index);
        return new Result(line.name(), line.width(), line.height(), r.score, threshold, r.score >= threshold, classes, box,
                (r.inferredNanos - r.queuedNanos) / 1e6f, r.batchRows, r.tensor.clone(), mapWidth == 0 ? null : r.map.clone(),
                r.model != null ? r.model : identity);
    }

    public int mapWidth() {
        return mapWidth;
    }

    public int mapHeight() {
        return mapHeight;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new IllegalArgumentException("model package: cannot read " + file + " for its SHA-256: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
