package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.station.cli.SightlineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo") && r.out().contains("train") && r.out().contains("bench"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"demo", "train"}) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: sightline " + cmd), r.out());
        }
    }

    @Test
    void unknownOptionIsNamed() {
        Run r = run("demo", "--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--frobnicate'"), r.err());
    }

    @Test
    void missingModelFolderIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-model");
        Run r = run("demo", "--model", missing.toString(), "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(missing.toString()), r.err());
    }

    @Test
    void impossibleResolutionAndRateAreNamed() {
        Run width = run("demo", "--width", "10", "--duration", "1");
        assertEquals(1, width.code());
        assertTrue(width.err().contains("width") && width.err().contains("10"), width.err());
        Run fps = run("demo", "--fps", "-5", "--duration", "1");
        assertEquals(1, fps.code());
        assertTrue(fps.err().contains("fps") && fps.err().contains("-5"), fps.err());
    }

    @Test
    void trainRejectsABadInputSize(@TempDir Path tmp) {
        Run r = run("train", "--synthetic", "100", "--out", tmp.toString(), "--input", "12xQ");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--input") && r.err().contains("12xQ"), r.err());
    }

    @Test
    void badDriftAndTrendOptionsAreNamed() {
        Run drift = run("demo", "--drift", "5:10:step", "--duration", "1");
        assertEquals(1, drift.code());
        assertTrue(drift.err().contains("--drift") && drift.err().contains("5:10:step"), drift.err());
        Run kind = run("demo", "--drift", "0:10:wobble", "--duration", "1");
        assertEquals(1, kind.code());
        assertTrue(kind.err().contains("KIND one of"), kind.err());
        Run trend = run("demo", "--trend", "lstm,shewhart", "--duration", "1");
        assertEquals(1, trend.code());
        assertTrue(trend.err().contains("unknown detector 'shewhart'"), trend.err());
    }

    @Test
    void aJournalThatCannotBeOpenedStopsTheDemoWithItsName(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("a-file");
        java.nio.file.Files.writeString(file, "x");
        Run r = run("demo", "--journal", file.resolve("journal.db").toString(), "--duration", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file.resolve("journal.db").toString()) && r.err().contains("journal"), r.err());
    }
}
