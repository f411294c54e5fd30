package io.sightline.capture;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.sightline.natives.aravis.Aravis;
import io.sightline.natives.aravis.AravisCamera;
import io.sightline.natives.aravis.AravisException;
import io.sightline.natives.aravis.AravisStream;
import io.sightline.natives.aravis.Arv;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A GigE Vision (GenICam) camera through Aravis 0.8 ({@link io.sightline.natives.aravis}).
 *
 * <pre>
 *   gige:ID_OR_ADDRESS[?exposure=US&amp;gain=G&amp;trigger=off|software|LINE&amp;pixel=FORMAT&amp;fps=F]
 *
 *   ID_OR_ADDRESS   the camera's Aravis id (Vendor-Model-Serial, as arv-tool-0.8 lists it),
 *                   its serial number, or its IP address
 *   exposure        exposure time in microseconds        gain     the camera's gain (dB or raw units)
 *   trigger         off (free run, the default) | software (each grab fires one exposure) |
 *                   a line name such as Line1 (hardware trigger, rising edge)
 *   pixel           Mono8 (the default: gray frames), or for a colour line BGR8, RGB8, BayerRG8, BayerGR8,
 *                   BayerGB8 or BayerBG8 (BGR frames; RGB reordered and Bayer demosaiced by OpenCV,
 *                   {@link GigePixelFormat})
 *   fps             the free-running frame rate
 * </pre>
 *
 * The frame's way, copied once:
 *
 * <pre>
 *   camera --GVSP/UDP--&gt; Aravis receive thread fills one of N pooled buffers
 *          --&gt; grab(): pushes the previous buffer back, pops the next (short timeout),
 *              lends its memory to the CapturedFrame  --&gt; the station copies it into its ring slot
 *              (RGB8 and Bayer: converted to BGR into the source's own frame first, a second copy)
 * </pre>
 *
 * <p>Part ids are the camera's frame (block) ids, unwrapped to an increasing 64-bit count
 * ({@link GvspBlockIds}, {@link PartIds}): a gap is a frame the camera sent and the station never
 * got ({@link #skipped()}), a repeated id is dropped and counted ({@link #repeated()}). A buffer
 * that arrives incomplete is a {@link CaptureException} naming the frame id and the status, counted
 * in {@link #errors()}, never a silent skip. Capture time is {@link System#nanoTime()} when the
 * frame is popped; the camera's own timestamp is {@link #cameraTimestampNanos()}.
 *
 * <p>When no frame comes for the loss timeout (a second, or three frame periods when longer), the
 * camera is asked for a feature; if it no longer answers (or Aravis's heartbeat lost the control
 * channel) grab() throws a {@link SourceLostException} naming the camera, and a
 * {@link ReconnectingSource} (as {@link FrameSources#open} builds) re-opens it with backoff. A
 * camera that lost power is declared gone some 3 to 6 s after its last frame (the second of
 * silence, then Aravis's GVCP read retries, 5 x 500 ms, longer while its heartbeat retries too);
 * closing it can take as long again, as Aravis tries to give back the control channel. A camera
 * that answers but sends nothing while free-running is re-opened after three loss timeouts.
 *
 * <p><b>A real camera:</b> give the station a network port of its own in the camera's subnet
 * (or both link-local, 169.254.0.0/16), enable jumbo frames on it (MTU 9000; Aravis negotiates the
 * packet size) and a large socket receive buffer ({@code net.core.rmem_max}), and find the camera
 * with {@code arv-tool-0.8}. Discovery broadcasts on every interface of the station's network
 * namespace. Without Aravis ({@code libaravis-0.8-0}) opening throws a CaptureException that says
 * what to install; the rest of Sightline does not need it.
 *
 * <p>One thread grabs; the feature setters are called from that thread too. {@link #wakeUp()}
 * may come from any thread: a waiting grab() returns null within {@value #POLL_MILLIS} ms (or when
 * a probe of a silent camera ends). Steady-state grab() allocates nothing on the Java heap.
 */
public final class GigeVisionSource implements FrameSource {
    /** What the source asks the camera for, parsed from the URI's query or built in code. */
    public record Options(double exposureUs, double gain, String trigger, String pixelFormat, double fps, int buffers,
                          long lossTimeoutMillis) {
        /** The keys a {@code gige:} URI takes. */
        public static final List<String> KEYS = List.of("exposure", "gain", "trigger", "pixel", "fps");
        private static final Pattern LINE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

        public Options {
            if (!Double.isNaN(exposureUs) && !(exposureUs > 0 && Double.isFinite(exposureUs))) {
                throw new IllegalArgumentException("exposure must be a positive number of microseconds, got " + exposureUs);
            }
            if (!Double.isNaN(gain) && !Double.isFinite(gain)) throw new IllegalArgumentException("gain must be a finite number, got " + gain);
            if (trigger == null || !(trigger.equals("off") || trigger.equals("software") || LINE.matcher(trigger).matches())) {
                throw new IllegalArgumentException("trigger must be off, software or a line name such as Line1, got '" + trigger + "'");
            }
            pixelFormat = GigePixelFormat.of(pixelFormat).genicamName(); // names the formats taken when it is none of them
            if (!Double.isNaN(fps) && !(fps > 0 && Double.isFinite(fps))) {
                throw new IllegalArgumentException("fps must be a positive frame rate, got " + fps);
            }
            if (buffers < 2 || buffers > 256) throw new IllegalArgumentException("buffers must be 2 to 256, got " + buffers);
            if (lossTimeoutMillis < 100) throw new IllegalArgumentException("the loss timeout must be at least 100 ms, got " + lossTimeoutMillis);
        }

        /** Free run at the camera's own rate, exposure and gain; Mono8; 8 buffers; loss probed after 1 s of silence. */
        public static Options defaults() {
            return new Options(Double.NaN, Double.NaN, "off", "Mono8", Double.NaN, 8, 1000);
        }

        public Options withExposureUs(double us) {
            return new Options(us, gain, trigger, pixelFormat, fps, buffers, lossTimeoutMillis);
        }

        public Options withGain(double g) {
            return new Options(exposureUs, g, trigger, pixelFormat, fps, buffers, lossTimeoutMillis);
        }

        public Options withTrigger(String t) {
            return new Options(exposureUs, gain, t, pixelFormat, fps, buffers, lossTimeoutMillis);
        }

        public Options withFps(double f) {
            return new Options(exposureUs, gain, trigger, pixelFormat, f, buffers, lossTimeoutMillis);
        }

        public Options withBuffers(int n) {
            return new Options(exposureUs, gain, trigger, pixelFormat, fps, n, lossTimeoutMillis);
        }

        public Options withLossTimeoutMillis(long ms) {
            return new Options(exposureUs, gain, trigger, pixelFormat, fps, buffers, ms);
        }

        /**
         * Parses a URI query ({@code exposure=20000&gain=2}); empty or null gives the defaults. A bad
         * key or value is an IllegalArgumentException naming the key and what it expects.
         */
        public static Options parse(String query) {
            return query == null || query.isEmpty() ? defaults() : of(SourceUri.parse("gige:?" + query, "gige:", KEYS, String.join(", ", KEYS)));
        }

        static Options of(SourceUri uri) {
            Options o = defaults();
            for (Map.Entry<String, String> e : uri.options().entrySet()) {
                String key = e.getKey();
                String value = e.getValue();
                try {
                    o = switch (key) {
                        case "exposure" -> o.withExposureUs(uri.positive(key, value, "a positive exposure time in microseconds"));
                        case "gain" -> o.withGain(uri.number(key, value, "a gain value, e.g. 2 or 6.5"));
                        case "trigger" -> o.withTrigger(value.equalsIgnoreCase("off") || value.equalsIgnoreCase("software")
                                ? value.toLowerCase(Locale.ROOT) : value);
                        case "pixel" -> new Options(o.exposureUs, o.gain, o.trigger, value, o.fps, o.buffers, o.lossTimeoutMillis);
                        case "fps" -> o.withFps(uri.positive(key, value, "a positive frame rate, e.g. 25"));
                        default -> throw new AssertionError(key);
                    };
                } catch (IllegalArgumentException ex) {
                    if (ex.getMessage().startsWith("'")) throw ex; // already names the URI
                    throw uri.refused(key, ex.getMessage());
                }
            }
            return o;
        }
    }

    /** A parsed {@code gige:} URI. */
    public record Target(String camera, Options options) {
    }

    /** The URI form, for help texts. */
    public static final String URI_FORM = "gige:ID_OR_ADDRESS[?exposure=US&gain=G&trigger=off|software|LINE"
            + "&pixel=Mono8|BGR8|RGB8|BayerRG8|BayerGR8|BayerGB8|BayerBG8&fps=F]"; // a constant: help texts use it; GigePixelFormat's names

    /** Splits {@code gige:ID[?OPTIONS]}; IllegalArgumentException naming what is wrong. */
    public static Target parseUri(String uri) {
        if (uri == null || !uri.startsWith("gige:")) throw new IllegalArgumentException("expected " + URI_FORM + ", got '" + uri + "'");
        SourceUri parsed = SourceUri.parse(uri, "gige:", Options.KEYS, String.join(", ", Options.KEYS));
        if (parsed.target().isBlank()) {
            throw new IllegalArgumentException("'" + uri + "' names no camera: expected " + URI_FORM);
        }
        return new Target(parsed.target(), Options.of(parsed));
    }

    static final int POLL_MILLIS = 50;
    private static final long POLL_US = TimeUnit.MILLISECONDS.toMicros(POLL_MILLIS);
    /** In free run, a camera that answers but sends nothing for this many loss timeouts is re-opened. */
    private static final int SILENT_TIMEOUTS = 3;

    private final String name;
    private final String cameraName;
    private final Options options;
    private final boolean softwareTrigger;
    private final boolean freeRunning;
    private AravisCamera camera;
    private GigeControl control;
    private AravisStream stream;
    private final CapturedFrame frame;
    private final GigePixelFormat format;
    private final GigeFrames frames;
    private final Memory out; // image size, padding: read back per frame without allocating
    private final long outAddress;
    private final long lossTimeoutNanos;
    private final double nominalFps;

    private final GvspBlockIds blockIds = new GvspBlockIds();
    private final PartIds ids = PartIds.counter(64);
    private long held; // the buffer lent to the current frame; pushed back on the next grab
    private boolean triggerPending;
    private long lastArrivalNanos;
    private long lastProbeNanos;
    private long silentSinceNanos;
    private long errors;
    private long cameraFrameId;
    private long cameraTimestampNanos;
    private long systemTimestampNanos;
    private boolean lost;
    private boolean closed;
    private volatile boolean stopping;

    /**
     * Opens the camera, sets its features, starts acquisition. A camera that is absent, refuses a
     * feature or cannot send Mono8 is a CaptureException that names it and what was expected;
     * without Aravis installed, one that says what to install.
     */
    public GigeVisionSource(String name, String cameraIdOrAddress, Options options) throws CaptureException {
        this.name = name;
        this.cameraName = cameraIdOrAddress;
        this.options = options;
        this.softwareTrigger = options.trigger().equals("software");
        this.freeRunning = options.trigger().equals("off");
        this.format = GigePixelFormat.of(options.pixelFormat());
        if (!Aravis.available()) {
            throw new CaptureException(name + ": GigE Vision camera '" + cameraIdOrAddress + "' needs Aravis: " + Aravis.unavailableReason());
        }
        this.out = new Memory(16);
        this.outAddress = Pointer.nativeValue(out);
        GigeFrames f = null;
        try {
            camera = AravisCamera.open(cameraIdOrAddress);
            control = new GigeControl(name, cameraName, camera);
            control.configure(options);
            int[] size = camera.size();
            int payload = camera.payloadBytes();
            if (payload < (long) size[0] * size[1] * format.bytesPerPixel()) {
                throw new CaptureException(name + ": camera '" + cameraName + "' announces " + payload + " bytes per frame, less than its "
                        + size[0] + "x" + size[1] + " " + format + " image");
            }
            f = new GigeFrames(format, size[0], size[1], options.buffers());
            double rate = freeRunning && camera.frameRateAvailable() ? camera.frameRate() : Double.NaN;
            this.nominalFps = rate > 0 ? rate : Double.NaN;
            long timeoutMillis = options.lossTimeoutMillis();
            if (nominalFps > 0) timeoutMillis = Math.max(timeoutMillis, Math.round(3_000 / nominalFps));
            this.lossTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            stream = camera.createStream(options.buffers(), payload);
            camera.startAcquisition();
        } catch (AravisException e) {
            if (f != null) f.close();
            releaseNative();
            throw new CaptureException(name + ": " + e.getMessage() + (camera == null ? GigeControl.notFoundHint() : ""), e);
        } catch (CaptureException | RuntimeException e) {
            if (f != null) f.close();
            releaseNative();
            throw e;
        }
        this.frames = f;
        this.frame = f.frame();
        long now = System.nanoTime();
        lastArrivalNanos = now;
        lastProbeNanos = now;
        silentSinceNanos = now;
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

    /** 1 for Mono8, 3 (BGR) for the colour formats. */
    @Override
    public int channels() {
        return format.channels();
    }

    @Override
    public boolean live() {
        return true;
    }

    /**
     * The next frame, lent from the camera's buffer until the next grab; null once woken up. In
     * software-trigger mode each grab fires the trigger (unless a frame is still on its way).
     */
    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        if (held != 0) {
            stream.push(held);
            held = 0;
        }
        if (softwareTrigger && !triggerPending && !stopping) {
            try {
                camera.softwareTrigger();
            } catch (AravisException e) {
                probe(e.getMessage());
                throw new CaptureException(name + ": " + e.getMessage(), e);
            }
            triggerPending = true;
            lastArrivalNanos = System.nanoTime(); // the wait for this frame starts now
        }
        while (!stopping) {
            long buffer = stream.pop(POLL_US);
            long now = System.nanoTime();
            if (buffer != 0) {
                lastArrivalNanos = now;
                silentSinceNanos = now;
                triggerPending = false;
                if (deliver(buffer, now)) return frame;
                continue; // a repeated frame id: dropped and counted
            }
            if (now - lastArrivalNanos >= lossTimeoutNanos && now - lastProbeNanos >= lossTimeoutNanos) {
                lastProbeNanos = now;
                probe(null);
                if (softwareTrigger && triggerPending) {
                    triggerPending = false;
                    errors++;
                    throw new CaptureException(name + ": camera '" + cameraName + "' sent no frame within "
                            + TimeUnit.NANOSECONDS.toMillis(now - lastArrivalNanos) + " ms of its software trigger");
                }
                if (freeRunning && now - silentSinceNanos >= SILENT_TIMEOUTS * lossTimeoutNanos) {
                    throw new SourceLostException(name + ": camera '" + cameraName + "' answers but has sent no frame for "
                            + TimeUnit.NANOSECONDS.toMillis(now - silentSinceNanos) + " ms while free-running");
                }
            }
        }
        return null;
    }

    /** Lends the buffer to the frame; false for a repeated id (the buffer goes back at once). */
    private boolean deliver(long buffer, long nowNanos) throws CaptureException {
        held = buffer;
        int status = Arv.arv_buffer_get_status(buffer);
        long raw = Arv.arv_buffer_get_frame_id(buffer);
        cameraFrameId = raw;
        cameraTimestampNanos = Arv.arv_buffer_get_timestamp(buffer);
        systemTimestampNanos = Arv.arv_buffer_get_system_timestamp(buffer);
        if (status != Arv.BUFFER_STATUS_SUCCESS) {
            errors++;
            ids.accept(blockIds.unwrap(raw)); // the part is accounted for by this error, not as a gap later
            throw new CaptureException(name + ": frame " + raw + " from camera '" + cameraName + "' arrived incomplete: "
                    + Arv.bufferStatusName(status));
        }
        int payloadType = Arv.arv_buffer_get_payload_type(buffer);
        int pixelFormat = Arv.arv_buffer_get_image_pixel_format(buffer);
        int width = Arv.arv_buffer_get_image_width(buffer);
        int height = Arv.arv_buffer_get_image_height(buffer);
        long data = Arv.arv_buffer_get_image_data(buffer, outAddress);
        long size = out.getLong(0);
        Arv.arv_buffer_get_image_padding(buffer, outAddress + 8, outAddress + 12);
        int xPadding = out.getInt(8);
        long part = ids.accept(blockIds.unwrap(raw));
        if (part < 0) {
            stream.push(buffer);
            held = 0;
            return false;
        }
        if (payloadType != Arv.BUFFER_PAYLOAD_TYPE_IMAGE && payloadType != Arv.BUFFER_PAYLOAD_TYPE_EXTENDED_CHUNK_DATA) {
            errors++;
            throw new CaptureException(name + ": frame " + raw + " from camera '" + cameraName + "' carries payload type " + payloadType
                    + ", not an image");
        }
        String problem = frames.problem(pixelFormat, width, height, size, xPadding, data);
        if (problem != null) {
            errors++;
            throw new CaptureException(name + ": frame " + raw + " from camera '" + cameraName + "' " + problem);
        }
        frames.fill(data);
        frame.set(width, height, part, nowNanos, DefectKind.UNKNOWN);
        return true;
    }

    /** Asks the camera for a feature; a camera that no longer answers is lost. */
    private void probe(String why) throws SourceLostException {
        String failure = control.lostReason();
        if (failure != null) {
            lost = true;
            long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastArrivalNanos);
            throw new SourceLostException(name + ": camera '" + cameraName + "' is gone: no frame for " + silentMillis + " ms and "
                    + failure + (why != null ? " (" + why + ")" : ""));
        }
    }

    /** Frames the camera sent that never arrived: gaps in its frame ids (stream underruns and lost frames). */
    @Override
    public long skipped() {
        return ids.lost();
    }

    /** Frames that arrived incomplete or unusable (each was a CaptureException). */
    public long errors() {
        return errors;
    }

    /** Frames whose id repeated an earlier one, dropped. */
    public long repeated() {
        return ids.repeated();
    }

    /** Times the camera's frame ids jumped back (it restarted) and were re-based. */
    public long idResets() {
        return ids.resets();
    }

    /** Aravis's stream counters: buffers completed, failed, and frames that found no free buffer. */
    public long[] streamStatistics() {
        if (closed) throw new IllegalStateException(name + " is closed");
        stream.refreshStatistics();
        return new long[] {stream.completed(), stream.failures(), stream.underruns()};
    }

    /** The camera's own id of the last frame (a GVSP block id: 1..65535, wrapping, unless extended). */
    public long cameraFrameId() {
        return cameraFrameId;
    }

    /** The camera's timestamp of the last frame, nanoseconds on the camera's clock. */
    public long cameraTimestampNanos() {
        return cameraTimestampNanos;
    }

    /** The host's real-time clock when the last frame began to arrive, nanoseconds since the epoch. */
    public long systemTimestampNanos() {
        return systemTimestampNanos;
    }

    /** The free-running frame rate the camera reported at open; NaN when triggered. */
    public double nominalFps() {
        return nominalFps;
    }

    /** What the camera was opened as: its id, serial number or address. */
    public String cameraName() {
        return cameraName;
    }

    /** Changes the exposure while streaming; returns the value the camera took. */
    public double setExposureUs(double us) throws CaptureException {
        return control.setExposureUs(us);
    }

    /** Changes the gain while streaming; returns the value the camera took. */
    public double setGain(double gain) throws CaptureException {
        return control.setGain(gain);
    }

    public double exposureUs() throws CaptureException {
        return control.exposureUs();
    }

    public double gain() throws CaptureException {
        return control.gain();
    }

    @Override
    public void wakeUp() {
        stopping = true;
    }

    /**
     * Stops acquisition (unless the camera is already gone: no point waiting for it to answer),
     * stops and joins the stream's receive thread, frees the buffers and releases the camera.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopping = true;
        releaseNative();
        frames.close();
    }

    private void releaseNative() {
        if (stream != null && held != 0) {
            stream.push(held); // the stream frees it with the others
            held = 0;
        }
        if (camera != null && stream != null && !lost) {
            try {
                camera.stopAcquisition();
            } catch (AravisException ignored) {
                // closing anyway: the camera may be gone
            }
        }
        if (stream != null) stream.close();
        stream = null;
        if (camera != null) camera.close();
        camera = null;
        out.close();
    }
}
