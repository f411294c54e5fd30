package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.sightline.natives.cuda.CudaDevice;
import io.sightline.natives.cuda.CudaDevices;
import io.sightline.natives.cuda.CudaReport;
import io.sightline.natives.cuda.CudaUnavailableException;
import io.sightline.natives.cuda.Device;
import io.sightline.natives.cuda.DeviceRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.helpers.MarkerIgnoringBase;
import org.tensorflow.proto.ConfigProto;

class InferenceDeviceTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path tempDir;

    @Test
    void tensorflowHereIsTheCpuBuild() {
        assertFalse(TensorFlowBuild.hasCuda(), "the default build uses tensorflow-core-native linux-x86_64, without CUDA");
        assertTrue(TensorFlowBuild.describe().contains("CPU build"), TensorFlowBuild.describe());
    }

    @Test
    void cpuSessionOptionsAreUnchangedAndTheModelStillLoadsAndClassifies() {
        // The CPU build keeps TensorFlow's defaults exactly: no ConfigProto, or only the thread settings.
        assertNull(InferenceDevice.cpu().sessionConfig(0, false));
        ConfigProto threads = InferenceDevice.cpu().sessionConfig(2, false);
        assertEquals(2, threads.getIntraOpParallelismThreads());
        assertEquals(-1, threads.getInterOpParallelismThreads());
        assertTrue(threads.getExperimental().getDisableThreadSpinning());
        assertTrue(threads.getDeviceCountMap().isEmpty());
        assertFalse(threads.hasGpuOptions());
        // With the CUDA build, the CPU device hides the GPUs.
        assertEquals(0, InferenceDevice.cpu().sessionConfig(0, true).getDeviceCountOrThrow("GPU"));

        ModelInfo info = TestModels.info(List.of("ok", "scratch"), 16, 16);
        Path dir = TestModels.export(tempDir.resolve("m"), info, TestModels.biasOnly(new float[] {0f, (float) Math.log(3)}, 1, 0));
        InferenceDevice device = InferenceDevice.choose("auto");
        assumeFalse(device.isGpu(), "this machine runs TensorFlow on a GPU");
        try (ModelPackage model = ModelPackage.load(dir, 1, device); BatchClassifier classifier = model.newClassifier(4)) {
            assertTrue(model.device().device().isCpu());
            classifier.stage(0, TestModels.noiseImage(info.floatsPerImage(), new Random(1)));
            classifier.stage(1, TestModels.noiseImage(info.floatsPerImage(), new Random(2)));
            classifier.run(2);
            assertEquals(0.75f, classifier.defectScore(0), 1e-5f);
            assertEquals(0.75f, classifier.defectScore(1), 1e-5f);
        }
    }

    @Test
    void gpuSessionOptions() {
        ConfigProto gpu = InferenceDevice.gpu(1, 0.5).sessionConfig(0, true);
        assertTrue(gpu.getAllowSoftPlacement());
        assertTrue(gpu.getGpuOptions().getAllowGrowth());
        assertEquals("1", gpu.getGpuOptions().getVisibleDeviceList());
        assertEquals(0.5, gpu.getGpuOptions().getPerProcessGpuMemoryFraction(), 1e-9);
        assertTrue(gpu.getDeviceCountMap().isEmpty());
        assertEquals(0.0, InferenceDevice.gpu(0, 0).sessionConfig(0, true).getGpuOptions().getPerProcessGpuMemoryFraction());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceDevice.gpu(0, 1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void gpuWithTheCpuBuildOfTensorFlowIsReportedClearly() {
        Device gpu0 = Device.cuda(0, "asked for");
        // Explicit cuda: an error naming the request and the mismatch.
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> InferenceDevice.choose(DeviceRequest.parse("cuda"), gpu0, false,
                new Recorder(), new AtomicBoolean()));
        assertTrue(e.getMessage().contains("'cuda:0'"), e.getMessage());
        assertTrue(e.getMessage().contains("TensorFlow native library is the CPU build (built without CUDA"), e.getMessage());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());

        // auto: the CPU, and one WARN line however often it is asked.
        Recorder log = new Recorder();
        AtomicBoolean logged = new AtomicBoolean();
        InferenceDevice a = InferenceDevice.choose(DeviceRequest.AUTO, gpu0, false, log, logged);
        InferenceDevice b = InferenceDevice.choose(DeviceRequest.AUTO, gpu0, false, log, logged);
        assertFalse(a.isGpu());
        assertFalse(b.isGpu());
        assertTrue(a.reason().contains("CPU build"), a.reason());
        assertEquals(1, log.lines.size(), log.lines.toString());
        assertTrue(log.lines.get(0).contains("built without CUDA"), log.lines.get(0));

        // The CUDA build keeps the GPU.
        assertTrue(InferenceDevice.choose(DeviceRequest.AUTO, gpu0, true, log, logged).isGpu());
        // And a GPU session on the CPU build is refused before TensorFlow sees it.
        assertThrows(CudaUnavailableException.class, () -> InferenceDevice.gpu(0, 0).sessionConfig(0, false));
    }

    @Test
    void explicitCudaOnThisMachineIsAnError() {
        assumeFalse(CudaDevices.usable() && TensorFlowBuild.hasCuda(), "this machine runs TensorFlow on a GPU");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> InferenceDevice.choose("cuda:0"));
        assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
    }

    @Test
    void batchSizeRule() {
        assertEquals(16, BatchSizes.maxBatch(InferenceDevice.cpu(), CudaReport.unavailable("none", 0, 0, 0)));
        assertEquals(64, BatchSizes.maxBatchForGpu(24 * GIB));
        assertEquals(64, BatchSizes.maxBatchForGpu(8 * GIB));
        assertEquals(32, BatchSizes.maxBatchForGpu(8 * GIB - 1));
        assertEquals(32, BatchSizes.maxBatchForGpu(4 * GIB));
        assertEquals(16, BatchSizes.maxBatchForGpu(3 * GIB));
        assertEquals(8, BatchSizes.maxBatchForGpu(1 * GIB));
        assertEquals(8, BatchSizes.maxBatchForGpu(0));
        CudaReport report = CudaReport.available(13000, 13010, 13010, List.of(
                new CudaDevice(0, "big", 80 * GIB, 70 * GIB, 9, 0, 132), new CudaDevice(1, "small", 4 * GIB, 3 * GIB, 7, 5, 40)));
        assertEquals(64, BatchSizes.maxBatch(InferenceDevice.gpu(0, 0), report));
        assertEquals(16, BatchSizes.maxBatch(InferenceDevice.gpu(1, 0), report));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchSizes.maxBatch(InferenceDevice.gpu(2, 0), report));
        assertTrue(e.getMessage().contains("cuda:2"), e.getMessage());
    }

    /** Collects formatted WARN lines. */
    private static final class Recorder extends MarkerIgnoringBase {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new ArrayList<>();

        @Override public boolean isTraceEnabled() { return false; }
        @Override public void trace(String msg) {}
        @Override public void trace(String format, Object arg) {}
        @Override public void trace(String format, Object arg1, Object arg2) {}
        @Override public void trace(String format, Object... arguments) {}
        @Override public void trace(String msg, Throwable t) {}
        @Override public boolean isDebugEnabled() { return false; }
        @Override public void debug(String msg) {}
        @Override public void debug(String format, Object arg) {}
        @Override public void debug(String format, Object arg1, Object arg2) {}
        @Override public void debug(String format, Object... arguments) {}
        @Override public void debug(String msg, Throwable t) {}
        @Override public boolean isInfoEnabled() { return false; }
        @Override public void info(String msg) {}
        @Override public void info(String format, Object arg) {}
        @Override public void info(String format, Object arg1, Object arg2) {}
        @Override public void info(String format, Object... arguments) {}
        @Override public void info(String msg, Throwable t) {}
        @Override public boolean isWarnEnabled() { return true; }
        @Override public void warn(String msg) { lines.add(msg); }
        @Override public void warn(String format, Object arg) { lines.add(format.replace("{}", String.valueOf(arg))); }
        @Override public void warn(String format, Object arg1, Object arg2) { lines.add(format + arg1 + arg2); }
        @Override public void warn(String format, Object... arguments) { lines.add(format + List.of(arguments)); }
        @Override public void warn(String msg, Throwable t) { lines.add(msg); }
        @Override public boolean isErrorEnabled() { return false; }
        @Override public void error(String msg) {}
        @Override public void error(String format, Object arg) {}
        @Override public void error(String format, Object arg1, Object arg2) {}
        @Override public void error(String format, Object... arguments) {}
        @Override public void error(String msg, Throwable t) {}
    }
}
