package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_IMAGES;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_PROP_AUTO_EXPOSURE;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_PROP_EXPOSURE;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_PROP_FOURCC;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_PROP_FPS;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_PROP_FRAME_HEIGHT;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_PROP_FRAME_WIDTH;
import static org.bytedeco.opencv.global.opencv_videoio.CAP_V4L2;

import io.sightline.natives.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_videoio.VideoCapture;

/**
 * A USB (UVC) or other V4L2 camera through OpenCV's {@link VideoCapture} with the V4L2 backend,
 * delivered as 8-bit gray.
 *
 * <pre>
 *   usb:N                 /dev/videoN
 *   usb:/dev/PATH         a device node by path; /dev/v4l/by-id/usb-...-video-index0 stays the same camera across re-plugs
 *   usb:seq:PATTERN       OFFLINE / TEST STAND-IN, not a camera: a printf-style image sequence such as
 *                         /data/run1/frame_%04d.png, read by OpenCV's CAP_IMAGES backend through the very same
 *                         settings / grab / convert code; not live, it ends after the last file
 *
 *   options (all optional): ?width=W&amp;height=H&amp;fps=F&amp;exposure=auto|E&amp;fourcc=MJPG
 *     width, height   the resolution to negotiate, in pixels
 *     fps             the frame rate to negotiate
 *     exposure        auto, or a manual exposure in the driver's units (UVC: 100 microseconds, so 50 = 5 ms)
 *     fourcc          the pixel format the camera sends (MJPG gets most USB2 cameras past 640x480 at 30 fps)
 * </pre>
 *
 * <p>The way of a frame:
 *
 * <pre>
 *   driver buffer --VideoCapture.grab()--&gt; captureNanos = System.nanoTime()
 *       --retrieve(raw)--&gt; raw (preallocated Mat; BGR from most drivers, gray from a GREY/Y800 camera)
 *       --cvtColor(BGR2GRAY) or copyTo--&gt; gray, a Mat header over this source's CapturedFrame memory
 * </pre>
 *
 * Steady-state grabs allocate nothing on the Java heap; the Mats and the frame are made once, at
 * open, for the size the driver negotiated, and freed by {@link #close()}.
 *
 * <p><b>Settings are verified.</b> After setting them, the source reads back what the driver
 * accepted. A driver that refused one (a size the camera does not offer, 25 fps from a camera that
 * only does 30, manual exposure on a camera without it) makes the open fail with a
 * {@link CaptureException} naming each refused setting, asked against got: a station calibrated at
 * one resolution and exposure must not inspect at another. {@link #settings()} says what the
 * driver gave.
 *
 * <p><b>Errors.</b> A device that does not exist, cannot be opened for lack of permission, or is not a
 * capture device is a {@link CaptureException} at open that says which and what to check. A grab
 * that fails mid-stream (camera unplugged, or no frame within the V4L2 backend's select timeout) is
 * a {@link SourceLostException}: {@link FrameSources#open} wraps devices in a
 * {@link ReconnectingSource}, which re-opens it. A frame the driver delivered but that cannot be
 * converted (a corrupt MJPEG frame) is a plain {@link CaptureException}, counted in
 * {@link #errors()}; the next grab goes on. Part ids count grabbed frames; the capture time is
 * {@link System#nanoTime()} when the driver handed the frame over.
 *
 * <p><b>Stopping.</b> A blocked {@code grab()} cannot be interrupted inside the driver: after
 * {@link #wakeUp()} it returns null as soon as the driver's call returns, that is with the next
 * frame (one frame period for a free-running camera) or at the V4L2 backend's select timeout. That
 * timeout is OpenCV's, 10 s by default; set {@code OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT=2} (seconds) in
 * the station's environment to notice a stalled camera sooner.
 *
 * <p><b>Why not JavaCV's OpenCVFrameGrabber.</b> It wraps the same {@link VideoCapture}, but in
 * JavaCV 1.5.13 its {@code start()} reads and throws away two frames and, for a device that does
 * not open, retries 100 times 100 ms apart (10 s that no {@code wakeUp()} can cut short); and its
 * {@code grab()} returns the frame grabbed during the previous call while it prefetches the next,
 * so every frame comes one frame period late (a triggered camera's last part only when the next
 * part is triggered), and the last frame of a sequence is lost. Measured here on a five-file
 * sequence: frames 2 and 3 came back, 0, 1 and 4 did not. Going to {@link VideoCapture} directly
 * keeps one frame per grab, grabbed when asked, and lets the source read back every setting.
 *
 * <p>Not thread-safe: one camera thread grabs; only {@link #wakeUp()} may be called from another.
 */
public final class UsbCameraSource implements FrameSource {
    /** What the driver gave: the negotiated size, rate, exposure ({@code NaN} = auto or not asked) and pixel format. */
    public record Settings(int width, int height, double fps, double exposure, String fourcc) {
    }

    /** What was asked for; 0 / NaN / null = leave the driver's default. */
    record Request(int width, int height, double fps, boolean autoExposure, double exposure, String fourcc) {
        static final Request DEFAULTS = new Request(0, 0, 0, false, Double.NaN, null);
    }

    private static final String OPTIONS = "width, height, fps, exposure (auto or a number), fourcc";
    private static final List<String> OPTION_KEYS = List.of("width", "height", "fps", "exposure", "fourcc");

    private final String name;
    private final String target; // what was opened: /dev/video0, or the sequence pattern
    private final boolean device;
    private final VideoCapture capture;
    private final Mat raw;
    private final Mat gray;
    private final CapturedFrame frame;
    private final Settings settings;
    private final int firstIndex; // sequences: the number of the first file
    private long sequence;
    private long errors;
    private volatile boolean stopping;
    private boolean closed;

    /**
     * Opens {@code uri} ({@code usb:N}, {@code usb:/dev/...} or {@code usb:seq:PATTERN}, each with optional
     * {@code ?options}) and applies and verifies its settings.
     *
     * @throws CaptureException naming the device and what to check when it cannot be opened, or the
     *     settings the driver refused
     * @throws IllegalArgumentException when the URI is malformed
     */
    public static UsbCameraSource open(String name, String uri) throws CaptureException {
        Target t = parse(uri);
        return new UsbCameraSource(name, t.target(), t.device(), t.request());
    }

    /** A parsed {@code usb:} URI: a device node ({@code /dev/videoN} for {@code usb:N}) or an image-sequence pattern. */
    record Target(String target, boolean device, Request request) {
    }

    /**
     * Splits and checks {@code uri} without opening anything (no device, no native library).
     *
     * @throws IllegalArgumentException naming the URI and what is wrong with it
     */
    static Target parse(String uri) {
        if (!uri.startsWith("usb:")) throw new IllegalArgumentException("'" + uri + "': expected usb:N, usb:/dev/PATH or usb:seq:PATTERN");
        SourceUri parsed = SourceUri.parse(uri, "usb:", OPTION_KEYS, OPTIONS);
        String what = parsed.target();
        Request request = requestOf(parsed);
        if (what.startsWith("seq:")) {
            String pattern = what.substring("seq:".length());
            if (pattern.isEmpty() || !pattern.contains("%")) {
                throw new IllegalArgumentException("'" + uri + "': usb:seq: needs a printf-style file pattern, e.g. usb:seq:/data/frame_%04d.png");
            }
            return new Target(pattern, false, request);
        }
        if (what.matches("\\d{1,3}")) return new Target("/dev/video" + Integer.parseInt(what), true, request);
        if (what.startsWith("/")) return new Target(what, true, request);
        throw new IllegalArgumentException("'" + uri + "': expected usb:N (the index of /dev/videoN), usb:/dev/PATH, or usb:seq:PATTERN"
                + " (an image sequence standing in for a camera), each optionally followed by ?" + OPTIONS.replace(", ", "=..&") + "=..");
    }

    static Request requestOf(SourceUri uri) {
        if (uri.options().isEmpty()) return Request.DEFAULTS;
        int width = 0;
        int height = 0;
        double fps = 0;
        boolean auto = false;
        double exposure = Double.NaN;
        String fourcc = null;
        for (Map.Entry<String, String> e : uri.options().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "width" -> width = uri.positiveInt(k, v, "a positive whole number of pixels");
                case "height" -> height = uri.positiveInt(k, v, "a positive whole number of pixels");
                case "fps" -> fps = uri.positive(k, v, "a positive frame rate");
                case "exposure" -> {
                    if (v.equals("auto")) auto = true;
                    else exposure = uri.positive(k, v, "auto or a positive exposure in driver units");
                }
                case "fourcc" -> {
                    if (!v.matches("[A-Za-z0-9 ]{4}")) throw uri.bad(k, v, "four characters such as MJPG or YUYV");
                    fourcc = v.toUpperCase(Locale.ROOT);
                }
                default -> throw new AssertionError(k);
            }
        }
        return new Request(width, height, fps, auto, exposure, fourcc);
    }

    private UsbCameraSource(String name, String target, boolean device, Request request) throws CaptureException {
        Natives.opencv();
        this.name = name;
        this.target = target;
        this.device = device;
        if (device) checkDeviceNode(name, target);
        this.firstIndex = device ? 0 : firstIndex(target);
        VideoCapture c = device ? new VideoCapture(target, CAP_V4L2) : new VideoCapture(target, CAP_IMAGES);
        if (!c.isOpened()) {
            c.close();
            if (device) {
                throw new CaptureException(name + ": " + target + " did not open as a V4L2 capture device: another program may hold"
                        + " it (fuser " + target + "), or it is not a capture node (a USB camera also has a metadata node:"
                        + " v4l2-ctl --list-devices shows which /dev/videoN captures)");
            }
            throw new CaptureException(name + ": no image sequence " + target + " (expected a printf-style pattern whose first"
                    + " file exists, e.g. /data/frame_%04d.png with frame_0000.png or frame_0001.png)");
        }
        this.capture = c;
        this.raw = new Mat();
        Settings got;
        try {
            got = apply(request);
        } catch (CaptureException | RuntimeException e) {
            c.release();
            c.close();
            raw.close();
            throw e;
        }
        this.settings = got;
        this.frame = new CapturedFrame(got.width(), got.height());
        this.gray = new Mat(got.height(), got.width(), CV_8UC1, frame.pixels());
    }

    /** A clear message for the usual reasons a device node cannot be opened, before OpenCV hides them. */
    private static void checkDeviceNode(String name, String node) throws CaptureException {
        Path p = Path.of(node);
        if (!Files.exists(p)) {
            throw new CaptureException(name + ": no V4L2 device " + node + " (expected a camera's capture node, usb:N for /dev/videoN):"
                    + " is the camera plugged in, and is the user in group video? v4l2-ctl --list-devices lists the cameras;"
                    + " in a container the device must be passed in (--device " + node + ")");
        }
        if (!Files.isReadable(p) || !Files.isWritable(p)) {
            throw new CaptureException(name + ": " + node + " exists but this user may not open it: add the user to group video"
                    + " (sudo usermod -aG video $USER, then log in again), or check ls -l " + node);
        }
    }

    /** The number in the first file of a printf pattern that exists, as OpenCV's image-sequence backend finds it. */
    private static int firstIndex(String pattern) {
        for (int i = 0; i < 1000; i++) {
            try {
                if (Files.exists(Path.of(String.format(Locale.ROOT, pattern, i)))) return i;
            } catch (RuntimeException e) {
                return 0; // a pattern Java cannot format; OpenCV reports it when it fails to open
            }
        }
        return 0;
    }

    /** Sets what was asked, then reads back what the driver gave; refusals are one exception naming each. */
    private Settings apply(Request r) throws CaptureException {
        // Order matters for V4L2: the pixel format decides which sizes exist, the size which rates.
        if (r.fourcc() != null) capture.set(CAP_PROP_FOURCC, fourcc(r.fourcc()));
        if (r.width() > 0) capture.set(CAP_PROP_FRAME_WIDTH, r.width());
        if (r.height() > 0) capture.set(CAP_PROP_FRAME_HEIGHT, r.height());
        if (r.fps() > 0) capture.set(CAP_PROP_FPS, r.fps());
        boolean autoAccepted = true;
        if (r.autoExposure()) {
            // V4L2's exposure_auto menu: 1 = manual, 3 = aperture priority (the camera chooses the time).
            autoAccepted = capture.set(CAP_PROP_AUTO_EXPOSURE, 3) || capture.get(CAP_PROP_AUTO_EXPOSURE) == 3;
        } else if (!Double.isNaN(r.exposure())) {
            capture.set(CAP_PROP_AUTO_EXPOSURE, 1);
            capture.set(CAP_PROP_EXPOSURE, r.exposure());
        }

        int width = (int) capture.get(CAP_PROP_FRAME_WIDTH);
        int height = (int) capture.get(CAP_PROP_FRAME_HEIGHT);
        double fps = capture.get(CAP_PROP_FPS);
        String fourcc = fourccString(capture.get(CAP_PROP_FOURCC));
        double exposure = Double.isNaN(r.exposure()) ? Double.NaN : capture.get(CAP_PROP_EXPOSURE);

        List<String> refused = new ArrayList<>();
        if (r.fourcc() != null && !r.fourcc().equals(fourcc)) refused.add("fourcc (asked " + r.fourcc() + ", got " + fourcc + ")");
        if (r.width() > 0 && r.width() != width) refused.add("width (asked " + r.width() + ", got " + width + ")");
        if (r.height() > 0 && r.height() != height) refused.add("height (asked " + r.height() + ", got " + height + ")");
        if (r.fps() > 0 && Math.abs(fps - r.fps()) > Math.max(0.5, 0.01 * r.fps())) {
            refused.add("fps (asked " + num(r.fps()) + ", got " + num(fps) + ")");
        }
        if (r.autoExposure() && !autoAccepted) refused.add("exposure (asked auto, the driver has no automatic exposure control)");
        if (!Double.isNaN(r.exposure()) && Math.abs(exposure - r.exposure()) > Math.max(1, 0.01 * r.exposure())) {
            refused.add("exposure (asked " + num(r.exposure()) + ", got " + num(exposure) + ")");
        }
        if (!refused.isEmpty()) {
            throw new CaptureException(name + ": " + target + " refused " + String.join(", ", refused)
                    + (device ? "; v4l2-ctl -d " + target + " --list-formats-ext --list-ctrls shows what it offers" : ""));
        }
        if (width <= 0 || height <= 0) throw new CaptureException(name + ": " + target + " reports no frame size (" + width + "x" + height + ")");
        return new Settings(width, height, fps, exposure, fourcc);
    }

    private static double fourcc(String s) {
        return (s.charAt(0) & 0xff) | (s.charAt(1) & 0xff) << 8 | (s.charAt(2) & 0xff) << 16 | (s.charAt(3) & 0xff) << 24;
    }

    private static String fourccString(double code) {
        int c = (int) code;
        if (c == 0) return "none";
        return new String(new char[] {(char) (c & 0xff), (char) (c >> 8 & 0xff), (char) (c >> 16 & 0xff), (char) (c >> 24 & 0xff)}).trim();
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d);
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

    /** What the driver accepted. */
    public Settings settings() {
        return settings;
    }

    /** Frames the driver delivered that could not be converted, so far. */
    public long errors() {
        return errors;
    }

    /** A camera paces itself; an image sequence (the offline stand-in) is read when asked. */
    @Override
    public boolean live() {
        return device;
    }

    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        if (stopping) return null;
        boolean grabbed = capture.grab();
        long now = System.nanoTime();
        if (stopping) return null;
        if (!grabbed) return lostOrEnded();
        long n = sequence++;
        if (!capture.retrieve(raw) || raw.empty()) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " from " + target + " could not be decoded");
        }
        int w = raw.cols();
        int h = raw.rows();
        if (w != frame.maxWidth() || h != frame.maxHeight() || raw.depth() != CV_8U) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " from " + target + " is " + w + "x" + h + " with depth " + raw.depth()
                    + ", expected 8-bit " + frame.maxWidth() + "x" + frame.maxHeight() + " as negotiated");
        }
        switch (raw.channels()) {
            case 1 -> raw.copyTo(gray);
            case 3 -> opencv_imgproc.cvtColor(raw, gray, opencv_imgproc.COLOR_BGR2GRAY);
            case 4 -> opencv_imgproc.cvtColor(raw, gray, opencv_imgproc.COLOR_BGRA2GRAY);
            default -> {
                errors++;
                throw new CaptureException(name + ": frame " + n + " from " + target + " has " + raw.channels()
                        + " channels, expected gray, BGR or BGRA");
            }
        }
        frame.set(w, h, n, now, DefectKind.UNKNOWN);
        return frame;
    }

    /**
     * A grab that failed. A camera does not end: it is gone. An image sequence ends where its next file
     * is missing; a next file that exists but cannot be read stops it like an unplugged camera.
     */
    private CapturedFrame lostOrEnded() throws SourceLostException {
        if (device) {
            String why = Files.exists(Path.of(target)) ? "no frame within the V4L2 select timeout, or the driver failed"
                    : "the device node is gone: unplugged";
            throw new SourceLostException(name + ": " + target + " stopped delivering frames after " + sequence + " (" + why + ")");
        }
        Path next;
        try {
            next = Path.of(String.format(Locale.ROOT, target, firstIndex + sequence));
        } catch (RuntimeException e) {
            return null;
        }
        if (Files.exists(next)) {
            throw new SourceLostException(name + ": " + next + " (frame " + sequence + " of " + target + ") cannot be read;"
                    + " the sequence stops there");
        }
        return null;
    }

    /** Makes a waiting grab, and every grab after it, return null; see the class comment for how soon. */
    @Override
    public void wakeUp() {
        stopping = true;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        capture.release();
        capture.close();
        gray.close();
        raw.close();
        frame.close();
    }

    @Override
    public String toString() {
        return name + " (" + target + ", " + settings.width() + "x" + settings.height() + " at " + num(settings.fps()) + " fps)";
    }
}
