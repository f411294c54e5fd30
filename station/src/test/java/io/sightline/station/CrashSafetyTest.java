package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.DecisionJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real station process killed with SIGKILL at random moments: every reject signal that left it
 * (the reject log's complete lines) is in the decision journal, because the journal commits an
 * outcome before its signal is sent. {@code -Dsightline.kills=20} for the long run (default 3).
 */
class CrashSafetyTest {
    private static final Pattern SIGNAL = Pattern.compile(" reject line=(\\d+) part=(\\d+) reason=");

    @Test
    void aKilledStationLosesNoSignalledOutcome(@TempDir Path tmp) throws Exception {
        int kills = Integer.getInteger("sightline.kills", 3);
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("sightline"))) root = root.getParent();
        assertNotNull(root, "project root not found from " + System.getProperty("user.dir"));
        Random random = new Random(2026);
        long signalled = 0;
        for (int k = 0; k < kills; k++) {
            Path log = tmp.resolve("rejects-" + k + ".log");
            Path journal = tmp.resolve("journal-" + k + ".db");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "-Dsightline.home=" + root, "-Dorg.bytedeco.javacpp.nopointergc=true",
                    "io.sightline.station.cli.SightlineCli", "demo", "--duration", "60", "--fps", "100", "--defect-rate", "0.3",
                    "--trend", "none", "--journal", journal.toString(), "--reject-log", log.toString(), "--seed", String.valueOf(k));
            pb.redirectErrorStream(true).redirectOutput(tmp.resolve("out-" + k + ".txt").toFile());
            pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
            Process p = pb.start();
            // wait until it runs (the journal grows), then kill it at a random moment
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(log) || Files.size(log) == 0) {
                assertTrue(p.isAlive(), "the station exited early: " + Files.readString(tmp.resolve("out-" + k + ".txt")));
                assertTrue(System.nanoTime() < deadline, "the station did not start rejecting within 60 s");
                Thread.sleep(50);
            }
            Thread.sleep(200 + random.nextInt(2500));
            new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");

            Set<String> journaled = new HashSet<>();
            for (DecisionJournal.Entry e : DecisionJournal.query(journal, null, null, null, Integer.MAX_VALUE)) {
                if (!e.decision().equals("pass")) journaled.add(e.line() + "/" + e.part() + "/" + e.camera());
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher m = SIGNAL.matcher(line);
                if (!m.find()) continue; // a last line torn before its part id
                String key = m.group(1) + "/" + m.group(2) + "/synthetic:line-" + m.group(1);
                assertTrue(journaled.contains(key), "kill " + k + ": signal " + line + " is not in the journal");
                signalled++;
            }
        }
        assertTrue(signalled > 0, "some signals were sent before the kills");
    }
}
