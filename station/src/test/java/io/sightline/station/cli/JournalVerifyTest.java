package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code journal verify [--json]} on real SQLite journals: its exit code and JSON, clean and tampered with. */
class JournalVerifyTest {
    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    private static Path journal(Path tmp) {
        Path file = tmp.resolve("journal.db");
        long t = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, new String[] {"cam"}, "m 1", "none", false)) {
            for (int i = 0; i < 6; i++) j.append(0, i, i == 2 ? Outcome.REJECT_DEFECT : Outcome.PASS, i == 2 ? 0.9f : 0.1f, t, t);
            j.appendChange("station", null, "started", "test");
        }
        return file;
    }

    private static void sql(Path file, String q) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = db.createStatement()) {
            s.execute(q);
        }
    }

    private static Run verify(Path file) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream savedErr = System.err;
        ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
             PrintStream captureErr = new PrintStream(errBuffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(captureErr);
            code = SightlineCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "journal", "verify",
                    "--file", file.toString(), "--json");
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
        return new Run(code, buffer.toString(StandardCharsets.UTF_8), err + errBuffer.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCleanJournalExitsZeroWithItsChains(@TempDir Path tmp) throws Exception {
        Run r = verify(journal(tmp));
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("intact").asBoolean());
        assertTrue(j.get("firstBreak").isNull());
        assertEquals(6, j.get("chains").get(0).get("chainedRows").asInt());
        assertEquals(j.get("chains").get(0).get("headHash").asText(), j.get("chains").get(0).get("lastHash").asText());
    }

    @Test
    void aChangedDecisionExitsOneNamingTheRow(@TempDir Path tmp) throws Exception {
        Path file = journal(tmp);
        sql(file, "UPDATE outcomes SET decision = 'pass', reason = 'pass' WHERE id = 3");
        Run r = verify(file);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("outcomes row 3: changed"), r.err());
        JsonNode first = r.json().get("firstBreak");
        assertEquals(3, first.get("row").asInt());
        assertEquals("changed", first.get("kind").asText());
        assertFalse(r.json().get("intact").asBoolean());
        assertFalse(r.json().get("truncated").asBoolean());
    }

    @Test
    void aCutTailExitsOneAndSaysSo(@TempDir Path tmp) throws Exception {
        Path file = journal(tmp);
        sql(file, "DELETE FROM outcomes WHERE id >= 5");
        Run r = verify(file);
        assertEquals(1, r.code());
        assertTrue(r.json().get("truncated").asBoolean(), r.out());
        assertEquals(5, r.json().get("firstBreak").get("row").asInt());
    }

    @Test
    void aJournalFromBeforeChainsExitsThreeAndAMissingOneIsNamed(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("old.db");
        sql(old, "CREATE TABLE outcomes (id INTEGER PRIMARY KEY, line INTEGER NOT NULL, part INTEGER NOT NULL, camera TEXT, "
                + "capture_us INTEGER NOT NULL, decided_us INTEGER NOT NULL, score REAL, decision TEXT NOT NULL, "
                + "reason TEXT NOT NULL, model TEXT, calibration TEXT)");
        Run r = verify(old);
        assertEquals(3, r.code(), r.err());
        assertFalse(r.json().get("chained").asBoolean());
        assertTrue(r.err().contains("no hash chain"), r.err());

        Run missing = verify(tmp.resolve("missing.db"));
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("missing.db"), missing.err());
    }
}
