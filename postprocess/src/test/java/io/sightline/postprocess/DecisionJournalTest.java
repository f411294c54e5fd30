package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionJournalTest {
    private static final String[] CAMERAS = {"cam-a", "cam-b"};

    @Test
    void everyAppendIsThereForQueriesAndExport(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("journal.db");
        long t0 = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "flange-cnn 3", "cal-7", false)) {
            j.append(0, 0, Outcome.PASS, 0.1f, t0, t0 + 2_000_000);
            j.append(1, 0, Outcome.REJECT_DEFECT, 0.9f, t0, t0 + 3_000_000);
            j.append(0, 1, Outcome.FAILSAFE_LATE, Float.NaN, t0, t0 + 200_000_000);
            j.append(1, 1, Outcome.PASS, 0.2f, t0, t0 + 5_000_000);
            assertEquals(4, j.appended());
        }
        List<DecisionJournal.Entry> all = DecisionJournal.query(file, null, null, null, 100);
        assertEquals(4, all.size());
        DecisionJournal.Entry late = all.get(2);
        assertEquals(0, late.line());
        assertEquals(1, late.part());
        assertEquals("failsafe", late.decision());
        assertEquals("late", late.reason());
        assertTrue(Float.isNaN(late.score()), "a part never scored has no score");
        assertEquals("cam-a", late.camera());
        assertEquals("flange-cnn 3", late.model());
        assertEquals("cal-7", late.calibration());
        assertEquals(198_000, late.decidedMicros() - all.get(0).decidedMicros(), 2, "decision times keep their spacing");

        assertEquals(2, DecisionJournal.query(file, 1, null, null, 100).size());
        assertEquals(1, DecisionJournal.query(file, null, null, "reject", 100).size());
        assertEquals(1, DecisionJournal.query(file, 0, null, "failsafe", 100).size());
        Instant future = Instant.now().plusSeconds(3600);
        assertTrue(DecisionJournal.query(file, null, future, null, 100).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> DecisionJournal.query(file, null, null, "maybe", 10));

        Path csv = tmp.resolve("out.csv");
        assertEquals(4, DecisionJournal.exportCsv(file, csv));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("id,line,part,camera"));
        assertTrue(lines.get(3).contains(",,failsafe,late,"), lines.get(3));
    }

    @Test
    void timesAreTheClocksReadingAtOpenCarriedOnMonotonically(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("clock.db");
        Instant open = Instant.parse("2020-01-02T10:00:00Z");
        java.time.Clock fixed = java.time.Clock.fixed(open, java.time.ZoneOffset.UTC); // a clock that never moves
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false, fixed)) {
            long t = System.nanoTime(); // after the open: its reading of the clock is the journal's time then
            j.append(0, 1, Outcome.PASS, 0.1f, t, t + 1_000_000);
            j.append(0, 2, Outcome.PASS, 0.1f, t + 5_000_000_000L, t + 5_001_000_000L); // 5 s later by the monotonic clock
        }
        List<DecisionJournal.Entry> rows = DecisionJournal.query(file, null, null, null, 10);
        long openMicros = open.getEpochSecond() * 1_000_000L;
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).decidedMicros() >= openMicros && rows.get(0).decidedMicros() < openMicros + 60_000_000L, rows.toString());
        assertEquals(5_000_000L, rows.get(1).decidedMicros() - rows.get(0).decidedMicros(), "the monotonic clock's 5 s: " + rows);
    }

    @Test
    void aDefectRejectsBoxIsRecordedAndEveryOtherRowHasNone(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("boxes.db");
        long t = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 1, Outcome.REJECT_DEFECT, 0.9f, t, t, 120, 80, 64, 48);
            j.append(0, 2, Outcome.PASS, 0.1f, t, t, 120, 80, 64, 48);            // a pass has no defect to locate
            j.append(0, 3, Outcome.FAILSAFE_ERROR, Float.NaN, t, t, 120, 80, 64, 48); // nor a fail-safe
            j.append(0, 4, Outcome.REJECT_DEFECT, 0.8f, t, t);                     // a model without a map
            j.append(0, 5, Outcome.REJECT_DEFECT, 0.8f, t, t, 5, 5, 0, 10);          // an empty box is none
        }
        List<DecisionJournal.Entry> rows = DecisionJournal.query(file, null, null, null, 10);
        assertEquals(new DecisionJournal.Box(120, 80, 64, 48), rows.get(0).defectBox());
        for (int i = 1; i < rows.size(); i++) assertNull(rows.get(i).defectBox(), "row " + rows.get(i));
        Path csv = tmp.resolve("boxes.csv");
        DecisionJournal.exportCsv(file, csv);
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(0).endsWith(",box_x,box_y,box_width,box_height"), lines.get(0));
        assertTrue(lines.get(1).endsWith(",120,80,64,48"), lines.get(1));
        assertTrue(lines.get(2).endsWith(",,,"), lines.get(2));
    }

    @Test
    void aJournalFromBeforeDefectBoxesIsReadAndThenUpgradedWhenOpened(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("old.db");
        // the schema as it was before the defect box, with one row in it
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             java.sql.Statement s = db.createStatement()) {
            s.execute("CREATE TABLE outcomes (id INTEGER PRIMARY KEY, line INTEGER NOT NULL, part INTEGER NOT NULL, camera TEXT, "
                    + "capture_us INTEGER NOT NULL, decided_us INTEGER NOT NULL, score REAL, decision TEXT NOT NULL, "
                    + "reason TEXT NOT NULL, model TEXT, calibration TEXT)");
            s.execute("INSERT INTO outcomes (line, part, camera, capture_us, decided_us, score, decision, reason, model, calibration) "
                    + "VALUES (0, 7, 'cam-a', 1, 2, 0.95, 'reject', 'defect', 'old-model', 'none')");
        }
        List<DecisionJournal.Entry> before = DecisionJournal.query(file, null, null, null, 10);
        assertEquals(1, before.size(), "an old journal reads as it is");
        assertNull(before.get(0).defectBox());
        assertEquals(1, DecisionJournal.exportCsv(file, tmp.resolve("old.csv")));

        long t = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 8, Outcome.REJECT_DEFECT, 0.9f, t, t, 1, 2, 3, 4);
        }
        List<DecisionJournal.Entry> after = DecisionJournal.query(file, null, null, null, 10);
        assertEquals(2, after.size());
        assertEquals(7, after.get(0).part());
        assertEquals("old-model", after.get(0).model());
        assertNull(after.get(0).defectBox(), "the old row has no box");
        assertEquals(new DecisionJournal.Box(1, 2, 3, 4), after.get(1).defectBox());
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             java.sql.Statement s = db.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT box_x, box_y, box_w, box_h FROM outcomes WHERE part = 8")) {
            assertTrue(r.next(), "the file itself has the new columns");
            assertEquals(4, r.getInt(4));
        }
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.append(0, 9, Outcome.PASS, 0.1f, t, t); // opening an upgraded journal again changes nothing
        }
        assertEquals(3, DecisionJournal.query(file, null, null, null, 10).size());
    }

    @Test
    void changesOfSettingsAreRecordedWithWhoAskedAndSurviveReopening(@TempDir Path tmp) {
        Path file = tmp.resolve("j.db");
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            assertEquals(List.of(), DecisionJournal.changes(file, 10));
            j.appendChange("lines[0].threshold", "0.5", "0.62", "SIGHUP reload of station.yaml");
            j.append(0, 1, Outcome.PASS, 0.1f, System.nanoTime(), System.nanoTime());
        }
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
            j.appendChange("lines[1].threshold", "0.5", "0.7", "dashboard 127.0.0.1");
        }
        List<DecisionJournal.Change> all = DecisionJournal.changes(file, 10);
        assertEquals(2, all.size());
        assertEquals("lines[0].threshold", all.get(0).setting());
        assertEquals("0.5", all.get(0).oldValue());
        assertEquals("0.62", all.get(0).newValue());
        assertEquals("SIGHUP reload of station.yaml", all.get(0).requestedBy());
        assertEquals("dashboard 127.0.0.1", all.get(1).requestedBy());
        assertTrue(all.get(1).atMicros() >= all.get(0).atMicros());
        assertEquals(List.of(all.get(1)), DecisionJournal.changes(file, 1), "the limit keeps the latest");
        assertEquals(1, DecisionJournal.query(file, null, null, null, 10).size(), "changes are not outcomes");
    }

    @Test
    void reopeningAppendsToTheSameJournal(@TempDir Path tmp) {
        Path file = tmp.resolve("j.db");
        for (int run = 0; run < 2; run++) {
            try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m", "none", false)) {
                for (int i = 0; i < 1000; i++) j.append(i % 2, i, Outcome.PASS, 0.05f, System.nanoTime(), System.nanoTime());
            }
        }
        assertEquals(2000, DecisionJournal.query(file, null, null, null, 10_000).size());
    }

    @Test
    void anUnwritableJournalIsNamed(@TempDir Path tmp) throws Exception {
        Path notAFolder = tmp.resolve("file");
        Files.writeString(notAFolder, "x");
        var e = assertThrows(DecisionJournal.JournalException.class,
                () -> DecisionJournal.open(notAFolder.resolve("j.db"), CAMERAS, "m", "none", false));
        assertTrue(e.getMessage().contains(notAFolder.resolve("j.db").toString()), e.getMessage());

        Path garbage = tmp.resolve("garbage.db");
        Files.writeString(garbage, "this is not a database, just text that is long enough to have a header and more bytes");
        var g = assertThrows(DecisionJournal.JournalException.class, () -> DecisionJournal.open(garbage, CAMERAS, "m", "none", false));
        assertTrue(g.getMessage().contains("garbage.db") && g.getMessage().contains("cannot be opened"), g.getMessage());

        assertThrows(DecisionJournal.JournalException.class, () -> DecisionJournal.query(tmp.resolve("missing.db"), null, null, null, 1));
    }
}
