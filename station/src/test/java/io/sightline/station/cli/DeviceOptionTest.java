package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.cuda.CudaDevices;
import io.sightline.station.StationConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device} and {@code pipeline.device} on this machine: {@code auto} runs (on the CPU
 * without a GPU), an explicit {@code cuda} that cannot be honoured is refused before any frame,
 * naming why, and a form that is not a device is refused naming the input.
 */
class DeviceOptionTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void anExplicitCudaWithoutAUsableGpuIsRefusedNamingWhy() {
        Assumptions.assumeFalse(CudaDevices.usable(), "this machine has a usable GPU: the refusal cannot be shown here");
        String[] r = run("demo", "--device", "cuda", "--duration", "1", "--journal", "none", "--reject-images", "none", "--trend", "none");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains(CudaDevices.discover().reason()), "the reason is the one devices prints: " + r[2]);
    }

    @Test
    void aFormThatIsNotADeviceIsRefusedNamingIt() {
        String[] r = run("demo", "--device", "gpu", "--duration", "1");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("'gpu'") && r[2].contains("cuda:N"), r[2]);
    }

    @Test
    void autoRunsTheDemo() {
        String[] r = run("demo", "--device", "auto", "--lines", "1", "--duration", "1", "--width", "320", "--height", "256",
                "--journal", "none", "--reject-images", "none", "--trend", "none");
        assertEquals("0", r[0], "the demo ran on " + (CudaDevices.usable() ? "cuda:0" : "the CPU") + " and balanced: " + r[2]);
    }

    @Test
    void theStationTakesCudaPreprocessingOnTheFirstDeviceOnly() {
        var cuda1 = io.sightline.natives.cuda.Device.cuda(1, "test");
        var e = assertThrows(IllegalArgumentException.class,
                () -> StationConfig.defaults(Path.of("models/default")).withPreprocessDevice(cuda1));
        assertTrue(e.getMessage().contains("device: expected cpu or cuda:0"), e.getMessage());
    }

    @Test
    void theConfigNamesABadDeviceByItsKey(@TempDir Path dir) throws Exception {
        Path home = Path.of(System.getProperty("sightline.home", ".")).toAbsolutePath();
        Path video = Files.writeString(dir.resolve("v.avi"), "x");
        Path f = Files.writeString(dir.resolve("s.yaml"), """
                model: %s
                lines:
                  - views:
                      - source: file:%s
                pipeline:
                  device: gpu
                """.formatted(home.resolve("models/default"), video));
        String[] r = run("config", "check", f.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("pipeline.device: expected auto, cpu, cuda or cuda:N, got"), r[2]);
    }
}
