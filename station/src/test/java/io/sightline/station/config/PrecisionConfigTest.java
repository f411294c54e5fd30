package io.sightline.station.config;

import static io.sightline.station.config.ConfigFiles.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pipeline.precision}: fp32 unless the file says bf16; anything else names the key and the choices. */
class PrecisionConfigTest {
    @TempDir
    Path dir;

    @Test
    void precisionDefaultsToFp32AndReadsBf16() {
        assertEquals("fp32", ConfigFiles.read(dir, ConfigFiles.MINIMAL).pipeline().precision());
        StationFile f = ConfigFiles.read(dir, ConfigFiles.MINIMAL + "pipeline: {precision: bf16}\n");
        assertEquals("bf16", f.pipeline().precision());
        assertEquals("auto", f.pipeline().device(), "the other pipeline keys keep their defaults");
    }

    @Test
    void anUnknownPrecisionIsAProblemNamingTheKey() {
        ConfigException e = ConfigFiles.bad(dir, ConfigFiles.MINIMAL + "pipeline:\n  precision: fp16\n");
        assertProblem(e, 7, "pipeline.precision", "fp32 or bf16", "fp16");
    }
}
