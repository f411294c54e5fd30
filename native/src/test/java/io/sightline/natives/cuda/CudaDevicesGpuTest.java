package io.sightline.natives.cuda;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** Runs only on a machine with an NVIDIA GPU and a driver for CUDA 13; skips elsewhere, saying so. */
class CudaDevicesGpuTest {

    @Test
    void discoversAtLeastOneUsableDevice() {
        CudaReport report = CudaDevices.discover();
        assumeTrue(report.available(), () -> "needs an NVIDIA GPU with a CUDA 13 driver (R580 or newer); here: " + report.reason());
        assertTrue(report.devices().size() >= 1, report.summary());
        assertTrue(report.driverVersion() >= 13000, "driver supports CUDA " + CudaReport.version(report.driverVersion()));
        assertTrue(report.runtimeVersion() >= 13000, "runtime " + CudaReport.version(report.runtimeVersion()));
        for (CudaDevice d : report.devices()) {
            assertFalse(d.name().isBlank(), d.describe());
            assertTrue(d.totalMemoryBytes() > 0, d.describe());
            assertTrue(d.freeMemoryBytes() > 0 && d.freeMemoryBytes() <= d.totalMemoryBytes(), d.describe());
            assertTrue(d.capabilityAtLeast(5, 0), d.describe());
            assertTrue(d.multiprocessorCount() > 0, d.describe());
        }
        assertEquals(Device.cuda(0, ""), CudaDevices.select("auto"));
        assertEquals(Device.cuda(0, ""), CudaDevices.select("cuda"));
    }
}
