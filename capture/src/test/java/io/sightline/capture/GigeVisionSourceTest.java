package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sightline.natives.aravis.Aravis;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * GigeVisionSource against Aravis's own GigE Vision camera simulator ({@code arv-fake-gv-camera-0.8}),
 * on a network the test builds and removes itself: two network namespaces joined by a veth pair
 * with link-local addresses, the simulator in one, the station in the other.
 *
 * <pre>
 *   [ns slgcPID: arv-fake-gv-camera-0.8 on slgcPID 169.254.N.1] ==veth== [ns slgsPID: GigeProbe JVM on slgsPID 169.254.N.2]
 * </pre>
 *
 * GigE Vision discovery broadcasts on every interface, so nothing Aravis does runs in this JVM
 * (which lives in the machine's own network namespace): each scenario runs {@link GigeProbe} in a
 * child JVM started with {@code ip netns exec}, and this test asserts on its exit code and lines.
 * Needs root, {@code ip} with network namespaces, the simulator (Debian package aravis-tools) and
 * libaravis-0.8-0; skipped with a message saying which is missing otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GigeVisionSourceTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final String CAMERA_NS = "slgc" + PID;
    private static final String STATION_NS = "slgs" + PID;
    private static final String CAMERA_IF = "slgc" + PID;
    private static final String STATION_IF = "slgs" + PID;
    private static final int SUBNET = (int) (PID % 250) + 1;
    private static final String CAMERA_IP = "169.254." + SUBNET + ".1";
    private static final String STATION_IP = "169.254." + SUBNET + ".2";
    private static final String SPARE_IP = "169.254." + SUBNET + ".3";
    private static final String UNUSED_IP = "169.254." + SUBNET + ".99";
    private static final String SERIAL = "SL" + PID;
    private static final String CAMERA_ID = "Aravis-Fake-" + SERIAL;
    private static final String SIMULATOR = "arv-fake-gv-camera-0.8";

    private static boolean namespacesMade;
    private static Process simulator;
    private static final List<Process> others = new ArrayList<>();
    private static Thread cleanupHook;

    @BeforeAll
    static void buildTheCameraNetwork() throws Exception {
        assumeTrue(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0),
                "GigE Vision test skipped: creating network namespaces needs root");
        assumeTrue(onPath("ip"), "GigE Vision test skipped: the ip command (iproute2) is not installed");
        assumeTrue(onPath(SIMULATOR), "GigE Vision test skipped: " + SIMULATOR + " is not installed (Debian package aravis-tools)");
        assumeTrue(Aravis.available(), "GigE Vision test skipped: " + Aravis.unavailableReason());
        removeStaleNamespaces();
        cleanupHook = new Thread(GigeVisionSourceTest::tearDown, "gige-test-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook); // if the JVM dies before @AfterAll
        Result add = sh("ip", "netns", "add", CAMERA_NS);
        assumeTrue(add.rc == 0, "GigE Vision test skipped: network namespaces are not available here (" + add.out.strip() + ")");
        namespacesMade = true;
        must("ip", "netns", "add", STATION_NS);
        Result veth = sh("ip", "link", "add", CAMERA_IF, "type", "veth", "peer", "name", STATION_IF);
        assumeTrue(veth.rc == 0, "GigE Vision test skipped: veth pairs are not available here (" + veth.out.strip() + ")");
        must("ip", "link", "set", CAMERA_IF, "netns", CAMERA_NS);
        must("ip", "link", "set", STATION_IF, "netns", STATION_NS);
        must("ip", "-n", CAMERA_NS, "addr", "add", CAMERA_IP + "/16", "dev", CAMERA_IF);
        must("ip", "-n", CAMERA_NS, "addr", "add", SPARE_IP + "/16", "dev", CAMERA_IF);
        must("ip", "-n", STATION_NS, "addr", "add", STATION_IP + "/16", "dev", STATION_IF);
        for (String ns : new String[] {CAMERA_NS, STATION_NS}) {
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "-n", CAMERA_NS, "link", "set", CAMERA_IF, "up");
        must("ip", "-n", STATION_NS, "link", "set", STATION_IF, "up");
        simulator = startSimulator(CAMERA_IP, SERIAL);
        System.out.println("[gige] simulator " + CAMERA_ID + " at " + CAMERA_IP + " in namespace " + CAMERA_NS + ", station namespace "
                + STATION_NS + " (" + STATION_IP + ")");
    }

    @AfterAll
    static void removeTheCameraNetwork() {
        tearDown();
        if (cleanupHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** Kills the simulators and deletes both namespaces (which deletes the veth pair). Safe to run twice. */
    private static synchronized void tearDown() {
        if (simulator != null) simulator.destroyForcibly();
        for (Process p : others) p.destroyForcibly();
        others.clear();
        if (!namespacesMade) return;
        try {
            for (String ns : new String[] {CAMERA_NS, STATION_NS}) {
                Result pids = sh("ip", "netns", "pids", ns);
                for (String pid : pids.out.split("\\s+")) {
                    if (pid.matches("\\d+")) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
                sh("ip", "netns", "del", ns);
            }
            namespacesMade = false;
        } catch (IOException | InterruptedException e) {
            System.err.println("[gige] could not remove namespaces " + CAMERA_NS + ", " + STATION_NS + ": " + e);
        }
    }

    /** Namespaces of an earlier run of this test whose JVM was killed before it could remove them. */
    private static void removeStaleNamespaces() throws IOException, InterruptedException {
        Result list = sh("ip", "netns", "list");
        Matcher m = Pattern.compile("^slg[cs](\\d+)\\b", Pattern.MULTILINE).matcher(list.out);
        while (m.find()) {
            long pid = Long.parseLong(m.group(1));
            if (pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            String ns = m.group().strip();
            for (String p : sh("ip", "netns", "pids", ns).out.split("\\s+")) {
                if (p.matches("\\d+")) ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
            }
            sh("ip", "netns", "del", ns);
            System.out.println("[gige] removed namespace " + ns + " left by a test JVM that is gone (pid " + pid + ")");
        }
    }

    // --- the scenarios (each one a GigeProbe run inside the station namespace) ---

    @Test
    @Order(1) // first: the simulator's frame ids start at 65400, so these 150 frames cross the 16-bit wrap
    void framesArriveWithTheSimulatorsPixelsAndIncreasingIdsAndCloseReleasesEverything() throws Exception {
        Probe p = probe("stream", CAMERA_ID, CAMERA_IP);
        p.finish();
        assertTrue(p.figure("discovered").contains(CAMERA_ID + " (" + CAMERA_IP), p.figure("discovered"));
        assertEquals("0", p.figure("grab_allocated_bytes").split(" ")[0]);
        assertEquals("{}", p.figure("threads_left_after_close"));
    }

    @Test
    void gainAndExposureChangeWhatTheSimulatorSendsAsItsFormulaPredicts() throws Exception {
        Probe p = probe("features", CAMERA_ID);
        p.finish();
        assertTrue(p.figure("refused_gain").contains("GainRaw") && p.figure("refused_gain").contains(CAMERA_ID), p.figure("refused_gain"));
    }

    @Test
    void aSoftwareTriggerGivesOneFrameEachAndWakeUpEndsAWaitingGrab() throws Exception {
        Probe p = probe("trigger", CAMERA_ID);
        p.finish();
        assertTrue(p.figure("refused_trigger").contains("Line7"), p.figure("refused_trigger"));
    }

    @Test
    void aMissingOrUnreachableCameraIsNamed() throws Exception {
        Probe p = probe("missing", CAMERA_ID, UNUSED_IP);
        p.finish();
        assertTrue(p.figure("missing_message").contains(CAMERA_ID + "-NOPE"), p.figure("missing_message"));
    }

    @Test
    void aCameraThatCannotSendMono8IsRefusedNamingWhatItOffers() throws Exception {
        // The simulator's own GenICam description, minus Mono8 (read inside the station namespace).
        Result xml = sh("ip", "netns", "exec", STATION_NS, "arv-tool-0.8", "-n", CAMERA_ID, "genicam");
        assumeTrue(xml.rc == 0 && xml.out.contains("<RegisterDescription"), "arv-tool-0.8 (aravis-tools-cli) could not dump the "
                + "simulator's GenICam file: " + xml.out.lines().limit(3).toList());
        String xmlText = xml.out.substring(xml.out.indexOf("<?xml") >= 0 ? xml.out.indexOf("<?xml") : xml.out.indexOf("<RegisterDescription"));
        String withoutMono8 = Pattern.compile("\\s*<EnumEntry Name=\"Mono8\"[^>]*>.*?</EnumEntry>", Pattern.DOTALL).matcher(xmlText).replaceAll("");
        assertNotEquals(xmlText, withoutMono8, "the simulator's PixelFormat has a Mono8 entry to remove");
        Path file = Files.createTempFile("sightline-fake-no-mono8", ".xml");
        Process mono16 = null;
        try {
            Files.writeString(file, withoutMono8);
            mono16 = startSimulator(SPARE_IP, "M" + SERIAL, "-g", file.toString());
            Probe p = probe("nomono8", "Aravis-Fake-M" + SERIAL);
            p.finish();
        } finally {
            if (mono16 != null) {
                mono16.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                others.remove(mono16);
            }
            Files.deleteIfExists(file);
        }
    }

    @Test
    void colourFormatsArriveAsBgrFramesRgbReorderedAndBayerDemosaiced() throws Exception {
        Probe p = probe(GigeColourProbe.class, "colour", CAMERA_ID);
        p.finish();
        for (String f : new String[] {"rgb8", "bayerrg8", "bayergb8"}) {
            assertEquals("0", p.figure(f + "_grab_allocated_bytes").split(" ")[0], f + ": steady-state grabs allocate nothing");
        }
    }

    @Test
    void aSimulatorKilledMidStreamIsDetectedAndReopenedWithIdsGoingOn() throws Exception {
        Probe p = probe("reconnect", CAMERA_ID);
        p.expect("STREAMING", 30);
        long killed = System.nanoTime();
        simulator.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // SIGKILL: a camera losing power
        String lost = p.expectStart("LOST ", 30); // detected while the camera is really gone
        long detected = System.nanoTime();
        simulator = startSimulator(CAMERA_IP, SERIAL);
        long restarted = System.nanoTime();
        p.say("RESTARTED");
        p.expect("RECONNECTED", 40);
        long reconnected = System.nanoTime();
        p.finish();
        System.out.printf("[gige reconnect] loss declared %d ms after the kill; simulator restarted %d ms after the kill;"
                + " first frame after the reconnect %d ms after the restart (%d ms after the kill)%n", (detected - killed) / 1_000_000,
                (restarted - killed) / 1_000_000, (reconnected - restarted) / 1_000_000, (reconnected - killed) / 1_000_000);
        assertTrue(lost.contains(CAMERA_ID) && lost.contains("gone"), lost);
        long gapMs = Long.parseLong(p.figure("gap_ms"));
        long framesLost = Long.parseLong(p.figure("frames_lost_in_outage"));
        assertTrue(Math.abs(framesLost - gapMs * 50 / 1000) <= 2, framesLost + " frames lost in a " + gapMs + " ms gap at 50 frames/s");
        assertTrue(Long.parseLong(p.figure("first_id_after")) > Long.parseLong(p.figure("last_id_before")));
    }

    // --- helpers ---

    private static Process startSimulator(String address, String serial, String... more) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", CAMERA_NS, SIMULATOR, "-i", address, "-s", serial));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        others.add(p);
        // The probe finds it by discovery and retries nothing: give it a moment to bind its sockets.
        for (int i = 0; i < 20; i++) {
            Thread.sleep(100);
            assertTrue(p.isAlive(), SIMULATOR + " -i " + address + " exited at once with " + (p.isAlive() ? "" : p.exitValue()));
            Result listening = sh("ip", "netns", "exec", CAMERA_NS, "ss", "-lun");
            if (listening.rc != 0 || listening.out.contains(address + ":3956")) break;
        }
        return p;
    }

    /** A GigeProbe child JVM in the station namespace, read line by line. */
    private static Probe probe(String mode, String... args) throws IOException {
        return probe(GigeProbe.class, mode, args);
    }

    /** Runs {@code main}'s probe (GigeProbe, or GigeColourProbe with {@code mode} only naming its output) in the station namespace. */
    private static Probe probe(Class<?> main, String mode, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", STATION_NS,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-D" + GigeProbe.NETNS_PROPERTY + "=" + STATION_NS, "-Dorg.bytedeco.javacpp.nopointergc=true",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        if (main == GigeProbe.class) cmd.add(mode);
        cmd.addAll(List.of(args));
        return new Probe(mode, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    static final class Probe {
        final String mode;
        final Process process;
        final List<String> lines = new ArrayList<>();
        final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
        final Writer toChild;

        Probe(String mode, Process process) {
            this.mode = mode;
            this.process = process;
            this.toChild = process.outputWriter(StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        System.out.println("[gige " + mode + "] " + line);
                        incoming.add(line);
                    }
                } catch (IOException ignored) {
                    // the child ended
                } finally {
                    incoming.add("\u0000EOF");
                }
            }, "gige-probe-" + mode);
            reader.setDaemon(true);
            reader.start();
        }

        void say(String line) throws IOException {
            toChild.write(line + "\n");
            toChild.flush();
        }

        /** Waits for a line starting with {@code prefix} and returns it. */
        String expectStart(String prefix, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = incoming.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    process.destroyForcibly();
                    fail("probe " + mode + ": no " + prefix + "... within " + seconds + " s; said " + lines);
                }
                if (line.equals("\u0000EOF")) fail("probe " + mode + " ended before " + prefix + "...: " + lines);
                lines.add(line);
                if (line.startsWith("FAIL")) fail("probe " + mode + ": " + line + "\n" + String.join("\n", lines));
                if (line.startsWith(prefix)) return line;
            }
        }

        /** Waits for a line equal to {@code marker}. */
        void expect(String marker, int seconds) throws Exception {
            String line = expectStart(marker, seconds);
            if (!line.equals(marker)) fail("probe " + mode + ": expected " + marker + ", got " + line);
        }

        /** Waits for OK and exit code 0. */
        void finish() throws Exception {
            expect("OK", 60);
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "probe " + mode + " did not exit after OK");
            assertEquals(0, process.exitValue(), "probe " + mode + " exit code; said " + lines);
        }

        String figure(String key) {
            String prefix = "FIGURE " + key + "=";
            for (String line : lines) {
                if (line.startsWith(prefix)) return line.substring(prefix.length());
            }
            fail("probe " + mode + " printed no figure " + key + ": " + lines);
            return null;
        }
    }

    record Result(int rc, String out) {
    }

    static Result sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out + " (timed out)");
        }
        return new Result(p.exitValue(), out);
    }

    private static void must(String... cmd) throws IOException, InterruptedException {
        Result r = sh(cmd);
        assertEquals(0, r.rc, String.join(" ", cmd) + ": " + r.out);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
    }
}
