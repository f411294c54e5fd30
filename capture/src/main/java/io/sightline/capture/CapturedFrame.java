package io.sightline.capture;

import io.sightline.natives.NativeBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The frame a {@link FrameSource} just produced, in a buffer the source owns and reuses, like a
 * camera driver's DMA buffer: valid until the next {@code grab()} on the same source. Whoever needs
 * it longer copies the pixels (the station copies them into its ring slot).
 *
 * <p>Pixels are 8 bits per channel, row-major, {@link #stride()} bytes per row: one channel (gray)
 * or three interleaved in OpenCV's order, blue, green, red ({@link #channels()}, fixed per source:
 * a colour camera's every frame is BGR, demosaiced or reordered by the source if the camera sends
 * Bayer or RGB).
 *
 * <p>A frame either owns its pixel memory ({@link #CapturedFrame(int, int)}: the source decodes
 * into it) or {@linkplain #borrowing(int, int) borrows} the driver's buffer for the time between
 * two grabs (GigE Vision: the camera's buffer is handed to the station as is, so the only copy on
 * the way to the ring is the station's own).
 */
public final class CapturedFrame implements AutoCloseable {
    private final NativeBuffer buffer; // null when borrowing
    private final LentPixels lent;
    private final int maxWidth;
    private final int maxHeight;
    private final int channels;
    private int width;
    private int height;
    private long sequence;
    private long captureNanos;
    private DefectKind truth = DefectKind.UNKNOWN;

    /** A gray frame. */
    public CapturedFrame(int maxWidth, int maxHeight) {
        this(maxWidth, maxHeight, 1);
    }

    /**
     * @param channels 1 (8-bit gray) or 3 (8-bit BGR, interleaved)
     */
    public CapturedFrame(int maxWidth, int maxHeight, int channels) {
        if (maxWidth <= 0 || maxHeight <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + maxWidth + "x" + maxHeight);
        }
        this.channels = checkChannels(channels);
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        this.buffer = NativeBuffer.allocate((long) maxWidth * maxHeight * channels);
        this.lent = null;
        this.width = maxWidth;
        this.height = maxHeight;
    }

    private CapturedFrame(int maxWidth, int maxHeight, int channels, boolean borrowing) {
        if (maxWidth <= 0 || maxHeight <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + maxWidth + "x" + maxHeight);
        }
        this.channels = checkChannels(channels);
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        this.buffer = null;
        this.lent = new LentPixels();
        this.width = maxWidth;
        this.height = maxHeight;
    }

    /**
     * A frame with no pixel memory of its own: before each {@link #set}, the source
     * {@linkplain #lend lends} it the driver's buffer, valid until the source's next grab.
     */
    public static CapturedFrame borrowing(int maxWidth, int maxHeight) {
        return new CapturedFrame(maxWidth, maxHeight, 1, true);
    }

    /** As {@link #borrowing(int, int)}, for frames of {@code channels} (1 gray, 3 BGR). */
    public static CapturedFrame borrowing(int maxWidth, int maxHeight, int channels) {
        return new CapturedFrame(maxWidth, maxHeight, channels, true);
    }

    private static int checkChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("frame channels must be 1 (8-bit gray) or 3 (8-bit BGR), got " + channels);
        }
        return channels;
    }

    /** Points a {@linkplain #borrowing borrowing} frame at {@code address} (packed rows, width x channels bytes each). */
    public void lend(long address) {
        if (lent == null) throw new IllegalStateException("this frame owns its pixels; only a borrowing frame is lent a buffer");
        if (address == 0) throw new IllegalArgumentException("a null pixel buffer cannot be lent");
        lent.moveTo(address);
    }

    /** Native pixel memory, position 0; do not move it. */
    public BytePointer pixels() {
        return buffer != null ? buffer.bytes() : lent;
    }

    public long pixelAddress() {
        return buffer != null ? buffer.address() : lent.address();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Bytes per row: width x channels (rows are packed). */
    public int stride() {
        return width * channels;
    }

    /** 1: 8-bit gray; 3: 8-bit BGR, interleaved. The same for every frame of a source. */
    public int channels() {
        return channels;
    }

    public int maxWidth() {
        return maxWidth;
    }

    public int maxHeight() {
        return maxHeight;
    }

    /** Bytes of pixel data in this frame. */
    public long sizeBytes() {
        return (long) width * height * channels;
    }

    /**
     * The part id: the source's trigger counter, the camera's frame id or an encoder count, as the
     * source knows it. Increases by one per part; a gap is a part that was never framed, a repeat
     * a second frame of the same part ({@link PartIds} counts both).
     */
    public long sequence() {
        return sequence;
    }

    /** {@link System#nanoTime()} at exposure (or as close as the source knows). */
    public long captureNanos() {
        return captureNanos;
    }

    /** Ground truth, for scoring only; {@link DefectKind#UNKNOWN} for real cameras. */
    public DefectKind truth() {
        return truth;
    }

    /** Sources fill these after writing pixels. */
    public void set(int width, int height, long sequence, long captureNanos, DefectKind truth) {
        if (width <= 0 || height <= 0 || width > maxWidth || height > maxHeight) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " does not fit the source buffer "
                    + maxWidth + "x" + maxHeight);
        }
        this.width = width;
        this.height = height;
        this.sequence = sequence;
        this.captureNanos = captureNanos;
        this.truth = truth;
    }

    @Override
    public void close() {
        if (buffer != null) buffer.close();
        else lent.moveTo(0);
    }

    /** A byte pointer re-aimed at the lent buffer; owns nothing, frees nothing. */
    private static final class LentPixels extends BytePointer {
        void moveTo(long a) {
            address = a;
            position = 0;
            limit = 0;
            capacity = 0;
        }
    }
}
