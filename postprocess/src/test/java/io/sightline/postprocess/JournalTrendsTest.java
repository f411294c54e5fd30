package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.postprocess.trend.TrendAlarm;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's trend rows on a real SQLite file: written, read back, covered by the hash chain. */
class JournalTrendsTest {
    private static final String[] CAMERAS = {"cam-a", "cam-b", "cam-c"};

    /** A crack alarm raised and cleared on line 2, a CUSUM alarm on line 1, and a forecast of line 2, around outcomes. */
    private static Path journal(Path tmp) {
        Path file = tmp.resolve("journal.db");
        long t = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m 1", "none", false)) {
            j.append(2, 0, Outcome.PASS, 0.1f, t, t);
            j.appendTrend(new TrendAlarm(2, "rate-cusum", t, 812, 5.3, 5.0, true, "class rate above 3.0x its in-control rate", null,
                    "crack"), JournalTrends.EVENT_RAISED, 0.0099);
            j.appendTrend(new TrendAlarm(1, "cusum", t, 700, 8.2, 8.0, true, "statistic above the upper control limit"),
                    JournalTrends.EVENT_RAISED, Double.NaN);
            j.append(2, 1, Outcome.REJECT_DEFECT, 0.9f, t, t);
            j.appendTrend(new TrendAlarm(2, "lstm", t, 900, 0.061, 0.05, false, "forecast",
                    new TrendAlarm.Forecast(0.061, 0.04, 0.09, 0.9, 500, 0.05)), JournalTrends.EVENT_FORECAST, 0.03);
            j.appendTrend(new TrendAlarm(2, "rate-cusum", t, 990, 2.1, 5.0, false, "back below the clear level", null, "crack"),
                    JournalTrends.EVENT_CLEARED, 0.0099);
            assertEquals(4, j.trendRows());
        }
        return file;
    }

    @Test
    void trendRowsAreReadBackWithTheirClassForecastAndLimit(@TempDir Path tmp) {
        Path file = journal(tmp);
        List<JournalTrends.Row> all = JournalTrends.read(file, null, null, null, 100);
        assertEquals(List.of("crack rising on line 2", "line 1", "forecast for line 2", "crack rising on line 2: cleared"),
                all.stream().map(JournalTrends.Row::subject).toList());
        JournalTrends.Row crack = all.get(0);
        assertEquals("rate-cusum", crack.detector());
        assertEquals(812, crack.part());
        assertEquals(5.3, crack.value());
        assertEquals(5.0, crack.limit());
        assertEquals(0.0099, crack.baseRate());
        assertTrue(Double.isNaN(crack.rate()), "a chart's alarm has no forecast");
        assertNull(all.get(1).defectClass(), "the whole line's alarm has no class");
        assertTrue(Double.isNaN(all.get(1).baseRate()));
        JournalTrends.Row forecast = all.get(2);
        assertEquals(0.061, forecast.rate());
        assertEquals(0.04, forecast.lower());
        assertEquals(0.09, forecast.upper());
        assertEquals(0.9, forecast.level());
        assertEquals(500, forecast.horizonParts());
        assertEquals(0.05, forecast.limit());

        assertEquals(3, JournalTrends.read(file, 2, null, null, 100).size());
        assertEquals(List.of(812L, 990L), JournalTrends.read(file, null, "crack", null, 100).stream().map(JournalTrends.Row::part).toList());
        assertEquals(2, JournalTrends.read(file, null, null, "raised", 100).size());
        assertEquals(List.of(990L), JournalTrends.read(file, null, null, null, 1).stream().map(JournalTrends.Row::part).toList(),
                "the last rows");
    }

    @Test
    void theHashChainCoversTrendRowsAcrossReopening(@TempDir Path tmp) throws Exception {
        Path file = journal(tmp);
        try (DecisionJournal j = DecisionJournal.open(file, CAMERAS, "m 1", "none", false)) {
            j.appendTrend(new TrendAlarm(0, "cusum", System.nanoTime(), 5, 9, 8, true, "statistic above the upper control limit"),
                    JournalTrends.EVENT_RAISED, Double.NaN);
        }
        JournalVerifier.Report clean = DecisionJournal.verify(file);
        assertTrue(clean.intact(), clean.toString());
        assertEquals(5, clean.chains().stream().filter(c -> c.table().equals("trends")).findFirst().orElseThrow().chainedRows());

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = db.createStatement()) {
            s.execute("UPDATE trends SET class = 'scratch' WHERE id = 1");
        }
        JournalVerifier.Report tampered = DecisionJournal.verify(file);
        assertFalse(tampered.intact());
        JournalVerifier.Break b = tampered.breaks().get(0);
        assertEquals("trends 1 CHANGED", b.table() + " " + b.row() + " " + b.kind(), tampered.breaks().toString());
    }

    @Test
    void aDeletedTrendRowIsFound(@TempDir Path tmp) throws Exception {
        Path file = journal(tmp);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath()); Statement s = db.createStatement()) {
            s.execute("DELETE FROM trends WHERE id = 2");
        }
        JournalVerifier.Break b = DecisionJournal.verify(file).breaks().get(0);
        assertEquals("trends 2 DELETED", b.table() + " " + b.row() + " " + b.kind());
    }

    @Test
    void badFiltersAndMissingFilesAreRefusedByName(@TempDir Path tmp) {
        Path file = journal(tmp);
        var e = assertThrows(IllegalArgumentException.class, () -> JournalTrends.read(file, null, null, "alarm", 10));
        assertTrue(e.getMessage().contains("event: expected raised, cleared or forecast, got 'alarm'"), e.getMessage());
        var missing = assertThrows(DecisionJournal.JournalException.class,
                () -> JournalTrends.read(tmp.resolve("nope.db"), null, null, null, 10));
        assertTrue(missing.getMessage().contains("nope.db does not exist"), missing.getMessage());
    }
}
