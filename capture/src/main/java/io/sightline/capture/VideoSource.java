package io.sightline.capture;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import io.sightline.natives.MovablePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Video files and network streams through JavaCV's {@link FFmpegFrameGrabber} (OpenCV's
 * VideoCapture has no FFmpeg backend in this build), decoded straight to 8-bit gray.
 *
 * <pre>
 *   file:PATH                 a video file; frames as fast as the station's trigger asks, ending with the file
 *   rtsp://, rtp://, tcp://, udp://, http://   a stream, opened for low latency: no input buffering,
 *                             low-delay decoding, a short probe (a station wants the newest frame)
 * </pre>
 *
 * A frame the decoder cannot produce is a {@link CaptureException} naming the source and the
 * frame number; the station counts it as an unreadable fail-safe reject and asks for the next.
 * Part ids are the decoder's frame numbers. Not thread-safe: one camera thread grabs.
 */
public final class VideoSource implements FrameSource {
    private final String name;
    private final String uri;
    private final FFmpegFrameGrabber grabber;
    private final CapturedFrame frame;
    private long sequence;
    private long errors;
    private ByteBuffer lastImage;
    private BytePointer lastImagePointer;
    private final MovablePointer rowSrc = new MovablePointer();
    private final MovablePointer rowDst = new MovablePointer();
    private boolean closed;

    /** True for the URL schemes this source opens as a live stream. */
    public static boolean isStream(String uri) {
        for (String scheme : new String[] {"rtsp://", "rtp://", "tcp://", "udp://", "http://", "https://", "srt://"}) {
            if (uri.startsWith(scheme)) return true;
        }
        return false;
    }

    /** Opens {@code uri} ("file:PATH" or a stream URL) and reads its first frame's size. */
    public VideoSource(String name, String uri) throws CaptureException {
        this.name = name;
        this.uri = uri;
        String target = uri.startsWith("file:") ? uri.substring("file:".length()) : uri;
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(target);
        g.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
        if (!uri.startsWith("file:")) {
            g.setOption("fflags", "nobuffer");
            g.setOption("flags", "low_delay");
            g.setOption("probesize", "32768");
            g.setOption("analyzeduration", "0");
            if (uri.startsWith("rtsp:")) g.setOption("rtsp_transport", "tcp");
            g.setTimeout(5_000_000);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try {
                g.close();
            } catch (FrameGrabber.Exception ignored) {
                // the open failure is the one to report
            }
            throw new CaptureException(name + ": cannot open " + uri + " (" + e.getMessage() + ")", e);
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            try {
                g.close();
            } catch (FrameGrabber.Exception ignored) {
                // reported below
            }
            throw new CaptureException(name + ": " + uri + " has no video stream");
        }
        this.grabber = g;
        this.frame = new CapturedFrame(g.getImageWidth(), g.getImageHeight());
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

    /** Frames the decoder failed on so far. */
    public long errors() {
        return errors;
    }

    /** The next frame, or null at the end of a file or stream. */
    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        long n = sequence++;
        Frame f;
        try {
            f = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " of " + uri + " cannot be decoded (" + e.getMessage() + ")", e);
        }
        if (f == null) return null;
        if (f.image == null || f.imageChannels != 1 || f.imageDepth != Frame.DEPTH_UBYTE) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " of " + uri + " is not 8-bit gray after conversion ("
                    + f.imageChannels + " channels, depth " + f.imageDepth + ")");
        }
        if (f.imageWidth > frame.maxWidth() || f.imageHeight > frame.maxHeight()) {
            errors++;
            throw new CaptureException(name + ": frame " + n + " of " + uri + " is " + f.imageWidth + "x" + f.imageHeight
                    + ", the stream started at " + frame.maxWidth() + "x" + frame.maxHeight());
        }
        ByteBuffer src = (ByteBuffer) f.image[0];
        if (src != lastImage) { // the decoder reuses its buffer: wrap it once
            lastImage = src;
            lastImagePointer = new BytePointer(src);
        }
        BytePointer dst = frame.pixels();
        int w = f.imageWidth;
        long base = lastImagePointer.address();
        for (int y = 0; y < f.imageHeight; y++) {
            Pointer.memcpy(rowDst.moveTo(dst.address() + (long) y * w), rowSrc.moveTo(base + (long) y * f.imageStride), w);
        }
        frame.set(w, f.imageHeight, n, System.nanoTime(), DefectKind.UNKNOWN);
        return frame;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            grabber.close();
        } catch (FrameGrabber.Exception ignored) {
            // closing anyway
        }
        frame.close();
    }
}
