package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A station started with SIGHUP ignored (nohup, {@code trap '' HUP}) never receives it: the start
 * must say so instead of promising a reload.
 */
class ProcessSignalsTest {
    /** The child JVM's work: install the handlers and print what {@code run} would warn. */
    public static void main(String[] args) {
        try (ProcessSignals s = ProcessSignals.install()) {
            String w = s.hupWarning(false);
            System.out.println(w == null ? "no warning" : w);
        }
    }

    @Test
    void theSigIgnMaskOfARealProcessWithHupIgnoredSaysSo() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "a Linux /proc");
        String status = shell("trap '' HUP; exec cat /proc/self/status");
        assertTrue(status.contains("SigIgn:"), status);
        assertTrue(ProcessSignals.ignored(status, 1), "HUP (signal 1, bit 0) is ignored: " + sigIgn(status));
        String none = status.replaceAll("SigIgn:\\s*\\p{XDigit}+", "SigIgn:\t0000000000000000");
        assertFalse(ProcessSignals.ignored(none, 1), "nothing ignored");
        String pipeOnly = status.replaceAll("SigIgn:\\s*\\p{XDigit}+", "SigIgn:\t0000000000001000");
        assertFalse(ProcessSignals.ignored(pipeOnly, 1), "only PIPE (13) ignored");
        assertTrue(ProcessSignals.ignored(pipeOnly, 13));
        assertFalse(ProcessSignals.ignored("Name:\tx\n", 1), "no SigIgn line: not known to be ignored");
    }

    @Test
    void aJvmStartedWithHupIgnoredWarnsAndNamesTheOtherWaysToReload() throws Exception {
        String out = shell("trap '' HUP; exec " + java() + " io.sightline.station.cli.ProcessSignalsTest");
        assertTrue(out.contains("SIGHUP is ignored by this process"), out);
        assertTrue(out.contains("POST /api/thresholds") && out.contains("enable server"), out);
    }

    @Test
    void aJvmWithHupDeliveredDoesNotWarn() throws Exception {
        Assumptions.assumeFalse(ProcessSignals.ignored(Files.readString(Path.of("/proc/self/status")), 1),
                "this test runs with HUP ignored itself (under nohup): its children inherit that");
        assertEquals("no warning", shell("exec " + java() + " io.sightline.station.cli.ProcessSignalsTest").strip());
        try (ProcessSignals s = ProcessSignals.install()) {
            assertNull(s.hupWarning(true));
            assertTrue(s.reloadsOnHup());
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -cp '" + System.getProperty("java.class.path") + "'";
    }

    private static String shell(String script) throws Exception {
        Process p = new ProcessBuilder(List.of("bash", "-c", script)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static String sigIgn(String status) {
        return status.lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("(none)");
    }
}
