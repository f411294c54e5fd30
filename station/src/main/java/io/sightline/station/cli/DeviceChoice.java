package io.sightline.station.cli;

import io.sightline.inference.InferenceDevice;
import io.sightline.natives.cuda.CudaDevices;
import io.sightline.natives.cuda.CudaUnavailableException;
import io.sightline.natives.cuda.Device;
import io.sightline.natives.cuda.DeviceRequest;

/**
 * Where a station's workers preprocess and infer, from {@code --device} or {@code pipeline.device}:
 * {@code auto} takes CUDA device 0 when one is usable and the CPU otherwise (one log line says why);
 * an explicit {@code cuda} that cannot be honoured is refused, naming why. Inference also needs
 * TensorFlow's GPU build ({@code -Pgpu}); without it {@code auto} infers on the CPU and may still
 * preprocess on the GPU.
 */
record DeviceChoice(Device preprocess, InferenceDevice inference) {

    /**
     * @throws IllegalArgumentException naming the input when {@code spec} is not a device form
     * @throws CudaUnavailableException naming why when CUDA was asked for and cannot be used
     */
    static DeviceChoice resolve(String spec) {
        return resolve(spec, "fp32");
    }

    /**
     * {@link #resolve(String)}, inferring in {@code precision} ({@code fp32} or {@code bf16}).
     *
     * @throws IllegalArgumentException naming why bf16 cannot run here (a GPU, or a CPU without native bfloat16)
     */
    static DeviceChoice resolve(String spec, String precision) {
        io.sightline.inference.InferencePrecision p = io.sightline.inference.InferencePrecision.parse(precision);
        DeviceRequest request = DeviceRequest.parse(spec);
        Device d = CudaDevices.select(request);
        if (d.isCuda() && d.cudaIndex() != 0) {
            throw new CudaUnavailableException("device '" + spec + "': CUDA preprocessing runs on the first device (cuda:0) in this"
                    + " version; use cuda or auto");
        }
        return new DeviceChoice(d, InferenceDevice.choose(request).withPrecision(p));
    }

    String describe() {
        return "preprocessing on " + preprocess + ", inference on " + inference;
    }
}
