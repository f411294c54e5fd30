package org.tensorflow;

import org.tensorflow.internal.c_api.TF_Tensor;

/**
 * Exposes the native {@code TF_Tensor} behind a TensorFlow Java tensor.
 *
 * <p>TensorFlow Java 1.1.0 keeps {@code RawTensor.nativeHandle()} package-private. Sightline's
 * batched inference needs the tensor's native data address once per preallocated tensor (to copy
 * staged images in with {@code memcpy} instead of allocating a Java view per frame), so this
 * class lives in package {@code org.tensorflow} (a split package on the class path; the
 * TensorFlow jar is not sealed) and does nothing else.
 */
public final class SightlineTensorAccess {
    private SightlineTensorAccess() {}

    /**
     * The native handle of {@code tensor}; owned by the tensor and valid until it is closed. Does
     * not allocate.
     */
    public static TF_Tensor nativeHandle(Tensor tensor) {
        return tensor.asRawTensor().nativeHandle();
    }
}
