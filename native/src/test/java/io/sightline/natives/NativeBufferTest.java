package io.sightline.natives;

import static org.junit.jupiter.api.Assertions.*;

import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

class NativeBufferTest {
    @Test
    void aWrappedBufferSeesTheOwnersMemoryAndNeverFreesIt() {
        try (NativeBuffer owner = NativeBuffer.allocate(64)) {
            owner.bytes().put(10, (byte) 42);
            NativeBuffer view = NativeBuffer.wrap(owner.bytes(), 64);
            assertEquals(owner.address(), view.address());
            assertEquals(42, view.bytes().get(10), "the same memory");
            view.bytes().put(11, (byte) 7);
            assertEquals(7, owner.bytes().get(11));
            view.close();
            view.close(); // idempotent
            assertTrue(view.isClosed());
            assertThrows(IllegalStateException.class, view::bytes, "a closed view refuses use");
            owner.bytes().put(12, (byte) 9); // the owner's memory is still there: closing the view did not free it
            assertEquals(9, owner.bytes().get(12));
        }
    }

    @Test
    void wrapRefusesWhatItCannotView() {
        assertThrows(IllegalArgumentException.class, () -> NativeBuffer.wrap(null, 8));
        try (NativeBuffer owner = NativeBuffer.allocate(16)) {
            assertThrows(IllegalArgumentException.class, () -> NativeBuffer.wrap(owner.bytes(), 0));
            BytePointer moved = new BytePointer(owner.bytes()).position(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBuffer.wrap(moved, 8));
            assertTrue(e.getMessage().contains("position 0"), e.getMessage());
        }
    }
}
