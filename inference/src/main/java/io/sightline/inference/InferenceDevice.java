package io.sightline.inference;

import io.sightline.natives.cuda.CudaDevices;
import io.sightline.natives.cuda.CudaReport;
import io.sightline.natives.cuda.CudaUnavailableException;
import io.sightline.natives.cuda.Device;
import io.sightline.natives.cuda.DeviceRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Where a model's TensorFlow session runs, and the session options that put it there.
 *
 * <pre>
 *   DeviceRequest (auto | cpu | cuda[:N])
 *     --CudaDevices.select-->  Device (cpu, or cuda:N when CUDA is usable; explicit cuda without it: error)
 *     --TensorFlowBuild.hasCuda()-->  cuda:N needs the CUDA build of TensorFlow (-Pgpu):
 *                                       auto: CPU + one WARN line; explicit cuda: error
 *     --sessionConfig(intraOpThreads)-->  ConfigProto for SavedModelBundle.Loader
 * </pre>
 *
 * <p>Session options:
 * <ul>
 *   <li>CPU with the CPU build of TensorFlow (the default build): exactly as before this class
 *       existed: no {@code ConfigProto} at all, or only the thread settings when
 *       {@code intraOpThreads > 0}.</li>
 *   <li>CPU with the CUDA build: the same plus {@code device_count {key: "GPU" value: 0}}, so no GPU is
 *       touched.</li>
 *   <li>{@code cuda:N} (CUDA build): {@code allow_soft_placement} (an op without a GPU kernel runs
 *       on the CPU instead of failing), {@code gpu_options.allow_growth} (memory taken as needed,
 *       not all of it at start), {@code gpu_options.visible_device_list = "N"}, and
 *       {@code per_process_gpu_memory_fraction} when one is given. With the visible device list,
 *       physical device N is TensorFlow's {@code /device:GPU:0} inside the process, where a
 *       SavedModel's unpinned ops are placed. TensorFlow requires the same visible device list for
 *       every session of a process: load every model of one process on the same GPU.</li>
 *   <li>{@link InferencePrecision#BF16} (CPU only): {@code graph_options.rewrite_options
 *       .auto_mixed_precision_onednn_bfloat16 = ON} on top of the above.</li>
 * </ul>
 */
public final class InferenceDevice {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceDevice.class);
    private static final AtomicBoolean MISMATCH_LOGGED = new AtomicBoolean();
    private static final InferenceDevice CPU = new InferenceDevice(Device.cpu(), 0, "asked for");

    private final Device device;
    private final double gpuMemoryFraction;
    private final String reason;
    private final InferencePrecision precision;

    private InferenceDevice(Device device, double gpuMemoryFraction, String reason) {
        this(device, gpuMemoryFraction, reason, InferencePrecision.FP32);
    }

    private InferenceDevice(Device device, double gpuMemoryFraction, String reason, InferencePrecision precision) {
        this.device = device;
        this.gpuMemoryFraction = gpuMemoryFraction;
        this.reason = reason;
        this.precision = precision;
    }

    /** The CPU: what {@link ModelPackage#load(java.nio.file.Path)} uses. */
    public static InferenceDevice cpu() {
        return CPU;
    }

    /**
     * CUDA device {@code index}, taking at most {@code memoryFraction} of its memory (0: no cap,
     * grow as needed). No check against the machine: use {@link #choose(DeviceRequest)} for that.
     *
     * @throws IllegalArgumentException for a negative index or a fraction outside [0, 1]
     */
    public static InferenceDevice gpu(int index, double memoryFraction) {
        if (!(memoryFraction >= 0 && memoryFraction <= 1)) {
            throw new IllegalArgumentException("GPU memory fraction must be from 0 (no cap) to 1, got " + memoryFraction);
        }
        return new InferenceDevice(Device.cuda(index, "asked for"), memoryFraction, "asked for");
    }

    /**
     * Resolves {@code request} on this machine: CUDA discovery ({@link CudaDevices}) and the
     * TensorFlow build ({@link TensorFlowBuild}).
     *
     * @throws CudaUnavailableException when CUDA was asked for explicitly and cannot be used, or
     *     TensorFlow is the CPU build
     */
    public static InferenceDevice choose(DeviceRequest request) {
        Device d = CudaDevices.select(request);
        return choose(request, d, d.isCuda() && TensorFlowBuild.hasCuda(), LOG, MISMATCH_LOGGED);
    }

    /** {@link #choose(DeviceRequest)} of {@link DeviceRequest#parse(String) parse(spec)}. */
    public static InferenceDevice choose(String spec) {
        return choose(DeviceRequest.parse(spec));
    }

    /**
     * The decision once the CUDA device is known: {@code cuda} resolved to a GPU needs a
     * TensorFlow built with CUDA ({@code tensorflowHasCuda}); otherwise explicit requests are
     * refused and {@code auto} runs on the CPU, logging why on {@code log} once per {@code logged}.
     */
    static InferenceDevice choose(DeviceRequest request, Device cudaChoice, boolean tensorflowHasCuda, Logger log, AtomicBoolean logged) {
        if (cudaChoice.isCpu()) {
            return new InferenceDevice(cudaChoice, 0, cudaChoice.reason());
        }
        if (tensorflowHasCuda) {
            return new InferenceDevice(cudaChoice, 0, cudaChoice.reason());
        }
        String mismatch = mismatchMessage(cudaChoice);
        if (request.kind() == DeviceRequest.Kind.CUDA) {
            throw new CudaUnavailableException("device '" + request + "' was asked for but " + mismatch + "; use --device cpu or auto to run on the CPU");
        }
        if (logged.compareAndSet(false, true)) {
            log.warn("Inference runs on the CPU: {}", mismatch);
        }
        return new InferenceDevice(Device.cpu(mismatch), 0, "auto: " + mismatch);
    }

    static String mismatchMessage(Device cudaChoice) {
        return "CUDA device " + cudaChoice.cudaIndex() + " is usable but the TensorFlow native library is the CPU build (built without CUDA, "
                + "tensorflow-core-native classifier linux-x86_64); build with -Pgpu (classifier linux-x86_64-gpu, which needs the "
                + "CUDA 12 and cuDNN 9 libraries) to run inference on the GPU";
    }

    /** The device: {@code cpu} or {@code cuda:N}. */
    public Device device() {
        return device;
    }

    public boolean isGpu() {
        return device.isCuda();
    }

    /** The cap on the GPU memory TensorFlow takes (0: none, allow growth). */
    public double gpuMemoryFraction() {
        return gpuMemoryFraction;
    }

    /** Why this device. */
    public String reason() {
        return reason;
    }

    /** This device with TensorFlow's GPU memory capped at {@code fraction} (0: no cap). */
    public InferenceDevice withGpuMemoryFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("GPU memory fraction must be from 0 (no cap) to 1, got " + fraction);
        }
        return new InferenceDevice(device, fraction, reason, precision);
    }

    /** The arithmetic the sessions run in. */
    public InferencePrecision precision() {
        return precision;
    }

    /**
     * This device computing in {@code p}.
     *
     * @throws IllegalArgumentException naming why when {@code p} is bf16 on a GPU or on a CPU
     *     without native bfloat16 (see {@link InferencePrecision#unsupportedReason()})
     */
    public InferenceDevice withPrecision(InferencePrecision p) {
        java.util.Objects.requireNonNull(p, "precision");
        if (p == InferencePrecision.BF16) {
            if (isGpu()) throw new IllegalArgumentException("precision bf16 is oneDNN's, for the CPU; inference runs on " + device + ": use fp32");
            String why = p.unsupportedReason();
            if (why != null) throw new IllegalArgumentException("precision bf16: " + why);
        }
        return new InferenceDevice(device, gpuMemoryFraction, reason, p);
    }

    /**
     * The session options for this device with this process's TensorFlow build: what
     * {@link ModelPackage#load(java.nio.file.Path, int, InferenceDevice)} passes to the loader, for
     * code that loads a SavedModel itself. Null where TensorFlow's defaults are kept unchanged.
     */
    public ConfigProto sessionConfig(int intraOpThreads) {
        return sessionConfig(intraOpThreads, TensorFlowBuild.hasCuda());
    }

    /**
     * The session options for this device (see the class comment); null where TensorFlow's
     * defaults are kept unchanged (CPU, CPU build, default threads).
     */
    ConfigProto sessionConfig(int intraOpThreads, boolean tensorflowHasCuda) {
        if (isGpu() && !tensorflowHasCuda) {
            throw new CudaUnavailableException("device '" + device + "' cannot be used: " + mismatchMessage(device));
        }
        ConfigProto.Builder config = null;
        if (intraOpThreads > 0) {
            // One inter-op thread (the CNN is a chain of ops), no spinning: as ModelPackage did before devices existed.
            config = ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(intraOpThreads).setInterOpParallelismThreads(-1)
                    .setExperimental(ConfigProto.Experimental.newBuilder().setDisableThreadSpinning(true));
        }
        if (!isGpu()) {
            if (precision == InferencePrecision.BF16) {
                if (config == null) config = ConfigProto.newBuilder();
                config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder()
                        .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
            }
            if (!tensorflowHasCuda) return config == null ? null : config.build();
            if (config == null) config = ConfigProto.newBuilder();
            return config.putDeviceCount("GPU", 0).build();
        }
        if (config == null) config = ConfigProto.newBuilder();
        GPUOptions.Builder gpu = GPUOptions.newBuilder().setAllowGrowth(true).setVisibleDeviceList(Integer.toString(device.cudaIndex()));
        if (gpuMemoryFraction > 0) gpu.setPerProcessGpuMemoryFraction(gpuMemoryFraction);
        return config.setAllowSoftPlacement(true).setGpuOptions(gpu).build();
    }

    /** "cpu" or "cuda:N". */
    @Override
    public String toString() {
        return precision == InferencePrecision.FP32 ? device.toString() : device + " (" + precision + ")";
    }
}
