package io.sightline.natives;

import org.bytedeco.javacpp.FloatPointer;

/**
 * A pointer re-aimed at a raw address before each copy, so that copies between native buffers,
 * and between native memory and Java arrays, allocate nothing on the hot path. Position 0, no
 * deallocator: it owns no memory. Not thread-safe: one per copying thread.
 */
public final class MovablePointer extends FloatPointer {
    /** Points at {@code nativeAddress} (position 0) and returns itself. */
    public MovablePointer moveTo(long nativeAddress) {
        address = nativeAddress;
        position = 0;
        return this;
    }
}
