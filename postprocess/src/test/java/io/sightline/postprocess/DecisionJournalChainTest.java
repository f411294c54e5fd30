package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.JournalVerifier.Break;
import io.sightline.postprocess.JournalVerifier.Kind;
import io.sightline.postprocess.JournalVerifier.Report;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's hash chains on real SQLite files, tampered with as someone with a SQLite tool would. */
class DecisionJournalChainTest {
    private static final String[] CAMERAS = {"cam-a", "cam-b"};

    /** Ten outcomes (rows 1-10, row 2 a defect reject with a box, row 4 never scored) and two changes. */
    private static Path tenOutcomes(Path tmp) {
        Path file = tmp.resolve("journal.db");
        long t = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "flange-cnn 3", "cal-7", false)) {
            j.appendChange("station", null, "started", "test");
            for (int i = 0; i < 10; i++) {
                if (i == 1) j.append(1, i, Outcome.REJECT_DEFECT, 0.91f, t, t + 1000, 10, 20, 30, 40);
                else if (i == 3) j.append(1, i, Outcome.FAILSAFE_LATE, Float.NaN, t, t + 1000);
                else j.append(i % 2, i, Outcome.PASS, 0.05f + i / 100f, t, t + 1000);
            }
            j.appendChange("lines[0].threshold", "0.5", "0.62", "SIGHUP reload");
        }
        return file;
    }

    private static void sql(Path file, String... statements) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = db.createStatement()) {
            for (String q : statements) s.execute(q);
        }
    }

    private static Break first(Report r) {
        assertFalse(r.intact(), "the tampering is found: " + r);
        return r.breaks().get(0);
    }

    private static void assertBreak(Report r, String table, long row, Kind kind) {
        Break b = first(r);
        assertEquals(table + " " + row + " " + kind, b.table() + " " + b.row() + " " + b.kind(), r.breaks().toString());
    }

    @Test
    void aCleanJournalVerifiesAcrossReopening(@TempDir Path tmp) {
        Path file = tenOutcomes(tmp);
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 11, Outcome.PASS, 0.1f, System.nanoTime(), System.nanoTime());
        }
        Report r = DecisionJournal.verify(file);
        assertTrue(r.intact(), r.toString());
        JournalVerifier.Chain outcomes = r.chains().get(0);
        assertEquals(11, outcomes.chainedRows());
        assertEquals(1, outcomes.chainStartsAt());
        assertEquals(0, outcomes.rowsBeforeChain());
        assertEquals(outcomes.headHash(), outcomes.lastHash());
        assertEquals(2, r.chains().get(1).chainedRows());
    }

    @Test
    void aChangedScoreIsNamed(@TempDir Path tmp) throws Exception {
        Path file = tenOutcomes(tmp);
        sql(file, "UPDATE outcomes SET score = 0.01 WHERE id = 5");
        assertBreak(DecisionJournal.verify(file), "outcomes", 5, Kind.CHANGED);
    }

    @Test
    void aChangedDecisionIsNamed(@TempDir Path tmp) throws Exception {
        Path file = tenOutcomes(tmp);
        sql(file, "UPDATE outcomes SET decision = 'pass', reason = 'pass' WHERE id = 2");
        Report r = DecisionJournal.verify(file);
        assertBreak(r, "outcomes", 2, Kind.CHANGED);
        assertEquals(1, r.breaks().size(), "the rows after it still link to it: " + r.breaks());
    }

    @Test
    void aChangedLastRowAndAChangedChangeAreNamed(@TempDir Path tmp) throws Exception {
        Path file = tenOutcomes(tmp);
        sql(file, "UPDATE outcomes SET box_w = 31 WHERE id = 10", "UPDATE changes SET requested_by = 'nobody' WHERE id = 2");
        Report r = DecisionJournal.verify(file);
        assertBreak(r, "outcomes", 10, Kind.CHANGED);
        assertTrue(r.breaks().stream().anyMatch(b -> b.table().equals("changes") && b.row() == 2 && b.kind() == Kind.CHANGED),
                r.breaks().toString());
    }

    @Test
    void aDeletedRowIsNamed(@TempDir Path tmp) throws Exception {
        Path file = tenOutcomes(tmp);
        sql(file, "DELETE FROM outcomes WHERE id = 4");
        Report r = DecisionJournal.verify(file);
        assertBreak(r, "outcomes", 4, Kind.DELETED);
        assertTrue(first(r).detail().contains("row 4 is missing"), first(r).detail());
    }

    @Test
    void anInsertedRowIsNamedWhetherItsHashIsForgedOrNot(@TempDir Path tmp) throws Exception {
        // a row slipped in as row 6 (the rows after it renumbered), its hash forged correctly over row 5's
        Path forged = tenOutcomes(tmp.resolve("forged"));
        renumberFrom(forged, 6);
        byte[] prev = hashOf(forged, 5);
        byte[] hash = new byte[JournalChain.HASH_BYTES];
        JournalChain c = new JournalChain();
        c.begin(JournalChain.OUTCOMES, prev).putLong(0).putLong(99).putText("cam-a").putLong(1).putLong(2).putDouble(0.01f)
                .putText("pass").putText("pass").putText("flange-cnn 3").putText("cal-7").putNull().putNull().putNull().putNull()
                .finish(hash);
        insertRow(forged, 6, hash);
        assertBreak(DecisionJournal.verify(forged), "outcomes", 6, Kind.INSERTED);

        // the same with a made-up hash
        Path garbage = tenOutcomes(tmp.resolve("garbage"));
        renumberFrom(garbage, 6);
        insertRow(garbage, 6, new byte[JournalChain.HASH_BYTES]);
        assertBreak(DecisionJournal.verify(garbage), "outcomes", 6, Kind.INSERTED);

        // appended at the end with a plain INSERT: no hash at all
        Path plain = tenOutcomes(tmp.resolve("plain"));
        sql(plain, "INSERT INTO outcomes (line, part, camera, capture_us, decided_us, score, decision, reason) "
                + "VALUES (0, 99, 'cam-a', 1, 2, 0.01, 'pass', 'pass')");
        assertBreak(DecisionJournal.verify(plain), "outcomes", 11, Kind.UNHASHED);
    }

    @Test
    void aCutTailIsNamedWithWhatTheStationCommitted(@TempDir Path tmp) throws Exception {
        Path file = tenOutcomes(tmp);
        sql(file, "DELETE FROM outcomes WHERE id > 7");
        Report r = DecisionJournal.verify(file);
        assertBreak(r, "outcomes", 8, Kind.TRUNCATED);
        assertTrue(first(r).detail().contains("committed rows up to 10"), first(r).detail());
        assertEquals(1, r.breaks().size(), r.breaks().toString());
    }

    @Test
    void openingABrokenJournalRecordsTheBreakAndCarriesOnChaining(@TempDir Path tmp) throws Exception {
        Path file = tenOutcomes(tmp);
        sql(file, "DELETE FROM outcomes WHERE id > 8");
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 20, Outcome.PASS, 0.1f, System.nanoTime(), System.nanoTime());
        }
        List<DecisionJournal.Change> changes = DecisionJournal.changes(file, 10);
        DecisionJournal.Change recorded = changes.get(changes.size() - 1);
        assertEquals("journal.chain", recorded.setting());
        assertEquals("journal open check", recorded.requestedBy());
        assertTrue(recorded.newValue().contains("outcomes row 9: truncated"), recorded.newValue());
        Report r = DecisionJournal.verify(file);
        assertEquals(List.of(Kind.RECORDED), r.breaks().stream().map(Break::kind).toList(),
                "the new rows link to the ones left, and the break stays on record: " + r.breaks());
        assertEquals(9, r.chains().get(0).chainedRows());
    }

    @Test
    void anOldJournalIsUpgradedAndVerifiesFromWhereTheChainStarts(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("old.db");
        sql(file, "CREATE TABLE outcomes (id INTEGER PRIMARY KEY, line INTEGER NOT NULL, part INTEGER NOT NULL, camera TEXT, "
                        + "capture_us INTEGER NOT NULL, decided_us INTEGER NOT NULL, score REAL, decision TEXT NOT NULL, "
                        + "reason TEXT NOT NULL, model TEXT, calibration TEXT, box_x INTEGER, box_y INTEGER, box_w INTEGER, box_h INTEGER)",
                "CREATE TABLE changes (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, setting TEXT NOT NULL, "
                        + "old_value TEXT, new_value TEXT, requested_by TEXT NOT NULL)",
                "INSERT INTO outcomes (line, part, camera, capture_us, decided_us, score, decision, reason, model, calibration) "
                        + "VALUES (0, 1, 'cam-a', 1, 2, 0.95, 'reject', 'defect', 'old', 'none'), "
                        + "(0, 2, 'cam-a', 3, 4, 0.05, 'pass', 'pass', 'old', 'none')");
        Report before = DecisionJournal.verify(file);
        assertFalse(before.chained(), "a file from before the chain has nothing to verify: " + before);
        assertFalse(before.intact());
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 3, Outcome.PASS, 0.1f, System.nanoTime(), System.nanoTime());
            j.appendChange("station", null, "started", "test");
        }
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 4, Outcome.PASS, 0.1f, System.nanoTime(), System.nanoTime());
        }
        Report r = DecisionJournal.verify(file);
        assertTrue(r.intact(), r.toString());
        JournalVerifier.Chain outcomes = r.chains().get(0);
        assertEquals(2, outcomes.rowsBeforeChain());
        assertEquals(3, outcomes.chainStartsAt());
        assertEquals(2, outcomes.chainedRows());

        sql(file, "UPDATE outcomes SET score = 0.5 WHERE id = 1");
        assertTrue(DecisionJournal.verify(file).intact(), "rows from before the upgrade are outside the chain");
        sql(file, "UPDATE outcomes SET chain_hash = NULL WHERE id = 3");
        assertBreak(DecisionJournal.verify(file), "outcomes", 3, Kind.UNHASHED);
    }

    /** Moves rows {@code from..} up by one id, leaving {@code from} free. */
    private static void renumberFrom(Path file, long from) throws Exception {
        sql(file, "UPDATE outcomes SET id = -id WHERE id >= " + from, "UPDATE outcomes SET id = -id + 1 WHERE id < 0");
    }

    private static void insertRow(Path file, long id, byte[] hash) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             PreparedStatement p = db.prepareStatement("INSERT INTO outcomes (id, line, part, camera, capture_us, decided_us, score, "
                     + "decision, reason, model, calibration, chain_hash) VALUES (?, 0, 99, 'cam-a', 1, 2, ?, 'pass', 'pass', "
                     + "'flange-cnn 3', 'cal-7', ?)")) {
            p.setLong(1, id);
            p.setFloat(2, 0.01f);
            p.setBytes(3, hash);
            p.executeUpdate();
        }
    }

    private static byte[] hashOf(Path file, long id) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT chain_hash FROM outcomes WHERE id = " + id)) {
            assertTrue(r.next());
            return r.getBytes(1);
        }
    }
}
