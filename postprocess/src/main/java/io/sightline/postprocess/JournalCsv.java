package io.sightline.postprocess;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;

/**
 * The journal's outcomes as CSV ({@code journal export}): one row per outcome, times in ISO-8601
 * UTC, the score empty where none was computed, the defect box's four columns empty where there is
 * none. The format {@code eval-trend --history} and {@code train-trend --journal} read back.
 */
final class JournalCsv {
    private JournalCsv() {
    }

    /** Writes every row as CSV (header first) and returns the number of rows. */
    static long export(Path file, Path csv) {
        if (!Files.isRegularFile(file)) throw new DecisionJournal.JournalException("journal " + file + " does not exist", null);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT id, line, part, camera, capture_us, decided_us, score, decision, reason, model, "
                     + "calibration, " + DecisionJournal.boxSelect(db) + " FROM outcomes ORDER BY id");
             Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("id,line,part,camera,capture_time,decided_time,score,decision,reason,model,calibration,"
                    + "box_x,box_y,box_width,box_height\n");
            long rows = 0;
            while (r.next()) {
                float score = r.getFloat(7);
                boolean noScore = r.wasNull();
                DecisionJournal.Box box = JournalReads.box(r, 12);
                w.write(String.format(Locale.ROOT, "%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s%n", r.getLong(1), r.getInt(2), r.getLong(3),
                        csvField(r.getString(4)), micros(r.getLong(5)), micros(r.getLong(6)), noScore ? "" : Float.toString(score),
                        r.getString(8), r.getString(9), csvField(r.getString(10)), csvField(r.getString(11)),
                        box == null ? ",,," : box.x() + "," + box.y() + "," + box.width() + "," + box.height()));
                rows++;
            }
            return rows;
        } catch (SQLException e) {
            throw new DecisionJournal.JournalException("journal " + file + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DecisionJournal.JournalException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    private static String micros(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000).toString();
    }

    private static String csvField(String s) {
        if (s == null) return "";
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

}
