package io.sightline.capture;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import io.sightline.natives.MovablePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Video files and network streams through JavaCV's {@link FFmpegFrameGrabber} (OpenCV's
 * VideoCapture has no FFmpeg backend in this build), decoded straight to 8-bit gray, or to 8-bit
 * BGR for a colour line ({@code file:PATH?colour=true}).
 *
 * <pre>
 *   file:PATH[?colour=true]   a video file; frames as fast as the station's trigger asks, ending with the file
 *   rtsp://, rtp://, tcp://, udp://, http://, srt://   a live stream
 * </pre>
 *
 * <p>A stream is opened for low latency (low-delay decoding, a short probe)
 * and decoded on its own thread into three rotating buffers, so a station that falls behind gets
 * the <em>newest</em> frame, never a backlog: a decoded frame overtaken by a newer one before the
 * station took it is {@linkplain #skipped() skipped and counted}, and shows as a gap in the part
 * ids. A stream that ends or stops answering is a {@link SourceLostException}.
 *
 * <p>A frame the decoder cannot produce is a {@link CaptureException} naming the source and the
 * frame number; the station counts it as an unreadable fail-safe reject and asks for the next.
 * Part ids are the decoder's frame numbers. Not thread-safe: one camera thread grabs
 * ({@link #wakeUp()} and the decoder thread are the exceptions).
 */
public final class VideoSource implements FrameSource {
    /** Read/connect timeout of a stream: silence this long means it is lost. */
    static final long STREAM_TIMEOUT_MICROS = 3_000_000;
    /** Consecutive undecodable frames after which a stream counts as lost. */
    static final int MAX_CONSECUTIVE_ERRORS = 25;
    private static final int FRESH = 4;

    private final String name;
    private final String uri;
    private final boolean live;
    /** A file that starts again after its last frame (a replay); the frame numbers keep counting. */
    private final boolean loop;
    /** 1: decoded to GRAY8; 3: to BGR24. */
    private final int channels;
    private long restartedAt;
    private final FFmpegFrameGrabber grabber;
    private final CapturedFrame frame; // files: the one frame; streams: unused
    private long sequence;
    private volatile long errors;
    private ByteBuffer lastImage;
    private BytePointer lastImagePointer;
    private final MovablePointer rowSrc = new MovablePointer();
    private final MovablePointer rowDst = new MovablePointer();
    private volatile boolean closed;

    // Streams: the decoder thread writes slots[write], then swaps it into 'exchange' (marked FRESH);
    // grab() swaps its own slot for a FRESH one. An exchange that was still FRESH is a skipped frame.
    private final CapturedFrame[] slots;
    private final AtomicInteger exchange = new AtomicInteger(1);
    private int writeSlot = 2;
    private int readSlot;
    private final Thread decoder;
    private volatile Thread reader;
    private volatile boolean stopping;
    private volatile long skipped;
    private volatile String lost;
    private volatile String frameError;

    /** True for the URL schemes this source opens as a live stream. */
    public static boolean isStream(String uri) {
        for (String scheme : new String[] {"rtsp://", "rtp://", "tcp://", "udp://", "http://", "https://", "srt://"}) {
            if (uri.startsWith(scheme)) return true;
        }
        return false;
    }

    /** Opens {@code uri} ("file:PATH" or a stream URL) and reads its first frame's size. */
    public VideoSource(String name, String uri) throws CaptureException {
        this(name, uri, false);
    }

    /**
     * As {@link #VideoSource(String, String)}; with {@code loop}, a file starts again from its first
     * frame after its last (a replay for trials and the example station), its frame numbers going on
     * counting. Streams ignore it.
     */
    public VideoSource(String name, String uri, boolean loop) throws CaptureException {
        this(name, uri, loop, 1);
    }

    /**
     * As {@link #VideoSource(String, String, boolean)}, decoding to {@code channels}: 1 (8-bit gray)
     * or 3 (8-bit BGR). {@code uri} is a stream URL or {@code file:PATH} without options (see
     * {@link FrameSources} for {@code ?colour=true}).
     */
    public VideoSource(String name, String uri, boolean loop, int channels) throws CaptureException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(name + ": video channels must be 1 (gray) or 3 (BGR), got " + channels);
        }
        this.name = name;
        this.loop = loop && !isStream(uri);
        this.uri = uri;
        this.live = isStream(uri);
        this.channels = channels;
        String target = uri.startsWith("file:") ? uri.substring("file:".length()) : uri;
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(target);
        g.setPixelFormat(channels == 1 ? avutil.AV_PIX_FMT_GRAY8 : avutil.AV_PIX_FMT_BGR24);
        if (live) {
            // A short probe: 32 KB or half a second (0 would mean FFmpeg's default, 5 s), and no
            // waiting for 20 frames to guess the frame rate. The probed frames are kept and
            // delivered (not 'nobuffer'): the decoder thread drains them to the newest at once.
            g.setOption("probesize", "32768");
            g.setOption("analyzeduration", "500000");
            g.setOption("fpsprobesize", "0");
            g.setVideoOption("flags", "low_delay");
            if (uri.startsWith("rtsp:")) g.setOption("rtsp_transport", "tcp");
            g.setTimeout((int) STREAM_TIMEOUT_MICROS);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(g);
            throw new CaptureException(name + ": cannot open " + uri + " (" + e.getMessage() + ")", e);
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            closeQuietly(g);
            throw new CaptureException(name + ": " + uri + " has no video stream");
        }
        this.grabber = g;
        if (live) {
            this.frame = null;
            this.slots = new CapturedFrame[3];
            for (int i = 0; i < 3; i++) slots[i] = new CapturedFrame(g.getImageWidth(), g.getImageHeight(), channels);
            this.decoder = new Thread(this::decode, "sightline-stream-" + name);
            decoder.setDaemon(true);
            decoder.start();
        } else {
            this.frame = new CapturedFrame(g.getImageWidth(), g.getImageHeight(), channels);
            this.slots = null;
            this.decoder = null;
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception ignored) {
            // the reason it is being closed is the one to report
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return live ? slots[0].maxWidth() : frame.maxWidth();
    }

    @Override
    public int maxHeight() {
        return live ? slots[0].maxHeight() : frame.maxHeight();
    }

    @Override
    public int channels() {
        return channels;
    }

    /** Streams pace themselves; files are read as fast as the station triggers. */
    @Override
    public boolean live() {
        return live;
    }

    /** Decoded stream frames overtaken by a newer one before the station took them. */
    @Override
    public long skipped() {
        return skipped;
    }

    /** Frames the decoder failed on so far. */
    public long errors() {
        return errors;
    }

    /**
     * The next frame (a stream's newest), or null at the end of a file or once woken to stop. A
     * stream that ended or went silent is a {@link SourceLostException}.
     */
    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        if (!live) return decodeNext(frame);
        reader = Thread.currentThread();
        while (true) {
            int x = exchange.get();
            if ((x & FRESH) != 0) {
                if (exchange.compareAndSet(x, readSlot)) {
                    readSlot = x & 3;
                    return slots[readSlot];
                }
                continue;
            }
            String error = frameError;
            if (error != null) {
                frameError = null;
                throw new CaptureException(error);
            }
            if (stopping) return null;
            String why = lost;
            if (why != null) throw new SourceLostException(why);
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** The stream's decoder thread: always decoding, so the newest frame is always at hand. */
    private void decode() {
        int consecutiveErrors = 0;
        while (!stopping) {
            try {
                CapturedFrame f = decodeNext(slots[writeSlot]);
                if (f == null) {
                    lost = name + ": stream " + uri + " ended";
                    break;
                }
                consecutiveErrors = 0;
                int prev = exchange.getAndSet(writeSlot | FRESH);
                if ((prev & FRESH) != 0) skipped++;
                writeSlot = prev & 3;
            } catch (CaptureException e) {
                frameError = e.getMessage();
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    lost = name + ": stream " + uri + " lost after " + consecutiveErrors + " undecodable frames (" + e.getMessage() + ")";
                    break;
                }
            }
            Thread r = reader;
            if (r != null) LockSupport.unpark(r);
        }
        Thread r = reader;
        if (r != null) LockSupport.unpark(r);
    }

    /** Decodes the next frame into {@code into}; null at the end. */
    private CapturedFrame decodeNext(CapturedFrame into) throws CaptureException {
        long n = sequence++;
        Frame f;
        try {
            f = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " of " + uri + " cannot be decoded (" + e.getMessage() + ")", e);
        }
        if (f == null && loop && n > restartedAt) { // the end of a file that had frames: from the start again
            restartedAt = sequence;
            try {
                grabber.setTimestamp(0);
                f = grabber.grabImage();
            } catch (FrameGrabber.Exception | RuntimeException e) {
                errors++;
                throw new CaptureException(name + ": " + uri + " cannot be read again from its start (" + e.getMessage() + ")", e);
            }
        }
        if (f == null) return null;
        // JavaCV reports channels as row stride / width, which row padding can inflate for a narrow colour frame
        if (f.image == null || f.imageDepth != Frame.DEPTH_UBYTE || f.imageStride < f.imageWidth * channels
                || (channels == 1 ? f.imageChannels != 1 : f.imageChannels < 3)) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " of " + uri + " is not 8-bit " + (channels == 1 ? "gray" : "BGR")
                    + " after conversion ("
                    + f.imageChannels + " channels, depth " + f.imageDepth + ")");
        }
        if (f.imageWidth > into.maxWidth() || f.imageHeight > into.maxHeight()) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " of " + uri + " is " + f.imageWidth + "x" + f.imageHeight
                    + ", the stream started at " + into.maxWidth() + "x" + into.maxHeight());
        }
        ByteBuffer src = (ByteBuffer) f.image[0];
        if (src != lastImage) { // the decoder reuses its buffer: wrap it once
            lastImage = src;
            lastImagePointer = new BytePointer(src);
        }
        BytePointer dst = into.pixels();
        int w = f.imageWidth;
        int rowBytes = w * channels;
        long base = lastImagePointer.address();
        for (int y = 0; y < f.imageHeight; y++) {
            Pointer.memcpy(rowDst.moveTo(dst.address() + (long) y * rowBytes), rowSrc.moveTo(base + (long) y * f.imageStride), rowBytes);
        }
        into.set(w, f.imageHeight, n, System.nanoTime(), DefectKind.UNKNOWN);
        return into;
    }

    @Override
    public void wakeUp() {
        stopping = true;
        Thread r = reader;
        if (r != null) LockSupport.unpark(r);
    }

    /** Stops the decoder thread (within the stream timeout at worst), then frees the grabber and buffers. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stopping = true;
        if (decoder != null) {
            try {
                decoder.join(TimeUnit.MICROSECONDS.toMillis(STREAM_TIMEOUT_MICROS) + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (decoder.isAlive()) {
                // Still inside FFmpeg: freeing the grabber under it would crash the process. Leak it instead.
                return;
            }
        }
        closeQuietly(grabber);
        if (frame != null) frame.close();
        if (slots != null) for (CapturedFrame s : slots) s.close();
    }
}
