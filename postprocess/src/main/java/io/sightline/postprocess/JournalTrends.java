package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision journal's {@code trends} table: what the trend trackers said about each line, so a
 * quality engineer can read months later when a line (or one defect class on it) started rising and
 * what the forecast was.
 *
 * <pre>
 *   TrendAlarm raised / cleared (any detector; per defect class: rate-cusum) --+
 *   the LSTM's forecast, at most once a minute per line (the station's cadence) +--> DecisionJournal.appendTrend
 *       --> table trends: id, at_us (epoch micros, the part's capture time), line, part, detector,
 *                         class (NULL: the whole line), event (raised | cleared | forecast),
 *                         value (the statistic: a CUSUM, or the LSTM's expected rate), limit_value (the limit it
 *                         is held against), base_rate (the in-control rate the baseline gave: the line's, or the
 *                         class's), rate, lower, upper, level, horizon (the LSTM's forecast: the reject rate
 *                         expected over the next horizon parts, its interval and the interval's level; NULL for
 *                         the charts), rule (what crossed), chain_hash
 * </pre>
 *
 * <p>The rows are hash-chained like the outcomes and changes ({@link JournalChain}: domain
 * {@code "sightline-journal/1 trends"}), so {@code journal verify} covers them. A row is written by
 * the journal's one writer, in its own transaction, off the per-part path: alarms are rare and the
 * forecast rows are rate-limited by the caller.
 */
public final class JournalTrends {
    /** One trend row as read back. NaN for a REAL column left NULL; {@code defectClass} null: the whole line. */
    public record Row(long id, long atMicros, int line, long part, String detector, String defectClass, String event, double value,
                      double limit, double baseRate, double rate, double lower, double upper, double level, int horizonParts,
                      String rule) {
        /** For people: "crack rising on line 2", "line 2" (an alarm on the whole line), with "cleared" or "forecast" as the event says. */
        public String subject() {
            String what = defectClass == null ? "line " + line : defectClass + " rising on line " + line;
            return switch (event) {
                case EVENT_RAISED -> what;
                case EVENT_CLEARED -> what + ": cleared";
                default -> "forecast for line " + line;
            };
        }
    }

    public static final String EVENT_RAISED = "raised";
    public static final String EVENT_CLEARED = "cleared";
    public static final String EVENT_FORECAST = "forecast";

    private final PreparedStatement insert;
    private final JournalChain.Link link = new JournalChain.Link();

    JournalTrends(Connection db) throws SQLException {
        this.insert = db.prepareStatement("INSERT INTO trends (" + JournalChain.TREND_FIELDS + ", chain_hash) VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /** Creates the table (with its chain column) in a new or older journal file. */
    static void create(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS trends (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, line INTEGER NOT NULL, "
                + "part INTEGER NOT NULL, detector TEXT NOT NULL, class TEXT, event TEXT NOT NULL, value REAL, limit_value REAL, "
                + "base_rate REAL, rate REAL, lower REAL, upper REAL, level REAL, horizon INTEGER, rule TEXT, chain_hash BLOB)");
        s.execute("CREATE INDEX IF NOT EXISTS trends_line_time ON trends (line, at_us)");
    }

    JournalChain.Link link() {
        return link;
    }

    /**
     * Inserts one row (its own transaction; the trigger moves the chain's head with it). The caller
     * holds the journal's lock and hashes with its chain.
     */
    void insert(JournalChain chain, long atMicros, TrendAlarm alarm, String event, double baseRate) throws SQLException {
        TrendAlarm.Forecast f = alarm.forecast();
        insert.setLong(1, atMicros);
        insert.setInt(2, alarm.line());
        insert.setLong(3, alarm.partIndex());
        insert.setString(4, alarm.detector());
        insert.setString(5, alarm.defectClass());
        insert.setString(6, event);
        double[] reals = {alarm.value(), alarm.limit(), baseRate, f == null ? Double.NaN : f.rate(), f == null ? Double.NaN : f.lower(),
                f == null ? Double.NaN : f.upper(), f == null ? Double.NaN : f.level()};
        chain.begin(JournalChain.TRENDS, link.prev).putLong(atMicros).putLong(alarm.line()).putLong(alarm.partIndex())
                .putText(alarm.detector()).putText(alarm.defectClass()).putText(event);
        for (int i = 0; i < reals.length; i++) {
            if (Double.isNaN(reals[i])) insert.setNull(7 + i, Types.REAL);
            else insert.setDouble(7 + i, reals[i]);
            chain.putReal(reals[i]);
        }
        if (f == null) {
            insert.setNull(14, Types.INTEGER);
            chain.putNull();
        } else {
            insert.setInt(14, f.horizonParts());
            chain.putLong(f.horizonParts());
        }
        insert.setString(15, alarm.rule());
        chain.putText(alarm.rule()).finish(link.next);
        insert.setBytes(16, link.next);
        insert.executeUpdate();
        link.advance();
    }

    void close() throws SQLException {
        insert.close();
    }

    /**
     * The trend rows matching every filter given (null: any), the last {@code limit} of them, oldest
     * first; none in a journal from before trend rows were recorded.
     *
     * @param event raised, cleared or forecast
     * @throws DecisionJournal.JournalException when the file does not exist or cannot be read
     */
    public static List<Row> read(Path file, Integer line, String defectClass, String event, int limit) {
        if (!Files.isRegularFile(file)) throw new DecisionJournal.JournalException("journal " + file + " does not exist", null);
        if (limit < 1) throw new IllegalArgumentException("limit: expected at least 1, got " + limit);
        if (event != null && !List.of(EVENT_RAISED, EVENT_CLEARED, EVENT_FORECAST).contains(event)) {
            throw new IllegalArgumentException("event: expected raised, cleared or forecast, got '" + event + "'");
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            if (!JournalVerifier.hasTable(db, JournalChain.TRENDS)) return List.of();
            StringBuilder where = new StringBuilder(" WHERE 1=1");
            if (line != null) where.append(" AND line = ?");
            if (defectClass != null) where.append(" AND class = ?");
            if (event != null) where.append(" AND event = ?");
            try (PreparedStatement q = db.prepareStatement("SELECT id, " + JournalChain.TREND_FIELDS + " FROM (SELECT * FROM trends"
                    + where + " ORDER BY id DESC LIMIT ?) ORDER BY id")) {
                int i = 1;
                if (line != null) q.setInt(i++, line);
                if (defectClass != null) q.setString(i++, defectClass);
                if (event != null) q.setString(i++, event);
                q.setInt(i, limit);
                List<Row> out = new ArrayList<>();
                try (ResultSet r = q.executeQuery()) {
                    while (r.next()) {
                        out.add(new Row(r.getLong(1), r.getLong(2), r.getInt(3), r.getLong(4), r.getString(5), r.getString(6),
                                r.getString(7), real(r, 8), real(r, 9), real(r, 10), real(r, 11), real(r, 12), real(r, 13), real(r, 14),
                                r.getInt(15), r.getString(16)));
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new DecisionJournal.JournalException("journal " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static double real(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? Double.NaN : v;
    }
}
