package io.sightline.natives;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class NativesTest {
    @Test
    void loadsOpenCvAndTensorFlowOnceAndReportsVersions() {
        String cv = Natives.opencv();
        assertTrue(cv.startsWith("4.13"), "OpenCV version " + cv);
        assertSame(cv, Natives.opencv(), "second load must return the cached result");
        String tf = Natives.tensorflow();
        assertTrue(tf.startsWith("2."), "TensorFlow version " + tf);
    }

    @Test
    void bufferIsZeroedSharedByItsViewsAndFreedOnce() {
        NativeBuffer buffer = NativeBuffer.allocateFloats(1024);
        assertEquals(4096, buffer.capacityBytes());
        for (int i = 0; i < 1024; i++) assertEquals(0f, buffer.floats().get(i));
        buffer.floats().put(7, 1.5f);
        assertEquals(1.5f, buffer.byteBuffer().getFloat(7 * Float.BYTES), "NIO and JavaCPP views share memory");
        assertEquals(buffer.address(), buffer.bytes().address());
        buffer.close();
        buffer.close(); // idempotent
        assertTrue(buffer.isClosed());
        assertThrows(IllegalStateException.class, buffer::floats);
    }

    @Test
    void rejectsImpossibleSizesWithTheSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeBuffer.allocate(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
