package io.sightline.capture;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.sightline.natives.Natives;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The frame a {@link GigeVisionSource} hands out, made from the camera's buffers of one
 * {@link GigePixelFormat}: Mono8 and BGR8 buffers are lent to a borrowing frame as they are; RGB8
 * and Bayer buffers are converted to BGR by OpenCV into a frame of its own.
 *
 * <p>The camera's buffers are a fixed pool, so a source header (Mat) is made once per buffer
 * address and reused: after the first round of the pool, a conversion allocates nothing.
 */
final class GigeFrames implements AutoCloseable {
    private final GigePixelFormat format;
    private final CapturedFrame frame;
    private final Mat destination; // null when lent
    private final long[] addresses;
    private final Mat[] sources;
    private int known;

    /** @param buffers the camera buffers to expect (the stream's pool) */
    GigeFrames(GigePixelFormat format, int width, int height, int buffers) {
        this.format = format;
        if (format.lent()) {
            this.frame = CapturedFrame.borrowing(width, height, format.channels());
            this.destination = null;
        } else {
            Natives.opencv();
            this.frame = new CapturedFrame(width, height, 3);
            this.destination = new Mat(height, width, CV_8UC3, frame.pixels());
        }
        this.addresses = new long[buffers];
        this.sources = new Mat[buffers];
    }

    CapturedFrame frame() {
        return frame;
    }

    /**
     * What is wrong with a buffer of this format code, size, byte count and row padding; null when
     * it can be used.
     */
    String problem(int pixelFormat, int width, int height, long bytes, int xPadding, long data) {
        if (pixelFormat != format.pfnc()) {
            return "is pixel format 0x" + Integer.toHexString(pixelFormat) + ", expected " + format + " (0x"
                    + Integer.toHexString(format.pfnc()) + ")";
        }
        boolean fits = width > 0 && height > 0 && width <= frame.maxWidth() && height <= frame.maxHeight()
                && (format.lent() || (width == frame.maxWidth() && height == frame.maxHeight()));
        if (!fits || data == 0 || bytes < (long) width * height * format.bytesPerPixel() || xPadding != 0) {
            return "is " + width + "x" + height + " with " + bytes + " bytes and row padding " + xPadding + "; expected packed "
                    + format + " rows " + (format.lent() ? "within " : "of ") + frame.maxWidth() + "x" + frame.maxHeight();
        }
        return null;
    }

    /** Makes the frame from the buffer at {@code data} ({@link #problem} said it fits). Allocates nothing after warm-up. */
    void fill(long data) {
        if (destination == null) frame.lend(data);
        else opencv_imgproc.cvtColor(source(data), destination, format.opencvCode());
    }

    private Mat source(long address) {
        for (int i = 0; i < known; i++) if (addresses[i] == address) return sources[i];
        if (known == sources.length) { // a pool larger than announced: forget the oldest header
            sources[0].close();
            System.arraycopy(addresses, 1, addresses, 0, known - 1);
            System.arraycopy(sources, 1, sources, 0, known - 1);
            known--;
        }
        Mat header = new Mat(frame.maxHeight(), frame.maxWidth(), format.bytesPerPixel() == 3 ? CV_8UC3 : CV_8UC1, new Lent(address));
        addresses[known] = address;
        sources[known++] = header;
        return header;
    }

    @Override
    public void close() {
        for (int i = 0; i < known; i++) sources[i].close();
        known = 0;
        if (destination != null) destination.close();
        frame.close();
    }

    /** A pointer at a camera buffer; owns nothing. */
    private static final class Lent extends BytePointer {
        Lent(long a) {
            address = a;
        }
    }
}
