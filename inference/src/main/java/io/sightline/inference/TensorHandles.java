package io.sightline.inference;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.tensorflow.RawTensor;
import org.tensorflow.Tensor;
import org.tensorflow.internal.c_api.TF_Tensor;

/**
 * The native {@code TF_Tensor} behind a TensorFlow Java tensor.
 *
 * <p>TensorFlow Java 1.1.0 keeps {@code RawTensor.nativeHandle()} package-private and its public
 * API gives no address of a tensor's memory ({@code RawTensor.data()} is a buffer without one).
 * The batched classifier needs that address once per preallocated input tensor (to copy staged
 * images in with {@code memcpy} instead of a Java view per frame) and per output (to copy the
 * probabilities out). Rather than a class of ours in TensorFlow's package, this looks the method
 * up once, privately, and calls it through a constant {@link MethodHandle}: no allocation per
 * call. TensorFlow is on the class path (one unnamed module), where that lookup is allowed.
 */
final class TensorHandles {
    private static final MethodHandle NATIVE_HANDLE = lookUp();

    private TensorHandles() {}

    /** The native handle of {@code tensor}; owned by the tensor and valid until it is closed. Does not allocate. */
    static TF_Tensor of(Tensor tensor) {
        RawTensor raw = tensor.asRawTensor();
        try {
            return (TF_Tensor) NATIVE_HANDLE.invokeExact(raw);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("RawTensor.nativeHandle() failed", t);
        }
    }

    private static MethodHandle lookUp() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(RawTensor.class, MethodHandles.lookup());
            return lookup.findVirtual(RawTensor.class, "nativeHandle", MethodType.methodType(TF_Tensor.class));
        } catch (ReflectiveOperationException | IllegalAccessError | SecurityException e) {
            throw new ExceptionInInitializerError("TensorFlow Java " + RawTensor.class.getPackage().getImplementationVersion()
                    + ": RawTensor.nativeHandle() is not reachable (" + e + "); the batched classifier needs it");
        }
    }
}
