package io.sightline.natives.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Runs everywhere; the machine-dependent half assumes no usable GPU (see {@link CudaDevicesGpuTest} for the other). */
class CudaDevicesTest {

    @Test
    void discoveryWithoutGpuSaysWhatIsMissingAndNeverThrows() {
        CudaReport report = CudaDevices.discover();
        assumeFalse(report.available(), "this machine has a usable CUDA device: " + report.summary());
        String reason = report.reason().toLowerCase(Locale.ROOT);
        assertFalse(reason.isBlank());
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("libcudart") || reason.contains("driver")
                || reason.contains("no cuda device") || reason.contains("cudaerror"), "reason names what is missing: " + reason);
        assertTrue(report.devices().isEmpty());
        assertTrue(report.summary().startsWith("CUDA not available: "), report.summary());
        assertSame(report, CudaDevices.discover(), "discovery runs once per JVM");
        assertFalse(CudaDevices.usable());
    }

    @Test
    void loadingTheCudaRuntimeWithoutOneIsAReasonNotACrash() {
        assumeFalse(CudaDevices.usable(), "this machine has a GPU");
        String first = CudaDevices.loadRuntime();
        String second = CudaDevices.loadRuntime();
        if (first != null) {
            assertTrue(first.contains("libcudart.so.13") && first.contains("cannot be loaded"), first);
            assertNotNull(second, "a second attempt fails the same way, without crashing");
        }
    }

    @Test
    void autoResolvesToCpuAndLogsTheReasonOnce() {
        CudaReport report = CudaReport.unavailable("no NVIDIA driver: libcuda.so.1 cannot be loaded", 0, 0, 13010);
        Logger log = (Logger) LoggerFactory.getLogger("test.devices.auto");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        log.addAppender(events);
        CudaDevices.Selector selector = new CudaDevices.Selector(report, log);

        Device first = selector.select(DeviceRequest.AUTO);
        Device second = selector.select(DeviceRequest.parse("auto"));

        assertTrue(first.isCpu());
        assertEquals("cpu", second.toString());
        assertTrue(first.reason().contains("libcuda.so.1"), first.reason());
        List<ILoggingEvent> lines = events.list;
        assertEquals(1, lines.size(), "one log line for the fallback, not one per call: " + lines);
        assertTrue(lines.get(0).getFormattedMessage().contains("CPU"), lines.get(0).getFormattedMessage());
        assertTrue(lines.get(0).getFormattedMessage().contains("libcuda.so.1"), lines.get(0).getFormattedMessage());
    }

    @Test
    void autoOnThisMachineIsCpuUnlessItHasAGpu() {
        Device d = CudaDevices.select("auto");
        assertEquals(CudaDevices.usable(), d.isCuda());
        if (d.isCuda()) assertEquals(0, d.cudaIndex());
    }

    @Test
    void explicitCudaWithoutGpuIsAnErrorNamingTheReason() {
        CudaReport report = CudaReport.unavailable("no CUDA device: the NVIDIA driver (CUDA 13.0) is installed but sees no GPU", 13000, 13010, 13010);
        CudaDevices.Selector selector = new CudaDevices.Selector(report, LoggerFactory.getLogger("test.devices.explicit"));
        for (String spec : new String[] {"cuda", "cuda:0", "CUDA:1"}) {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> selector.select(DeviceRequest.parse(spec)));
            assertTrue(e.getMessage().contains("sees no GPU"), e.getMessage());
            assertTrue(e.getMessage().contains("cuda:"), "names the request: " + e.getMessage());
        }
        assertTrue(selector.select(DeviceRequest.CPU).isCpu());
    }

    @Test
    void explicitCudaOnThisMachineWithoutGpuThrows() {
        assumeFalse(CudaDevices.usable(), "this machine has a GPU");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaDevices.select("cuda"));
        assertTrue(e.getMessage().contains(CudaDevices.discover().reason()), e.getMessage());
    }

    @Test
    void selectsTheAskedDeviceAndRefusesOneThatDoesNotExist() {
        CudaReport report = CudaReport.available(13000, 13010, 13010, List.of(
                new CudaDevice(0, "Test GPU A", 16L << 30, 15L << 30, 8, 9, 58),
                new CudaDevice(1, "Test GPU B", 8L << 30, 7L << 30, 7, 5, 40)));
        CudaDevices.Selector selector = new CudaDevices.Selector(report, LoggerFactory.getLogger("test.devices.select"));
        assertEquals(Device.cuda(0, ""), selector.select(DeviceRequest.AUTO));
        assertEquals(Device.cuda(1, ""), selector.select(DeviceRequest.parse("cuda:1")));
        assertTrue(selector.select(DeviceRequest.parse("cpu")).isCpu());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> selector.select(DeviceRequest.parse("cuda:2")));
        assertTrue(e.getMessage().contains("cuda:2") && e.getMessage().contains("2 CUDA device(s)"), e.getMessage());
        assertEquals("8.9", report.devices().get(0).capability());
        assertEquals("13.1", CudaReport.version(13010));
    }

    @Test
    void badDeviceStringsAreRefusedNamingTheInputAndTheAcceptedForms() {
        for (String bad : new String[] {"cuda:-1", "gpu", "cuda:x", "cuda:", "cuda:0:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRequest.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), "names the input: " + e.getMessage());
            assertTrue(e.getMessage().contains(DeviceRequest.ACCEPTED_FORMS), "names the accepted forms: " + e.getMessage());
        }
        assertEquals(DeviceRequest.AUTO, DeviceRequest.parse(null));
        assertEquals(DeviceRequest.cuda(0), DeviceRequest.parse(" cuda "));
        assertEquals(3, DeviceRequest.parse("cuda:3").cudaIndex());
    }
}
