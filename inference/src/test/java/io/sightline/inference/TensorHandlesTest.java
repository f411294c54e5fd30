package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.*;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class TensorHandlesTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void handleIsTheTensorsOwnAndTakingItAllocatesNothing() {
        try (TFloat32 tensor = TFloat32.tensorOf(Shape.of(2, 3, 4, 1))) {
            TF_Tensor handle = TensorHandles.of(tensor);
            assertEquals(2 * 3 * 4 * Float.BYTES, TF_TensorByteSize(handle));
            long sum = 0;
            for (int i = 0; i < 50_000; i++) sum += TensorHandles.of(tensor).address();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) sum += TensorHandles.of(tensor).address();
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertNotEquals(0, sum);
            assertTrue(allocated < 1024, "100,000 handle look-ups allocated " + allocated + " bytes");
        }
    }
}
