package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.aravis.Aravis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The parts of the GigE Vision source that need no camera and no network: the {@code gige:} URI,
 * GVSP frame-id unwrapping, and what a machine without Aravis is told. Nothing here discovers or
 * opens a camera (GigeVisionSourceTest does, inside its own network namespaces).
 */
class GigeVisionSourceOptionsTest {

    @Test
    void aFullUriIsParsed() {
        GigeVisionSource.Target t = GigeVisionSource.parseUri("gige:Aravis-Fake-GV01?exposure=20000&gain=2.5&trigger=Line1&pixel=mono8&fps=25");
        assertEquals("Aravis-Fake-GV01", t.camera());
        GigeVisionSource.Options o = t.options();
        assertEquals(20000, o.exposureUs());
        assertEquals(2.5, o.gain());
        assertEquals("Line1", o.trigger());
        assertEquals("Mono8", o.pixelFormat());
        assertEquals(25, o.fps());
    }

    @Test
    void anAddressAloneGivesTheDefaults() {
        GigeVisionSource.Target t = GigeVisionSource.parseUri("gige:192.168.10.20");
        assertEquals("192.168.10.20", t.camera());
        GigeVisionSource.Options o = t.options();
        assertTrue(Double.isNaN(o.exposureUs()) && Double.isNaN(o.gain()) && Double.isNaN(o.fps()), "camera's own settings: " + o);
        assertEquals("off", o.trigger());
        assertEquals("Mono8", o.pixelFormat());
        assertEquals("software", GigeVisionSource.parseUri("gige:cam?trigger=Software").options().trigger());
    }

    @Test
    void badOptionsAreRefusedNamingTheKeyAndWhatItExpects() {
        record Case(String uri, List<String> mentions) {
        }
        for (Case c : List.of(
                new Case("gige:cam?shutter=5", List.of("'shutter'", "exposure", "gain", "trigger", "pixel", "fps")),
                new Case("gige:cam?gain=abc", List.of("'gain'", "'abc'", "gain value")),
                new Case("gige:cam?exposure=-5", List.of("'exposure'", "positive", "microseconds")),
                new Case("gige:cam?exposure=", List.of("'exposure'", "microseconds")),
                new Case("gige:cam?fps=0", List.of("'fps'", "positive frame rate")),
                new Case("gige:cam?fps=NaN", List.of("'fps'", "positive frame rate")),
                new Case("gige:cam?trigger=Line 1", List.of("'trigger'", "off, software or a line name")),
                new Case("gige:cam?pixel=Mono16", List.of("'pixel'", "Mono8", "Mono16")),
                new Case("gige:cam?gain=1&gain=2", List.of("'gain'", "twice")),
                new Case("gige:cam?gain", List.of("'gain'", "KEY=VALUE")),
                new Case("gige:", List.of("names no camera", "gige:ID_OR_ADDRESS")),
                new Case("gige:?fps=5", List.of("names no camera")))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GigeVisionSource.parseUri(c.uri()), c.uri());
            for (String m : c.mentions()) assertTrue(e.getMessage().contains(m), c.uri() + " -> " + e.getMessage() + " should mention " + m);
        }
    }

    @Test
    void frameSourcesRefusesBadOptionsBeforeContactingAnyCamera() {
        // Parsing comes first: these never reach Aravis (no discovery on this machine's network).
        var e = assertThrows(IllegalArgumentException.class, () -> FrameSources.open("cam0", "gige:cam?gain=loud", false));
        assertTrue(e.getMessage().contains("'gain'") && e.getMessage().contains("'loud'"), e.getMessage());
        assertTrue(FrameSources.FORMS.contains("gige:ID_OR_ADDRESS"), FrameSources.FORMS);
        var other = assertThrows(IllegalArgumentException.class, () -> FrameSources.open("cam0", "gigE:cam", false));
        assertTrue(other.getMessage().contains("gige:"), other.getMessage());
    }

    @Test
    void gvspBlockIdsWrapFrom65535To1WithoutALostFrame() {
        GvspBlockIds blocks = new GvspBlockIds();
        PartIds ids = PartIds.counter(64);
        long[] raw = {65533, 65534, 65535, 1, 2, 3};
        long last = -1;
        for (long r : raw) {
            long id = ids.accept(blocks.unwrap(r));
            assertEquals(last < 0 ? 65533 : last + 1, id, "after raw " + r);
            last = id;
        }
        assertEquals(0, ids.lost(), "0 is not a block id: 65535 -> 1 is one step");
        ids.accept(blocks.unwrap(6)); // 4 and 5 never arrived
        assertEquals(2, ids.lost());
        assertEquals(-1, ids.accept(blocks.unwrap(6)), "a repeated block id is no new part");
        assertEquals(1, ids.repeated());
        ids.accept(blocks.unwrap(40000)); // far back the short way round the ring: a restarted camera, re-based
        assertEquals(1, ids.resets());
    }

    @Test
    void extendedBlockIdsAreTakenAsTheyAre() {
        GvspBlockIds blocks = new GvspBlockIds();
        assertEquals(70_000, blocks.unwrap(70_000));
        assertEquals(70_001, blocks.unwrap(70_001));
        assertEquals(70_010, blocks.unwrap(70_010));
        GvspBlockIds growing = new GvspBlockIds();
        growing.unwrap(65_535);
        assertEquals(65_536, growing.unwrap(65_536), "a camera whose ids go past 16 bits uses extended ids");
        assertEquals(1L << 40, new GvspBlockIds().unwrap(1L << 40));
    }

    @Test
    void withoutAravisTheSourceSaysWhatToInstallAndNothingElseNeedsIt() throws Exception {
        // A child JVM in this namespace with the library name pointed at nothing: the same loading
        // code, an absent library. GigeProbe refuses to go on if Aravis loads anyway.
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-D" + Aravis.LIBRARY_PROPERTY + "=libaravis-sightline-absent.so.0",
                "-Dorg.bytedeco.javacpp.nopointergc=true", "-cp", System.getProperty("java.class.path"),
                GigeProbe.class.getName(), "absent", "Aravis-Fake-GV01");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        System.out.print("[gige absent] " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("libaravis-sightline-absent.so.0 not found: install Debian package libaravis-0.8-0"), out);
        assertTrue(out.contains("'Aravis-Fake-GV01' needs Aravis"), out);
    }
}
