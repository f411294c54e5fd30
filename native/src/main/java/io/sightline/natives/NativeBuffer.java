package io.sightline.natives;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One block of off-heap memory with a deterministic lifetime.
 *
 * <p>Allocated once (frame slots, tensor areas, camera buffers), zeroed, and freed exactly once by
 * {@link #close()}: never by a finalizer or JavaCPP's GC thread. The views ({@link #bytes()},
 * {@link #floats()}, {@link #byteBuffer()}) are made once at construction, so hot paths use them
 * without allocating. Callers must not move the views' positions.
 */
public final class NativeBuffer implements AutoCloseable {
    private final long capacityBytes;
    private final Pointer block;
    private final BytePointer bytes;
    private final FloatPointer floats;
    private final ByteBuffer byteBuffer;
    /** False for {@link #wrap}: the memory is someone else's and is never freed here. */
    private final boolean owner;
    private boolean closed;

    private NativeBuffer(long capacityBytes) {
        if (capacityBytes <= 0 || capacityBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("native buffer size must be between 1 and "
                    + Integer.MAX_VALUE + " bytes, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.block = Pointer.malloc(capacityBytes);
        if (block == null || block.isNull()) {
            throw new OutOfMemoryError("could not allocate " + capacityBytes + " bytes of native memory");
        }
        Pointer.memset(block, 0, capacityBytes);
        this.bytes = new BytePointer(block).capacity(capacityBytes);
        this.floats = new FloatPointer(block).capacity(capacityBytes / Float.BYTES);
        this.byteBuffer = bytes.asByteBuffer().order(ByteOrder.nativeOrder());
        this.owner = true;
    }

    private NativeBuffer(Pointer memory, long capacityBytes) {
        if (memory == null || memory.isNull()) throw new IllegalArgumentException("cannot wrap a null pointer");
        if (memory.position() != 0) throw new IllegalArgumentException("wrap a pointer at position 0, got " + memory.position());
        if (capacityBytes <= 0 || capacityBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("wrapped native memory must be between 1 and " + Integer.MAX_VALUE + " bytes, got "
                    + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.block = new Pointer(memory);
        this.bytes = new BytePointer(block).capacity(capacityBytes);
        this.floats = new FloatPointer(block).capacity(capacityBytes / Float.BYTES);
        this.byteBuffer = bytes.asByteBuffer().order(ByteOrder.nativeOrder());
        this.owner = false;
    }

    /**
     * Views {@code capacityBytes} of memory that someone else owns (a replay's recorded frame): the
     * same views as an allocated buffer, but {@link #close()} only retires them and never frees
     * the memory. The owner must keep the memory alive until this buffer is closed.
     */
    public static NativeBuffer wrap(Pointer memory, long capacityBytes) {
        return new NativeBuffer(memory, capacityBytes);
    }

    /** Allocates {@code capacityBytes} of zeroed native memory. */
    public static NativeBuffer allocate(long capacityBytes) {
        return new NativeBuffer(capacityBytes);
    }

    /** Allocates room for {@code count} floats. */
    public static NativeBuffer allocateFloats(long count) {
        return new NativeBuffer(count * Float.BYTES);
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public long address() {
        return block.address();
    }

    public BytePointer bytes() {
        checkOpen();
        return bytes;
    }

    public FloatPointer floats() {
        checkOpen();
        return floats;
    }

    /** An NIO view over the whole block, in native byte order. */
    public ByteBuffer byteBuffer() {
        checkOpen();
        return byteBuffer;
    }

    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("native buffer of " + capacityBytes + " bytes already freed");
    }

    /** Frees the memory (a {@linkplain #wrap wrapped} buffer's stays its owner's); idempotent. Views must not be used afterwards. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (owner) Pointer.free(block);
    }
}
