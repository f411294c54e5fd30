package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.natives.Natives;
import io.sightline.postprocess.DecisionJournal;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sightline run --config FILE} as the process a plant runs: started in its own JVM, sent
 * SIGHUP to reload its thresholds and SIGTERM to stop. The drain must give every captured frame its
 * outcome, flush the journal and the reject log, and exit 0; a config the start-up checks refuse
 * must stop it before the first frame with a message naming what is wrong.
 */
class RunLifecycleTest {
    private static final String TOKEN = "lifecycle-test-token-0123456789";
    private static final Path HOME = Path.of(System.getProperty("sightline.home", ".")).toAbsolutePath().normalize();

    /** Eight synthetic parts as PNG files: the folder source loops over them for as long as the station runs. */
    private static Path frames(Path dir) throws Exception {
        Natives.opencv();
        Path frames = Files.createDirectories(dir.resolve("frames"));
        try (SyntheticPartCamera cam = new SyntheticPartCamera("gen", new SyntheticPartCamera.Options(320, 256, 0.25, 5, 8))) {
            for (int i = 0; i < 8; i++) {
                CapturedFrame f = cam.grab();
                try (Mat m = new Mat(f.height(), f.width(), org.bytedeco.opencv.global.opencv_core.CV_8UC1, f.pixels())) {
                    assertTrue(opencv_imgcodecs.imwrite(frames.resolve(String.format("part-%02d.png", i)).toString(), m));
                }
            }
        }
        return frames;
    }

    private static String config(Path dir, Path frames, String threshold) {
        return """
                station:
                  name: lifecycle-test
                model: %s
                camera:
                  fps: 100
                lines:
                  - name: line-0
                    views:
                      - name: top
                        source: folder:%s
                decision:
                  threshold: %s
                trend:
                  detectors: none
                reject:
                  delay-ms: 300
                  log: %s
                journal:
                  path: %s
                reject-images:
                  dir: none
                server:
                  bind: 127.0.0.1
                  port: 0
                  token: %s
                """.formatted(HOME.resolve("models/default"), frames, threshold, dir.resolve("rejects.log"), dir.resolve("journal.db"),
                TOKEN);
    }

    private static Process start(Path dir, Path configFile) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dsightline.home=" + HOME,
                "io.sightline.station.cli.SightlineCli", "run", "--config", configFile.toString(), "--json"));
        return new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    private static String stderr(Path dir) throws Exception {
        return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    }

    private static void awaitStderr(Process p, Path dir, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!stderr(dir).contains(text)) {
            if (!p.isAlive()) fail("the station ended before logging '" + text + "':\n" + stderr(dir));
            if (System.nanoTime() - end > 0) {
                p.destroyForcibly();
                fail("no '" + text + "' within 90 s:\n" + stderr(dir));
            }
            Thread.sleep(50);
        }
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    @Test
    void sighupReloadsTheThresholdsAndSigtermDrainsEveryFrameThenExitsZero(@TempDir Path dir) throws Exception {
        Path frames = frames(dir);
        Path configFile = dir.resolve("station.yaml");
        Files.writeString(configFile, config(dir, frames, "0.5"));
        Process p = start(dir, configFile);
        try {
            awaitStderr(p, dir, "station started");
            Thread.sleep(1000);
            Files.writeString(configFile, config(dir, frames, "0.25"));
            signal(p, "HUP");
            awaitStderr(p, dir, "threshold changed by SIGHUP");
            // the dashboard's endpoint changes a threshold too, with the token, and says who asked
            java.util.regex.Matcher url = java.util.regex.Pattern.compile("dashboard (http://127\\.0\\.0\\.1:\\d+/)").matcher(stderr(dir));
            assertTrue(url.find(), stderr(dir));
            var http = java.net.http.HttpClient.newHttpClient();
            var post = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1) + "api/thresholds")).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"line\":0,\"threshold\":0.3,\"by\":\"qa\"}"));
            assertEquals(401, http.send(post.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(), "no token, no change");
            var ok = http.send(post.header("Authorization", "Bearer " + TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            var metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1) + "metrics"))
                    .header("Authorization", "Bearer " + TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("sightline_parts_captured_total{line=\"0\"}"), metrics.body());
            Thread.sleep(500);
            p.destroy(); // SIGTERM, with ~100 frames a second still arriving
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the drain must end:\n" + stderr(dir));
        } finally {
            p.destroyForcibly();
        }
        String err = stderr(dir);
        assertEquals(0, p.exitValue(), "a SIGTERM drain exits 0:\n" + err);
        assertTrue(err.contains("stopping (SIGTERM)"), err);

        List<String> out = Files.readAllLines(dir.resolve("stdout.txt"));
        JsonNode s = new ObjectMapper().readTree(out.get(out.size() - 1));
        long captured = s.get("captured").asLong();
        assertTrue(captured > 100, "it ran: " + captured);
        assertEquals(0, s.get("inFlight").asLong());
        long rejects = s.get("rejected").asLong() + s.get("failsafe").asLong();
        assertEquals(captured, s.get("passed").asLong() + rejects, "every captured frame has its outcome");
        assertEquals("SIGTERM", s.get("stoppedBy").asText());
        assertEquals(0.3, s.get("thresholds").get(0).asDouble(), 1e-6);

        Path journal = dir.resolve("journal.db");
        assertEquals(captured, DecisionJournal.query(journal, null, null, null, 1_000_000).size(),
                "the journal holds every outcome after the drain");
        List<DecisionJournal.Change> changes = DecisionJournal.changes(journal, 100);
        assertTrue(changes.stream().anyMatch(c -> c.setting().equals("lines[0].threshold") && c.oldValue().equals("0.5")
                && c.newValue().equals("0.25") && c.requestedBy().startsWith("SIGHUP reload of")), changes.toString());
        assertTrue(changes.stream().anyMatch(c -> c.setting().equals("lines[0].threshold") && c.oldValue().equals("0.25")
                && c.newValue().equals("0.3") && c.requestedBy().contains("qa") && c.requestedBy().contains("127.0.0.1")), changes.toString());
        long logged = Files.readAllLines(dir.resolve("rejects.log")).stream().filter(l -> l.contains(" reject line=")).count();
        assertEquals(rejects, logged, "the reject log was flushed with every reject signal");
    }

    @Test
    void aStartUpCheckThatFailsRefusesToRunBeforeTheFirstFrame(@TempDir Path dir) throws Exception {
        Path frames = frames(dir);
        Path configFile = dir.resolve("station.yaml");
        // the journal's folder is a file: the journal cannot be written
        Files.writeString(dir.resolve("blocked"), "not a folder");
        Files.writeString(configFile, config(dir, frames, "0.5").replace(dir.resolve("journal.db").toString(),
                dir.resolve("blocked").resolve("journal.db").toString()));
        Process p = start(dir, configFile);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        String err = stderr(dir);
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("start-up check failed: journal writable"), err);
        assertTrue(err.contains("cameras open: ok") && err.contains("model loads: ok"), "the checks before it passed: " + err);
        assertFalse(err.contains("station started"), "no frame was accepted: " + err);
        assertFalse(new File(dir.resolve("rejects.log").toString()).exists() && Files.size(dir.resolve("rejects.log")) > 0);
    }

    @Test
    void aModelNotSignedByATrustedSignerIsRefusedAtStartAndASignedCopyPassesTheCheck(@TempDir Path dir) throws Exception {
        Path frames = frames(dir);
        Path keys = dir.resolve("keys");
        assertEquals(0, io.sightline.station.cli.SightlineCli.execute("model", "keygen", "--out", keys.toString(), "--name", "qa-team"));
        Path configFile = dir.resolve("station.yaml");
        String signed = "model-signers: [" + keys.resolve("qa-team.pub") + "]\n";
        Files.writeString(configFile, config(dir, frames, "0.5") + signed);
        Process p = start(dir, configFile);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        String err = stderr(dir);
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("start-up check failed: model signed") && err.contains("is not signed"), err);
        assertFalse(err.contains("station started"), err);

        // a signed copy passes the check (the run then refuses for the blocked journal, after the model loaded)
        Path model = dir.resolve("model");
        try (var files = Files.walk(HOME.resolve("models/default"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = model.resolve(HOME.resolve("models/default").relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        assertEquals(0, io.sightline.station.cli.SightlineCli.execute("model", "sign", "--model", model.toString(),
                "--key", keys.resolve("qa-team.key").toString()));
        Files.writeString(dir.resolve("blocked"), "not a folder");
        Files.writeString(configFile, config(dir, frames, "0.5").replace(HOME.resolve("models/default").toString(), model.toString())
                .replace(dir.resolve("journal.db").toString(), dir.resolve("blocked").resolve("journal.db").toString()) + signed);
        Process q = start(dir, configFile);
        assertTrue(q.waitFor(90, TimeUnit.SECONDS));
        String err2 = stderr(dir);
        assertTrue(err2.contains("model signed: ok") && err2.contains("model loads: ok"), err2);
    }
}
