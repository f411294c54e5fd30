package io.sightline.preprocess.cuda;

import static io.sightline.preprocess.cuda.Cuda.check;
import static io.sightline.preprocess.cuda.Cuda.checkDriver;
import static io.sightline.preprocess.cuda.Cuda.checkNvrtc;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDeviceGetAttribute;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;

import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The CPU {@link io.sightline.preprocess.Preprocessor}'s per-frame work (optional undistortion,
 * ROI crop, INTER_AREA resize, normalisation) as one fused CUDA kernel ({@code preprocess.cu},
 * compiled by NVRTC for this device's compute capability at construction), with the same
 * arithmetic as OpenCV: see {@link PreprocessArithmetic}.
 *
 * <pre>
 *   caller's frame --memcpy--> pinned in[b] --H2D, stream b--> device in[b]
 *        --kernel, stream b (maps: device, uploaded once)--> device out[b]
 *        --D2H, stream b--> pinned out[b] --memcpy--> caller's tensor slot      (b = frame index &amp; 1)
 * </pre>
 *
 * Two buffers, each with its own stream: in {@link #processBatch} the host copy and upload of
 * frame k+1 run while the kernel of frame k runs. The result is copied back into the caller's
 * (host) tensor memory; nothing is left on the device.
 *
 * <p>One instance per worker thread (not thread-safe). Everything native is allocated in the
 * constructor and freed in {@link #close()}; {@link #process} and {@link #processBatch} allocate
 * nothing. Only whole-number shrink factors are supported ({@link KernelPlan#of}).
 */
public final class CudaPreprocessor implements AutoCloseable {
    private static final int BUFFERS = 2;
    private static final int BLOCK = 16;
    static final String KERNEL_RESOURCE = "preprocess.cu";
    static final String KERNEL_NAME = "sightline_preprocess";

    private final PreprocessSpec spec;
    private final KernelPlan plan;
    private final int frameWidth;
    private final int frameHeight;
    private final int stride;
    private final long frameBytes;
    private final int floatsPerImage;
    private final String architecture;
    private final BytePointer[] pinnedIn = new BytePointer[BUFFERS];
    private final FloatPointer[] pinnedOut = new FloatPointer[BUFFERS];
    private final Pointer[] deviceIn = new Pointer[BUFFERS];
    private final Pointer[] deviceOut = new Pointer[BUFFERS];
    private final CUstream_st[] streams = new CUstream_st[BUFFERS];
    private final PointerPointer<?>[] kernelParams = new PointerPointer<?>[BUFFERS];
    /** The argument values the kernel parameter arrays point at. */
    private final List<Pointer> argStorage = new ArrayList<>();
    private Pointer deviceMapX;
    private Pointer deviceMapY;
    private CUmod_st module;
    private CUfunc_st function;
    private boolean closed;

    /** Whether the kernel takes this spec: gray frames into a gray model (no colour, no conversion). */
    public static boolean supports(PreprocessSpec spec) {
        return spec.channels() == 1 && spec.inputChannels() == 1;
    }

    /**
     * @param stride bytes per row of the frames this instance will be given
     * @param lens the camera's undistortion (its maps are uploaded once), or null to use frames as they come
     * @throws CudaUnavailableException when CUDA cannot be loaded or there is no device (names what is missing)
     * @throws CudaException when a CUDA or NVRTC call fails (names the call, with CUDA's message or NVRTC's log)
     * @throws IllegalArgumentException when the ROI is not a whole multiple of the input, the sizes do not fit,
     *     or the spec is not gray throughout ({@link #supports}: colour lines, and lines whose channels are
     *     converted, preprocess on the CPU)
     */
    public CudaPreprocessor(PreprocessSpec spec, int frameWidth, int frameHeight, int stride, Undistorter lens) {
        if (!supports(spec)) {
            throw new IllegalArgumentException("CUDA preprocessing takes 8-bit gray frames into a gray model only, the spec has "
                    + spec.channels() + " frame channel(s) and " + spec.inputChannels()
                    + " model input channel(s) (colour and converting lines preprocess on the CPU)");
        }
        spec.checkFits(frameWidth, frameHeight);
        if (stride < frameWidth) throw new IllegalArgumentException("row stride " + stride + " is smaller than the width " + frameWidth);
        if (lens != null && (lens.width() != frameWidth || lens.height() != frameHeight)) {
            throw new IllegalArgumentException("the camera calibration is for " + lens.width() + "x" + lens.height()
                    + " frames, not " + frameWidth + "x" + frameHeight);
        }
        this.spec = spec;
        this.plan = KernelPlan.of(spec);
        this.frameWidth = frameWidth;
        this.frameHeight = frameHeight;
        this.stride = stride;
        this.frameBytes = (long) stride * frameHeight;
        this.floatsPerImage = spec.floatsPerImage();
        Cuda.requireDevice();
        try {
            check(cudaSetDevice(0), "cudaSetDevice(0)");
            int[] major = new int[1];
            int[] minor = new int[1];
            check(cudaDeviceGetAttribute(major, cudaDevAttrComputeCapabilityMajor, 0), "cudaDeviceGetAttribute(compute capability major)");
            check(cudaDeviceGetAttribute(minor, cudaDevAttrComputeCapabilityMinor, 0), "cudaDeviceGetAttribute(compute capability minor)");
            this.architecture = "sm_" + major[0] + minor[0];
            loadKernel(compile(architecture));
            allocateBuffers();
            if (lens != null) uploadMaps(lens);
            for (int b = 0; b < BUFFERS; b++) kernelParams[b] = parameters(b);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    public PreprocessSpec spec() {
        return spec;
    }

    /** The GPU architecture the kernel was compiled for, e.g. {@code sm_90}. */
    public String architecture() {
        return architecture;
    }

    /**
     * Preprocesses one frame into {@code dst} (at its position, {@code inputHeight x inputWidth}
     * floats) and returns when they are there.
     */
    public void process(BytePointer frame, FloatPointer dst) {
        checkOpen();
        checkDestination(dst, 1);
        submit(0, frame);
        finish(0, dst, 0);
    }

    /**
     * Preprocesses {@code frames[0..count)} into slots {@code 0..count} of {@code batch}
     * ([count, H, W, 1] floats from its position), pipelined over the two buffers, and returns when
     * all are there.
     */
    public void processBatch(BytePointer[] frames, int count, FloatPointer batch) {
        checkOpen();
        if (count < 0 || count > frames.length) {
            throw new IllegalArgumentException("count " + count + " is outside 0.." + frames.length + " frames");
        }
        checkDestination(batch, count);
        for (int k = 0; k < count; k++) {
            int b = k & 1;
            if (k >= BUFFERS) finish(b, batch, (long) (k - BUFFERS) * floatsPerImage);   // buffer b's previous frame
            submit(b, frames[k]);
        }
        for (int k = Math.max(0, count - BUFFERS); k < count; k++) finish(k & 1, batch, (long) k * floatsPerImage);
    }

    /** Copies the frame into buffer b's pinned memory and queues upload, kernel and download on its stream. */
    private void submit(int b, BytePointer frame) {
        if (frame.capacity() != 0 && frame.capacity() - frame.position() < frameBytes) {
            throw new IllegalArgumentException("frame holds " + (frame.capacity() - frame.position()) + " bytes, "
                    + frameHeight + " rows of " + stride + " need " + frameBytes);
        }
        Pointer.memcpy(pinnedIn[b], frame, frameBytes);
        check(cudaMemcpyAsync(deviceIn[b], pinnedIn[b], frameBytes, cudaMemcpyHostToDevice, streams[b]), "cudaMemcpyAsync(frame to device)");
        checkDriver(cuLaunchKernel(function, ceilDiv(spec.inputWidth(), BLOCK), ceilDiv(spec.inputHeight(), BLOCK), 1,
                BLOCK, BLOCK, 1, 0, streams[b], kernelParams[b], null), "cuLaunchKernel(" + KERNEL_NAME + ")");
        check(cudaMemcpyAsync(pinnedOut[b], deviceOut[b], (long) floatsPerImage * Float.BYTES, cudaMemcpyDeviceToHost, streams[b]),
                "cudaMemcpyAsync(tensor to host)");
    }

    /** Waits for buffer b's stream and copies its tensor to {@code dst}'s position + {@code floatOffset}. */
    private void finish(int b, FloatPointer dst, long floatOffset) {
        check(cudaStreamSynchronize(streams[b]), "cudaStreamSynchronize(" + KERNEL_NAME + ")");
        long position = dst.position();
        try {
            dst.position(position + floatOffset).put(pinnedOut[b]);
        } finally {
            dst.position(position);
        }
    }

    private void checkDestination(FloatPointer dst, int frames) {
        long needed = (long) frames * floatsPerImage;
        if (dst.capacity() != 0 && dst.capacity() - dst.position() < needed) {
            throw new IllegalArgumentException("destination holds " + (dst.capacity() - dst.position()) + " floats, "
                    + frames + " model inputs need " + needed);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("CUDA preprocessor is closed");
    }

    static String kernelSource() {
        try (InputStream in = CudaPreprocessor.class.getResourceAsStream(KERNEL_RESOURCE)) {
            if (in == null) throw new IllegalStateException("kernel source " + KERNEL_RESOURCE + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the kernel source " + KERNEL_RESOURCE, e);
        }
    }

    /** NVRTC: the kernel source to a CUBIN for {@code arch} (IEEE float division, no fast math). */
    private static byte[] compile(String arch) {
        _nvrtcProgram program = new _nvrtcProgram();
        checkNvrtc(nvrtcCreateProgram(program, new BytePointer(kernelSource()), new BytePointer(KERNEL_RESOURCE), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null), "nvrtcCreateProgram(" + KERNEL_RESOURCE + ")", null);
        try (PointerPointer<BytePointer> options = new PointerPointer<>("--gpu-architecture=" + arch, "--fmad=false", "--std=c++17")) {
            int err = nvrtcCompileProgram(program, 3, options);
            checkNvrtc(err, "nvrtcCompileProgram(" + KERNEL_RESOURCE + ", " + arch + ")", err == 0 ? null : log(program));
            try (SizeTPointer size = new SizeTPointer(1)) {
                checkNvrtc(nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize", null);
                byte[] cubin = new byte[(int) size.get()];
                checkNvrtc(nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN", null);
                return cubin;
            }
        } finally {
            nvrtcDestroyProgram(program);
        }
    }

    private static String log(_nvrtcProgram program) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtcGetProgramLogSize(program, size) != 0) return null;
            byte[] text = new byte[(int) size.get()];
            if (nvrtcGetProgramLog(program, text) != 0) return null;
            return new String(text, 0, Math.max(0, text.length - 1), StandardCharsets.UTF_8);
        }
    }

    private void loadKernel(byte[] cubin) {
        CUmod_st m = new CUmod_st();
        try (BytePointer image = new BytePointer(cubin)) {
            checkDriver(cuModuleLoadData(m, image), "cuModuleLoadData(" + KERNEL_RESOURCE + " for " + architecture + ")");
        }
        module = m;
        CUfunc_st f = new CUfunc_st();
        checkDriver(cuModuleGetFunction(f, module, KERNEL_NAME), "cuModuleGetFunction(" + KERNEL_NAME + ")");
        function = f;
    }

    private void allocateBuffers() {
        long outBytes = (long) floatsPerImage * Float.BYTES;
        for (int b = 0; b < BUFFERS; b++) {
            CUstream_st s = new CUstream_st();
            check(cudaStreamCreate(s), "cudaStreamCreate");
            streams[b] = s;
            Pointer p = new Pointer();
            check(cudaMallocHost(p, frameBytes), "cudaMallocHost(" + frameBytes + " bytes, frame)");
            pinnedIn[b] = new BytePointer(p).capacity(frameBytes).limit(frameBytes);
            p = new Pointer();
            check(cudaMallocHost(p, outBytes), "cudaMallocHost(" + outBytes + " bytes, tensor)");
            pinnedOut[b] = new FloatPointer(p).capacity(floatsPerImage).limit(floatsPerImage);
            deviceIn[b] = deviceAlloc(frameBytes, "frame");
            deviceOut[b] = deviceAlloc(outBytes, "tensor");
        }
    }

    private static Pointer deviceAlloc(long bytes, String what) {
        Pointer p = new Pointer();
        check(cudaMalloc(p, bytes), "cudaMalloc(" + bytes + " bytes, " + what + ")");
        return p;
    }

    /** The Undistorter's maps, as float source coordinates, uploaded once. */
    private void uploadMaps(Undistorter lens) {
        int n = frameWidth * frameHeight;
        float[] x = new float[n];
        float[] y = new float[n];
        lens.copyMaps(x, y);
        long bytes = (long) n * Float.BYTES;
        deviceMapX = deviceAlloc(bytes, "undistortion map x");
        deviceMapY = deviceAlloc(bytes, "undistortion map y");
        try (FloatPointer hx = new FloatPointer(x); FloatPointer hy = new FloatPointer(y)) {
            check(cudaMemcpy(deviceMapX, hx, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(undistortion map x)");
            check(cudaMemcpy(deviceMapY, hy, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(undistortion map y)");
        }
    }

    /** The kernel's argument array for buffer b, in {@code sightline_preprocess}'s parameter order. */
    private PointerPointer<?> parameters(int b) {
        Pointer[] args = {
                address(deviceIn[b]), ints(stride), ints(frameWidth), ints(frameHeight),
                address(deviceMapX), address(deviceMapY),
                ints(spec.roiX()), ints(spec.roiY()),
                ints(plan.kx()), ints(plan.ky()), ints(plan.twoStep() ? 1 : 0), floats(plan.areaScale()),
                floats(plan.alpha()), floats(plan.beta()),
                ints(spec.inputWidth()), ints(spec.inputHeight()), address(deviceOut[b]),
        };
        PointerPointer<?> params = new PointerPointer<>(args);
        argStorage.add(params);
        return params;
    }

    private Pointer address(Pointer device) {
        return keep(new LongPointer(1).put(device == null ? 0L : device.address()));
    }

    private Pointer ints(int v) {
        return keep(new IntPointer(1).put(v));
    }

    private Pointer floats(float v) {
        return keep(new FloatPointer(1).put(v));
    }

    private Pointer keep(Pointer p) {
        argStorage.add(p);
        return p;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Waits for the streams and frees every native resource; safe to call more than once. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int b = 0; b < BUFFERS; b++) {
            if (streams[b] != null) {
                cudaStreamSynchronize(streams[b]);
                cudaStreamDestroy(streams[b]);
                streams[b] = null;
            }
            if (pinnedIn[b] != null) cudaFreeHost(pinnedIn[b]);
            if (pinnedOut[b] != null) cudaFreeHost(pinnedOut[b]);
            if (deviceIn[b] != null) cudaFree(deviceIn[b]);
            if (deviceOut[b] != null) cudaFree(deviceOut[b]);
            pinnedIn[b] = null;
            pinnedOut[b] = null;
            deviceIn[b] = null;
            deviceOut[b] = null;
        }
        if (deviceMapX != null) cudaFree(deviceMapX);
        if (deviceMapY != null) cudaFree(deviceMapY);
        deviceMapX = null;
        deviceMapY = null;
        if (module != null) cuModuleUnload(module);
        module = null;
        function = null;
        for (Pointer p : argStorage) p.close();
        argStorage.clear();
    }
}
