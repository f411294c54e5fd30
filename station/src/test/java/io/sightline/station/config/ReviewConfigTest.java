package io.sightline.station.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code review} section and {@code server.inspect-max-mb}: defaults, values, and bad values named by key and line. */
class ReviewConfigTest {
    @Test
    void noSectionNoQueueAndTheSectionsDefaults(@TempDir Path tmp) {
        StationFile none = ConfigFiles.read(tmp, ConfigFiles.MINIMAL);
        assertNull(none.review().dir());
        assertEquals(16L << 20, none.server().inspectMaxBytes());
        StationFile on = ConfigFiles.read(tmp, ConfigFiles.MINIMAL + "review: {per-hour: 5}\nserver: {inspect-max-mb: 2}\n");
        assertEquals(tmp.resolve("sightline-out/review"), on.review().dir());
        assertEquals(0.1f, on.review().band());
        assertEquals(5, on.review().perHour());
        assertEquals(1000, on.review().maxMb());
        assertEquals(2L << 20, on.server().inspectMaxBytes());
    }

    @Test
    void badValuesAreNamed(@TempDir Path tmp) {
        ConfigException e = ConfigFiles.bad(tmp, ConfigFiles.MINIMAL + "review:\n  band: 1.5\n  per-hour: 0\n  colour: red\nserver: {inspect-max-mb: 0}\n");
        ConfigFiles.assertProblem(e, 7, "review.band", "above 0 and below 1");
        ConfigFiles.assertProblem(e, 8, "review.per-hour", "1 to 1000000");
        ConfigFiles.assertProblem(e, 9, "review.colour", "per-hour");
        ConfigFiles.assertProblem(e, 10, "server.inspect-max-mb", "1 to 1024");
    }
}
