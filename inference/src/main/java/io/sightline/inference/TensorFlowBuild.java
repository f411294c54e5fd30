package io.sightline.inference;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetRegisteredKernelsForOp;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;

import io.sightline.natives.Natives;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;

/**
 * Which TensorFlow native library this process loaded: the CPU build ({@code tensorflow-core-native}
 * classifier {@code linux-x86_64}, the default) or the CUDA build ({@code linux-x86_64-gpu}, the
 * {@code -Pgpu} profile). Told apart without a GPU: only the CUDA build registers GPU kernels, so
 * the kernels registered for {@code MatMul} are listed and searched for device type {@code GPU}.
 */
public final class TensorFlowBuild {
    private static volatile Boolean hasCuda;

    private TensorFlowBuild() {}

    /** True when the loaded TensorFlow native library was built with CUDA (has GPU kernels). Cached. */
    public static boolean hasCuda() {
        Boolean b = hasCuda;
        if (b != null) return b;
        synchronized (TensorFlowBuild.class) {
            if (hasCuda == null) hasCuda = probe();
            return hasCuda;
        }
    }

    /** "TensorFlow 2.18.0, CPU build (no CUDA kernels)" or "TensorFlow 2.18.0, CUDA build". */
    public static String describe() {
        return "TensorFlow " + Natives.tensorflow() + ", " + (hasCuda() ? "CUDA build (GPU kernels registered)" : "CPU build (built without CUDA)");
    }

    private static boolean probe() {
        Natives.tensorflow();
        try (PointerScope scope = new PointerScope()) {
            TF_Status status = TF_Status.newStatus();
            TF_Buffer buffer = TF_GetRegisteredKernelsForOp("MatMul", status);
            try {
                if (TF_GetCode(status) != 0) {
                    throw new IllegalStateException("cannot list TensorFlow's registered kernels: " + TF_Message(status).getString());
                }
                KernelList kernels = KernelList.parseFrom(buffer.copyData());
                for (KernelDef k : kernels.getKernelList()) {
                    if ("GPU".equals(k.getDeviceType())) return true;
                }
                return false;
            } finally {
                if (buffer != null && !buffer.isNull()) TF_DeleteBuffer(buffer);
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot read TensorFlow's registered kernels: " + e.getMessage(), e);
        }
    }
}
