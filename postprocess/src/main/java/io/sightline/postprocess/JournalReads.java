package io.sightline.postprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of the decision journal's outcomes and changes ({@link DecisionJournal#query},
 * {@link DecisionJournal#changes}): each read opens its own connection, so readers never wait on
 * the station's writer (WAL). The trend rows are read by {@link JournalTrends#read}.
 */
final class JournalReads {
    private JournalReads() {}

    /** The last {@code limit} changes of settings, oldest first (none in a journal from before changes were recorded). */
    static List<DecisionJournal.Change> changes(Path file, int limit) {
        if (!Files.isRegularFile(file)) throw new DecisionJournal.JournalException("journal " + file + " does not exist", null);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = db.createStatement()) {
            try (ResultSet t = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'changes'")) {
                if (!t.next()) return List.of();
            }
            List<DecisionJournal.Change> out = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("SELECT id, at_us, setting, old_value, new_value, requested_by FROM "
                    + "(SELECT * FROM changes ORDER BY id DESC LIMIT ?) ORDER BY id")) {
                q.setInt(1, limit);
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        out.add(new DecisionJournal.Change(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6)));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DecisionJournal.JournalException("journal " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Rows matching every filter given (null: any), oldest first, at most {@code limit}.
     *
     * @param decision pass, reject or failsafe
     */
    static List<DecisionJournal.Entry> query(Path file, Integer line, Instant since, String decision, int limit) {
        if (!Files.isRegularFile(file)) throw new DecisionJournal.JournalException("journal " + file + " does not exist", null);
        if (decision != null && !List.of("pass", "reject", "failsafe").contains(decision)) {
            throw new IllegalArgumentException("decision: expected pass, reject or failsafe, got '" + decision + "'");
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            StringBuilder sql = new StringBuilder("SELECT id, line, part, camera, capture_us, decided_us, score, decision, reason, "
                    + "model, calibration, " + DecisionJournal.boxSelect(db) + " FROM outcomes WHERE 1=1");
            if (line != null) sql.append(" AND line = ?");
            if (since != null) sql.append(" AND decided_us >= ?");
            if (decision != null) sql.append(" AND decision = ?");
            sql.append(" ORDER BY id LIMIT ?");
            return query(db, sql.toString(), line, since, decision, limit);
        } catch (SQLException e) {
            throw new DecisionJournal.JournalException("journal " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static List<DecisionJournal.Entry> query(Connection db, String sql, Integer line, Instant since, String decision, int limit)
            throws SQLException {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            int i = 1;
            if (line != null) q.setInt(i++, line);
            if (since != null) q.setLong(i++, Math.multiplyExact(since.getEpochSecond(), 1_000_000L) + since.getNano() / 1000);
            if (decision != null) q.setString(i++, decision);
            q.setInt(i, limit);
            List<DecisionJournal.Entry> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    float score = r.getFloat(7);
                    if (r.wasNull()) score = Float.NaN;
                    out.add(new DecisionJournal.Entry(r.getLong(1), r.getInt(2), r.getLong(3), r.getString(4), r.getLong(5), r.getLong(6), score,
                            r.getString(8), r.getString(9), r.getString(10), r.getString(11), box(r, 12)));
                }
            }
            return out;
        }
    }

    /** The box in columns {@code first..first+3}, or null when they are NULL. */
    static DecisionJournal.Box box(ResultSet r, int first) throws SQLException {
        int x = r.getInt(first);
        if (r.wasNull()) return null;
        return new DecisionJournal.Box(x, r.getInt(first + 1), r.getInt(first + 2), r.getInt(first + 3));
    }

}
