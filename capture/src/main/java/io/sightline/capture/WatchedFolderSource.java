package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A folder watched for new image files: a camera that drops its frames on a share, or a folder
 * another program fills. Live: {@code grab()} waits for the next file.
 *
 * <pre>
 *   watch:DIR                      every image that appears in DIR from now on, each once
 *   watch:DIR?settle=200           a file is complete when its size and time stood still this many ms (default 200);
 *                                  settle=0 takes a file as soon as it is seen: for writers that rename into place
 *   watch:DIR?existing=1           also the images already in DIR at the start (default: they are ignored)
 *   watch:DIR?size=1280x1024       the frame size, needed when DIR holds no image yet to take it from
 *   watch:DIR?poll=25              how often DIR is listed, in ms (default 25)
 * </pre>
 *
 * <p><b>Which files, and when.</b> Names ending in .png, .jpg, .jpeg, .bmp, .tif or .tiff, not
 * starting with '.' or '~' (so {@code frame.png.tmp}, rsync's {@code .frame.png.XXXXXX} and other
 * temporary names are never read). A file is taken once its size and modification time have not
 * changed for {@code settle} ms (an empty file: at least 1 s), the rule for a camera that writes
 * slowly over a share; a
 * writer that writes {@code NAME.tmp} and then renames it to {@code NAME.png} makes complete files
 * appear at once, and {@code settle=0} then takes them without waiting. A file that looked
 * complete but does not decode gets a second look once it has stood still for another
 * max(settle, 1 s): if it changed meanwhile, its writer had only paused and it settles again; if it is
 * still the same bytes, it is unreadable. Files come in the order they become complete; among those
 * completed by the same poll, the one seen first, then the one modified first, then by name (so a
 * burst of files that one poll lists at once, while the station was busy, still comes in the order
 * they were written, whatever their names). Never twice. The capture time is when a poll first saw
 * the file, the earliest moment the station knows of, so its deadlines are never later than the
 * part's.
 *
 * <p>On an NFS mount, the client caches file sizes for seconds (actimeo): mount with
 * {@code actimeo=0}, or better have the camera rename into place. A JPEG cut short still decodes
 * (the missing rows come out gray), so only the settle rule protects JPEGs: prefer PNG or BMP, or
 * renaming.
 *
 * <p><b>Errors.</b> A file that cannot be decoded, or has another size than the frames, is a
 * {@link CaptureException} naming it and is counted ({@link #unreadable()}); the station rejects that
 * part fail-safe, and the next grab goes on. The folder disappearing (share unmounted, folder
 * deleted) or being replaced by another one at the same path (a share mounted over its mount point,
 * a folder re-created) is a {@link SourceLostException}: a {@link ReconnectingSource} re-opens it,
 * and the {@link State} the opener shares (names already taken, the frame size, the id counter)
 * makes the re-opened source go on with the files it has not taken yet, never the old ones again.
 * Taken names are forgotten only once they are missing from a listing that is not empty, so an
 * empty mount point during an outage does not make the old files new.
 *
 * <p><b>Why polling.</b> The folder is listed every {@code poll} ms instead of using a
 * {@link java.nio.file.WatchService}: on Linux that is inotify, which sees only changes made through
 * this machine's kernel, never files another host writes to an NFS or SMB share (the case this
 * source is for), and which can overflow and drop events. A listing sees what is there, however it
 * got there, and the settle rule needs the sizes anyway. It costs one directory listing per poll:
 * keep the folder small by moving inspected files away.
 *
 * <p><b>Allocation.</b> Not allocation-free, by the nature of listing a folder: each poll makes a
 * few small objects per file in the folder (paths, names, attributes), and each file is read through
 * a path string. The pixels are decoded into one Mat whose native buffer is re-made per file
 * ({@code imread} into a Mat leaves it as it was when a file does not decode, so it is emptied
 * first) and copied into this source's frame; both are freed by {@link #close()}.
 *
 * <p>Not thread-safe: one camera thread grabs; only {@link #wakeUp()} and the counters may be used
 * from another.
 */
public final class WatchedFolderSource implements FrameSource {
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");
    private static final long SECOND_LOOK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How the folder is watched; see the class comment. {@code width/height} 0 = from the first image found. */
    public record Options(long settleMillis, boolean existing, int width, int height, long pollMillis) {
        public static final Options DEFAULTS = new Options(200, false, 0, 0, 25);

        public Options {
            if (settleMillis < 0) throw new IllegalArgumentException("settle must be 0 or more milliseconds, got " + settleMillis);
            if (pollMillis < 1) throw new IllegalArgumentException("poll must be 1 or more milliseconds, got " + pollMillis);
            if (width < 0 || height < 0) throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
    }

    /** A parsed {@code watch:} URI. */
    public record Target(Path dir, Options options) {
    }

    /**
     * What outlives one open of the folder, shared by every source a {@link ReconnectingSource}'s
     * opener makes: the names already taken, the frame size, the part-id counter and the counters.
     */
    public static final class State {
        private final Set<String> taken = new HashSet<>();
        private boolean started;
        private int width;
        private int height;
        private long sequence;
        private volatile long files;
        private volatile long unreadable;

        /** Files returned so far, unreadable ones included. */
        public long files() {
            return files;
        }

        /** Files that could not be read so far. */
        public long unreadable() {
            return unreadable;
        }
    }

    /** A file not taken yet: its size and time as last seen, since when they stood still, and whether it failed to decode once. */
    private record Seen(long size, long modified, long sinceNanos, long firstSeenNanos, boolean failedOnce) {
    }

    private record Ready(String name, long size, long modified, long firstSeenNanos, boolean failedOnce) {
    }

    /** Among files completed by the same poll: first seen first, then modified first, then by name. */
    private static final Comparator<Ready> ARRIVAL = Comparator.comparingLong(Ready::firstSeenNanos)
            .thenComparingLong(Ready::modified).thenComparing(Ready::name);

    private final String name;
    private final Path dir;
    private final Options options;
    private final State state;
    private final Object dirKey;
    private final long settleNanos;
    private final long pollNanos;
    private final Map<String, Seen> pending = new HashMap<>();
    private final ArrayDeque<Ready> ready = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();
    private final Set<String> listed = new HashSet<>();
    private final List<Ready> completed = new ArrayList<>();
    private final Mat decoded;
    private final Mat pixels;
    private final CapturedFrame frame;
    private volatile boolean stopping;
    private boolean closed;

    /** Parses {@code watch:DIR?options}; the message of a bad one names the option and what it takes. */
    public static Target parse(String uri) {
        if (!uri.startsWith("watch:")) throw new IllegalArgumentException("'" + uri + "': expected watch:DIR[?options]");
        String known = "settle=MS, existing=0|1, size=WxH, poll=MS";
        SourceUri parsed = SourceUri.parse(uri, "watch:", List.of("settle", "existing", "size", "poll"), known);
        String dir = parsed.target();
        if (dir.isEmpty()) throw new IllegalArgumentException("'" + uri + "': watch: needs a folder, e.g. watch:/mnt/camera1");
        Options d = Options.DEFAULTS;
        long settle = d.settleMillis();
        boolean existing = d.existing();
        int width = 0;
        int height = 0;
        long poll = d.pollMillis();
        for (Map.Entry<String, String> e : parsed.options().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "settle" -> settle = millis(parsed, k, v);
                case "poll" -> poll = millis(parsed, k, v);
                case "existing" -> {
                    if (!v.equals("0") && !v.equals("1")) throw parsed.bad(k, v, "0 or 1");
                    existing = v.equals("1");
                }
                case "size" -> {
                    String[] wh = v.split("x", -1);
                    if (wh.length != 2) throw parsed.bad(k, v, "WIDTHxHEIGHT in pixels, e.g. 1280x1024");
                    width = parsed.positiveInt(k, wh[0], "WIDTHxHEIGHT in pixels, e.g. 1280x1024");
                    height = parsed.positiveInt(k, wh[1], "WIDTHxHEIGHT in pixels, e.g. 1280x1024");
                }
                default -> throw new AssertionError(k);
            }
        }
        try {
            return new Target(Path.of(dir), new Options(settle, existing, width, height, poll));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + uri + "': " + e.getMessage(), e);
        }
    }

    private static long millis(SourceUri uri, String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw uri.bad(key, value, "a whole number of milliseconds");
        }
    }

    /** True for the names this source reads: image extensions, no hidden or temporary names. */
    static boolean isImageName(String file) {
        if (file.startsWith(".") || file.startsWith("~")) return false;
        int dot = file.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Opens the folder. The first open with a fresh {@code state} decides what is old (the images
     * already there, unless {@link Options#existing}) and the frame size; a re-open with the same
     * state goes on where the last one stopped.
     *
     * @throws CaptureException when the folder does not exist, or no frame size is known
     */
    public WatchedFolderSource(String name, Path dir, Options options, State state) throws CaptureException {
        Natives.opencv();
        this.name = name;
        this.dir = dir;
        this.options = options;
        this.state = state;
        this.settleNanos = TimeUnit.MILLISECONDS.toNanos(options.settleMillis());
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(options.pollMillis());
        BasicFileAttributes attrs;
        List<String> present;
        try {
            attrs = Files.readAttributes(dir, BasicFileAttributes.class);
            if (!attrs.isDirectory()) throw new NotDirectoryException(dir.toString());
            try (Stream<Path> s = Files.list(dir)) {
                present = s.map(p -> p.getFileName().toString()).filter(WatchedFolderSource::isImageName).sorted().toList();
            }
        } catch (IOException e) {
            throw new CaptureException(name + ": cannot watch " + dir + ": " + describe(e)
                    + " (expected an existing folder that the camera writes its images into)", e);
        }
        this.dirKey = attrs.fileKey();
        if (!state.started) {
            if (options.width() > 0) {
                state.width = options.width();
                state.height = options.height();
            } else {
                int[] size = firstImageSize(dir, present);
                if (size == null) {
                    throw new CaptureException(name + ": " + dir + " holds no readable image to take the frame size from yet;"
                            + " give it as watch:" + dir + "?size=WIDTHxHEIGHT");
                }
                state.width = size[0];
                state.height = size[1];
            }
            if (!options.existing()) state.taken.addAll(present);
            state.started = true;
        }
        this.frame = new CapturedFrame(state.width, state.height);
        this.decoded = new Mat();
        this.pixels = new Mat(state.height, state.width, CV_8UC1, frame.pixels());
    }

    private static int[] firstImageSize(Path dir, List<String> names) {
        for (String f : names) {
            try (Mat m = opencv_imgcodecs.imread(dir.resolve(f).toString(), opencv_imgcodecs.IMREAD_GRAYSCALE)) {
                if (m != null && !m.empty()) return new int[] {m.cols(), m.rows()};
            }
        }
        return null;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such folder";
        if (e instanceof NotDirectoryException) return "not a folder";
        return e.getClass().getSimpleName() + " " + e.getMessage();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return frame.maxWidth();
    }

    @Override
    public int maxHeight() {
        return frame.maxHeight();
    }

    @Override
    public boolean live() {
        return true;
    }

    /** Files returned so far by every open of this folder, unreadable ones included. */
    public long files() {
        return state.files;
    }

    /** Files that could not be read so far, by every open of this folder. */
    public long unreadable() {
        return state.unreadable;
    }

    /** The next complete new file; waits for one; null once {@link #wakeUp()} was called. */
    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        while (!stopping) {
            Ready r = ready.poll();
            if (r != null) {
                queued.remove(r.name());
                CapturedFrame f = take(r);
                if (f != null) return f;
                continue;
            }
            long start = System.nanoTime();
            poll(start);
            if (ready.isEmpty()) {
                long left = pollNanos - (System.nanoTime() - start);
                if (left > 0) LockSupport.parkNanos(left);
            }
        }
        return null;
    }

    /** Lists the folder once: new files start settling, settled ones join the ready queue in name order. */
    private void poll(long now) throws SourceLostException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (IOException e) {
            throw lost(describe(e));
        }
        if (!attrs.isDirectory()) throw lost("not a folder any more");
        if (dirKey != null && !dirKey.equals(attrs.fileKey())) {
            throw lost("another folder is at its path now (deleted and re-created, or a share mounted or unmounted over it)");
        }
        listed.clear();
        completed.clear();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (!isImageName(f)) continue;
                listed.add(f);
                if (state.taken.contains(f) || queued.contains(f)) continue;
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException gone) {
                    continue; // renamed or deleted between the listing and now
                }
                if (!a.isRegularFile()) continue;
                long size = a.size();
                long modified = a.lastModifiedTime().toMillis();
                Seen s = pending.get(f);
                if (s == null || s.size() != size || s.modified() != modified) {
                    s = new Seen(size, modified, now, s == null ? now : s.firstSeenNanos(), false);
                    pending.put(f, s);
                }
                if (now - s.sinceNanos() >= requiredNanos(s)) {
                    completed.add(new Ready(f, size, modified, s.firstSeenNanos(), s.failedOnce()));
                }
            }
        } catch (IOException e) {
            throw lost(describe(e));
        } catch (DirectoryIteratorException e) {
            throw lost(describe(e.getCause()));
        }
        completed.sort(ARRIVAL);
        for (Ready r : completed) {
            pending.remove(r.name());
            ready.add(r);
            queued.add(r.name());
        }
        pending.keySet().retainAll(listed);
        // An empty listing may be an unmounted share's bare mount point: forget nothing then.
        if (!listed.isEmpty()) state.taken.retainAll(listed);
    }

    /**
     * How long a file must stand still: {@code settle}; at least a second for an empty file (a writer
     * may create it before it has anything to write) and for a second look at one that did not decode.
     */
    private long requiredNanos(Seen s) {
        return s.size() > 0 && !s.failedOnce() ? settleNanos : Math.max(settleNanos, SECOND_LOOK_NANOS);
    }

    /** Decodes one settled file into the frame; null when it turned out to be still growing. */
    private CapturedFrame take(Ready r) throws CaptureException {
        Path p = dir.resolve(r.name());
        // imread into a Mat leaves it as it was when the file does not decode: empty it first, or a
        // corrupt file would come out as the previous image.
        decoded.release();
        opencv_imgcodecs.imread(p.toString(), decoded, opencv_imgcodecs.IMREAD_GRAYSCALE);
        if (decoded.empty()) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (IOException e) {
                if (!Files.isDirectory(dir)) throw lost("gone while " + r.name() + " was being read");
                return unreadable(r, p + " vanished before it could be read");
            }
            long modified = a.lastModifiedTime().toMillis();
            boolean changed = a.size() != r.size() || modified != r.modified();
            if (changed || !r.failedOnce()) {
                // Its writer may only have paused: look again once it has stood still a while longer.
                pending.put(r.name(), new Seen(a.size(), modified, System.nanoTime(), r.firstSeenNanos(), !changed));
                return null;
            }
            return unreadable(r, p + " is not a readable image");
        }
        if (decoded.cols() != frame.maxWidth() || decoded.rows() != frame.maxHeight()) {
            return unreadable(r, p + " is " + decoded.cols() + "x" + decoded.rows() + ", the frames are "
                    + frame.maxWidth() + "x" + frame.maxHeight());
        }
        decoded.copyTo(pixels);
        state.taken.add(r.name());
        long n = state.sequence++;
        state.files++;
        frame.set(frame.maxWidth(), frame.maxHeight(), n, r.firstSeenNanos(), DefectKind.UNKNOWN);
        return frame;
    }

    private CapturedFrame unreadable(Ready r, String why) throws CaptureException {
        state.taken.add(r.name());
        long n = state.sequence++;
        state.files++;
        state.unreadable++;
        throw new CaptureException(name + ": " + why + " (part " + n + "; " + state.unreadable + " unreadable so far)");
    }

    private SourceLostException lost(String why) {
        return new SourceLostException(name + ": the watched folder " + dir + " is lost: " + why);
    }

    /** Makes a waiting grab return null within one poll period, and every grab after it. */
    @Override
    public void wakeUp() {
        stopping = true;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pixels.close();
        decoded.close();
        frame.close();
    }

    @Override
    public String toString() {
        return name + " (watching " + dir + ", settle " + options.settleMillis() + " ms, " + state.files + " files taken)";
    }
}
