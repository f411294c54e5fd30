package io.sightline.capture;

import io.sightline.natives.NativeBuffer;
import org.bytedeco.javacpp.BytePointer;

/**
 * The frame a {@link FrameSource} just produced, in a buffer the source owns and reuses, like a
 * camera driver's DMA buffer: valid until the next {@code grab()} on the same source. Whoever needs
 * it longer copies the pixels (the station copies them into its ring slot).
 *
 * <p>Pixels are 8-bit gray, row-major, {@link #stride()} bytes per row.
 */
public final class CapturedFrame implements AutoCloseable {
    private final NativeBuffer buffer;
    private final int maxWidth;
    private final int maxHeight;
    private int width;
    private int height;
    private long sequence;
    private long captureNanos;
    private DefectKind truth = DefectKind.UNKNOWN;

    public CapturedFrame(int maxWidth, int maxHeight) {
        if (maxWidth <= 0 || maxHeight <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + maxWidth + "x" + maxHeight);
        }
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        this.buffer = NativeBuffer.allocate((long) maxWidth * maxHeight);
        this.width = maxWidth;
        this.height = maxHeight;
    }

    /** Native pixel memory, position 0; do not move it. */
    public BytePointer pixels() {
        return buffer.bytes();
    }

    public long pixelAddress() {
        return buffer.address();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int stride() {
        return width;
    }

    public int maxWidth() {
        return maxWidth;
    }

    public int maxHeight() {
        return maxHeight;
    }

    /** Bytes of pixel data in this frame. */
    public long sizeBytes() {
        return (long) width * height;
    }

    /** The source's own frame counter (the part id when one part is one frame). */
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
        buffer.close();
    }
}
