package io.sightline.postprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every outcome, appended to an embedded SQLite database before its signal leaves the station,
 * so a quality engineer can trace any part months later and a crash loses nothing that was
 * signalled.
 *
 * <pre>
 *   outcome --append (INSERT + COMMIT, WAL mode)--> journal file   then   --> reject sink / PLC
 *   table outcomes: id, line, part, camera, capture_us, decided_us (epoch micros), score (NULL: never
 *                   scored), decision (pass | reject | failsafe), reason, model (the version that decided
 *                   the part, see {@link #registerModel}), calibration,
 *                   box_x, box_y, box_w, box_h (where the model saw the defect, frame pixels; NULL but
 *                   for a defect reject by a model with a defect map)
 *   table changes:  id, at_us, setting, old_value, new_value, requested_by
 *   table trends:   trend alarms raised and cleared, per line and per defect class, and the LSTM's forecast
 *                   at a bounded cadence ({@link JournalTrends}; {@link #appendTrend})
 * </pre>
 *
 * <p>A journal file from before the defect box existed is upgraded when it is opened for writing
 * (the four columns are added, NULL in its old rows); reading one that was never upgraded gives no
 * boxes.
 *
 * <p>Tamper evidence: every outcome, change and trend row carries {@code chain_hash}, a SHA-256 chained over
 * the previous row of its table, and {@code chain_head} keeps the last id and hash committed, moved
 * by a trigger in the row's own transaction ({@link JournalChain} has the encoding). {@link #verify} checks the whole chain;
 * {@link #open} checks its last rows and, on a break, logs an error naming the row, records a
 * {@code journal.chain} change and carries on chaining from the last row in the file. A file from
 * before the chain gets the columns when opened for writing; its old rows stay outside the chain.
 *
 * <p>WAL with {@code synchronous=NORMAL}: a commit is in the operating system's hands when
 * {@link #append} returns, so a killed process loses nothing it appended (a power cut can lose
 * the last commits; {@link #open} with {@code fsyncEachCommit} trades throughput for that too).
 * Appends are serialised; the decision thread and the deadline watchdog both append.
 *
 * <p>A journal that cannot be opened or written throws {@link JournalException} naming the file
 * and the cause: the station then stops the line rather than pass parts unrecorded.
 */
public final class DecisionJournal implements AutoCloseable {
    /** Thrown when the journal cannot be opened, written or read. */
    public static final class JournalException extends RuntimeException {
        public JournalException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One change of a setting while the station ran (a threshold reloaded, say), with who asked for it. */
    public record Change(long id, long atMicros, String setting, String oldValue, String newValue, String requestedBy) {}

    /** Where the model saw a rejected part's defect, in frame pixels. */
    public record Box(int x, int y, int width, int height) {}

    /**
     * One journal row. {@code score} is NaN when the part was never scored; {@code defectBox} is null
     * but for a defect reject by a model with a defect map.
     */
    public record Entry(long id, int line, long part, String camera, long captureMicros, long decidedMicros, float score,
                        String decision, String reason, String model, String calibration, Box defectBox) {}

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DecisionJournal.class);
    /** How many of each chain's last rows {@link #open} checks. */
    static final int TAIL_CHECK_ROWS = 256;
    private static final byte[][] DECISION_UTF8 = new byte[Outcome.count()][];
    private static final byte[][] REASON_UTF8 = new byte[Outcome.count()][];

    static {
        for (int i = 0; i < Outcome.count(); i++) {
            DECISION_UTF8[i] = JournalChain.utf8(Outcome.ofOrdinal(i).decision());
            REASON_UTF8[i] = JournalChain.utf8(Outcome.ofOrdinal(i).reason());
        }
    }

    /** The defect box's columns, in order. */
    private static final String[] BOX_COLUMNS = {"box_x", "box_y", "box_w", "box_h"};

    private final Path file;
    private final Connection db;
    private final PreparedStatement insert;
    private final String[] cameras;
    /** The model labels rows name, by id (0: the one the journal was opened with); grows on {@link #registerModel}. */
    private String[] models;
    private byte[][] modelsUtf8;
    private final String calibration;
    private final long epochMicrosAtOpen;
    private final long nanosAtOpen;
    private final JournalChain chain = new JournalChain();
    private final JournalChain.Link outcomesLink = new JournalChain.Link();
    private final JournalChain.Link changesLink = new JournalChain.Link();
    private final JournalTrends trends;
    private long trendRows;
    private final byte[][] cameraUtf8;
    private final byte[] calibrationUtf8;
    private long appended;
    private boolean closed;

    private DecisionJournal(Path file, Connection db, String[] cameras, String model, String calibration, java.time.Clock clock)
            throws SQLException {
        this.file = file;
        this.db = db;
        this.cameras = cameras.clone();
        this.models = new String[] {model};
        this.calibration = calibration;
        this.insert = db.prepareStatement("INSERT INTO outcomes (line, part, camera, capture_us, decided_us, score, decision, "
                + "reason, model, calibration, box_x, box_y, box_w, box_h, chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.trends = new JournalTrends(db);
        this.cameraUtf8 = new byte[cameras.length][];
        for (int i = 0; i < cameras.length; i++) cameraUtf8[i] = JournalChain.utf8(cameras[i]);
        this.modelsUtf8 = new byte[][] {JournalChain.utf8(model)};
        this.calibrationUtf8 = JournalChain.utf8(calibration);
        Instant wall = clock.instant();
        this.epochMicrosAtOpen = Math.addExact(Math.multiplyExact(wall.getEpochSecond(), 1_000_000L), wall.getNano() / 1_000);
        this.nanosAtOpen = System.nanoTime();
    }

    /**
     * Opens (creating if needed) the journal at {@code file}.
     *
     * @param cameras the camera (source) name of each line, recorded with every outcome
     * @param model the model package's name and version
     * @param calibration the calibration's version ("none" without one)
     * @param fsyncEachCommit {@code synchronous=FULL} instead of NORMAL: survives power loss too, slower
     * @throws JournalException naming the file when it cannot be opened or is not a journal
     */
    public static DecisionJournal open(Path file, String[] cameras, String model, String calibration, boolean fsyncEachCommit) {
        return open(file, cameras, model, calibration, fsyncEachCommit, java.time.Clock.systemUTC());
    }

    /**
     * As {@link #open(Path, String[], String, String, boolean)}, with the station's wall clock. It is
     * read once, here: every time the journal records ({@code capture_us}, {@code decided_us},
     * {@code at_us}) is that reading carried on by {@link System#nanoTime()}, so a step of the wall
     * clock while the journal is open neither reorders its rows nor leaps their times; they stay
     * off the stepped clock by the step until the journal is opened again.
     */
    public static DecisionJournal open(Path file, String[] cameras, String model, String calibration, boolean fsyncEachCommit,
                                       java.time.Clock clock) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new JournalException("journal " + file + ": cannot create its folder (" + e.getMessage() + ")", e);
        }
        Connection db = null;
        try {
            // no generated keys: the driver otherwise runs a regex and a SELECT last_insert_rowid() with a
            // new statement and result set after every insert (about 1 KB and a query per part)
            org.sqlite.SQLiteConfig driver = new org.sqlite.SQLiteConfig();
            driver.setGetGeneratedKeys(false);
            db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), driver.toProperties());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + (fsyncEachCommit ? "FULL" : "NORMAL"));
            }
            db.setAutoCommit(false); // the schema, its upgrade and the open check in one transaction
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS outcomes (id INTEGER PRIMARY KEY, line INTEGER NOT NULL, part INTEGER NOT NULL, "
                        + "camera TEXT, capture_us INTEGER NOT NULL, decided_us INTEGER NOT NULL, score REAL, decision TEXT NOT NULL, "
                        + "reason TEXT NOT NULL, model TEXT, calibration TEXT, box_x INTEGER, box_y INTEGER, box_w INTEGER, "
                        + "box_h INTEGER)");
                addBoxColumns(db, s);
                s.execute("CREATE INDEX IF NOT EXISTS outcomes_line_time ON outcomes (line, decided_us)");
                s.execute("CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, setting TEXT NOT NULL, "
                        + "old_value TEXT, new_value TEXT, requested_by TEXT NOT NULL)");
                JournalTrends.create(s);
                JournalChain.upgrade(db, s);
            }
            db.commit();
            DecisionJournal journal = new DecisionJournal(file, db, cameras, model, calibration, clock);
            journal.checkChainTail();
            db.setAutoCommit(true); // from here each append is one statement and its own transaction: row + head (trigger)
            return journal;
        } catch (SQLException e) {
            if (db != null) {
                try {
                    db.close();
                } catch (SQLException ignored) {
                    // the open failure is the one to report
                }
            }
            throw new JournalException("journal " + file + ": cannot be opened for writing (" + e.getMessage()
                    + "); check that the folder is writable and the disk not full", e);
        }
    }

    /** A journal from before the defect box: its columns are added (NULL in the rows already there). */
    private static void addBoxColumns(Connection db, Statement s) throws SQLException {
        boolean[] present = boxColumns(db);
        for (int i = 0; i < BOX_COLUMNS.length; i++) {
            if (!present[i]) s.execute("ALTER TABLE outcomes ADD COLUMN " + BOX_COLUMNS[i] + " INTEGER");
        }
    }

    /** Which of {@link #BOX_COLUMNS} the outcomes table has. */
    private static boolean[] boxColumns(Connection db) throws SQLException {
        boolean[] present = new boolean[BOX_COLUMNS.length];
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(outcomes)")) {
            while (r.next()) {
                String name = r.getString("name");
                for (int i = 0; i < BOX_COLUMNS.length; i++) if (BOX_COLUMNS[i].equalsIgnoreCase(name)) present[i] = true;
            }
        }
        return present;
    }

    /** The SELECT list of the box columns: the columns, or NULLs for a journal from before them. */
    static String boxSelect(Connection db) throws SQLException {
        for (boolean p : boxColumns(db)) if (!p) return "NULL, NULL, NULL, NULL";
        return String.join(", ", BOX_COLUMNS);
    }

    public Path file() {
        return file;
    }

    /**
     * The id by which {@link #append(int, long, Outcome, float, long, long, int, int, int, int, int)}
     * names {@code label} in the rows' {@code model} column (a model swapped in while the station
     * runs); the same label gets the same id. Id 0 is the model the journal was opened with.
     */
    public synchronized int registerModel(String label) {
        java.util.Objects.requireNonNull(label, "label");
        for (int i = 0; i < models.length; i++) if (models[i].equals(label)) return i;
        String[] m = java.util.Arrays.copyOf(models, models.length + 1);
        byte[][] u = java.util.Arrays.copyOf(modelsUtf8, models.length + 1);
        m[models.length] = label;
        u[models.length] = JournalChain.utf8(label);
        models = m;
        modelsUtf8 = u;
        return models.length - 1;
    }

    /**
     * Appends one outcome (without a defect box) and commits it. Returns when it is in the journal.
     *
     * @throws JournalException when the row cannot be written (disk full, read-only, removed)
     */
    public void append(int line, long part, Outcome outcome, float score, long captureNanos, long decidedNanos) {
        append(line, part, outcome, score, captureNanos, decidedNanos, 0, 0, 0, 0);
    }

    /**
     * Appends one outcome with where the model saw the defect, and commits it. The box (frame pixels)
     * is recorded only for {@link Outcome#REJECT_DEFECT} and when its width and height are positive;
     * otherwise the row's box is NULL. Allocates nothing beyond what the driver does.
     *
     * @throws JournalException when the row cannot be written (disk full, read-only, removed)
     */
    public void append(int line, long part, Outcome outcome, float score, long captureNanos, long decidedNanos,
                       int boxX, int boxY, int boxWidth, int boxHeight) {
        append(line, part, outcome, score, captureNanos, decidedNanos, boxX, boxY, boxWidth, boxHeight, 0);
    }

    /**
     * As {@link #append(int, long, Outcome, float, long, long, int, int, int, int)}, naming the model
     * that decided the part by its {@link #registerModel} id (an unknown id: the journal's first model).
     */
    public synchronized void append(int line, long part, Outcome outcome, float score, long captureNanos, long decidedNanos,
                                    int boxX, int boxY, int boxWidth, int boxHeight, int model) {
        if (model < 0 || model >= models.length) model = 0;
        if (closed) throw new JournalException("journal " + file + " is closed", null);
        try {
            boolean knownLine = line >= 0 && line < cameras.length;
            long captureMicros = toEpochMicros(captureNanos);
            long decidedMicros = toEpochMicros(decidedNanos);
            chain.begin(JournalChain.OUTCOMES, outcomesLink.prev).putLong(line).putLong(part)
                    .putText(knownLine ? cameraUtf8[line] : null).putLong(captureMicros).putLong(decidedMicros);
            insert.setInt(1, line);
            insert.setLong(2, part);
            insert.setString(3, knownLine ? cameras[line] : null);
            insert.setLong(4, captureMicros);
            insert.setLong(5, decidedMicros);
            if (Float.isNaN(score)) {
                insert.setNull(6, Types.REAL);
                chain.putNull();
            } else {
                insert.setFloat(6, score);
                chain.putDouble(score);
            }
            insert.setString(7, outcome.decision());
            insert.setString(8, outcome.reason());
            insert.setString(9, models[model]);
            insert.setString(10, calibration);
            chain.putText(DECISION_UTF8[outcome.ordinal()]).putText(REASON_UTF8[outcome.ordinal()]).putText(modelsUtf8[model])
                    .putText(calibrationUtf8);
            if (outcome == Outcome.REJECT_DEFECT && boxWidth > 0 && boxHeight > 0) {
                insert.setInt(11, boxX);
                insert.setInt(12, boxY);
                insert.setInt(13, boxWidth);
                insert.setInt(14, boxHeight);
                chain.putLong(boxX).putLong(boxY).putLong(boxWidth).putLong(boxHeight);
            } else {
                for (int i = 11; i <= 14; i++) insert.setNull(i, Types.INTEGER);
                chain.putNull().putNull().putNull().putNull();
            }
            chain.finish(outcomesLink.next);
            insert.setBytes(15, outcomesLink.next);
            insert.executeUpdate(); // the trigger moves the chain's head in the same transaction
            outcomesLink.advance();
            appended++;
        } catch (SQLException e) {
            throw new JournalException("journal " + file + ": cannot append the outcome of line " + line + " part " + part + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Records a change of a setting (in the {@code changes} table) and commits it, before the
     * change takes effect.
     *
     * @throws JournalException when the row cannot be written
     */
    public synchronized void appendChange(String setting, String oldValue, String newValue, String requestedBy) {
        if (closed) throw new JournalException("journal " + file + " is closed", null);
        try (PreparedStatement p = db.prepareStatement(
                "INSERT INTO changes (at_us, setting, old_value, new_value, requested_by, chain_hash) VALUES (?, ?, ?, ?, ?, ?)")) {
            long atMicros = toEpochMicros(System.nanoTime());
            p.setLong(1, atMicros);
            p.setString(2, setting);
            p.setString(3, oldValue);
            p.setString(4, newValue);
            p.setString(5, requestedBy);
            chain.begin(JournalChain.CHANGES, changesLink.prev).putLong(atMicros).putText(setting).putText(oldValue).putText(newValue)
                    .putText(requestedBy).finish(changesLink.next);
            p.setBytes(6, changesLink.next);
            p.executeUpdate();
            if (!db.getAutoCommit()) db.commit(); // the open check's break record, with the heads it moved
            changesLink.advance();
        } catch (SQLException e) {
            throw new JournalException("journal " + file + ": cannot record the change of " + setting + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Records a trend event (in the {@code trends} table) and commits it: an alarm raised or cleared
     * ({@code event} {@link JournalTrends#EVENT_RAISED} / {@link JournalTrends#EVENT_CLEARED}), or the
     * LSTM's forecast ({@link JournalTrends#EVENT_FORECAST}, the alarm record carrying it). The time
     * is the part's capture time. Not for every part: the caller rate-limits forecasts.
     *
     * @param baseRate the in-control rate the tracker's baseline gave (the line's, or the class's); NaN: unknown
     * @throws JournalException when the row cannot be written
     */
    public synchronized void appendTrend(io.sightline.postprocess.trend.TrendAlarm alarm, String event, double baseRate) {
        if (closed) throw new JournalException("journal " + file + " is closed", null);
        try {
            trends.insert(chain, toEpochMicros(alarm.timeNanos()), alarm, event, baseRate);
            trendRows++;
        } catch (SQLException e) {
            throw new JournalException("journal " + file + ": cannot record the trend " + event + " of line " + alarm.line() + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Trend rows appended through this instance. */
    public synchronized long trendRows() {
        return trendRows;
    }

    /**
     * The open path's check of each chain's last {@link #TAIL_CHECK_ROWS} rows against its head. A
     * break is logged, recorded as a {@code journal.chain} change (both heads moved to the rows in the
     * file first), and the chains carry on from the last rows in the file.
     */
    private void checkChainTail() throws SQLException {
        JournalVerifier verifier = new JournalVerifier();
        JournalVerifier.Walk outcomes = verifier.tail(db, JournalChain.OUTCOMES, TAIL_CHECK_ROWS);
        JournalVerifier.Walk changes = verifier.tail(db, JournalChain.CHANGES, TAIL_CHECK_ROWS);
        JournalVerifier.Walk trendWalk = verifier.tail(db, JournalChain.TRENDS, TAIL_CHECK_ROWS);
        db.commit();
        outcomesLink.startFrom(outcomes.lastHash());
        changesLink.startFrom(changes.lastHash());
        trends.link().startFrom(trendWalk.lastHash());
        List<JournalVerifier.Walk> walks = List.of(outcomes, changes, trendWalk);
        List<JournalVerifier.Break> breaks = new ArrayList<>();
        StringBuilder heads = new StringBuilder();
        for (JournalVerifier.Walk w : walks) {
            breaks.addAll(w.breaks());
            heads.append(heads.length() == 0 ? "" : ", ").append(w.chain().table()).append(" head row ").append(w.chain().headLastId())
                    .append(' ').append(w.chain().headHash());
        }
        if (breaks.isEmpty()) {
            LOG.info("journal {}: hash chain checked, outcomes head row {} {}, changes head row {} {}, trends head row {} {}", file,
                    outcomes.chain().lastId(), outcomes.chain().lastHash(), changes.chain().lastId(), changes.chain().lastHash(),
                    trendWalk.chain().lastId(), trendWalk.chain().lastHash());
            return;
        }
        for (JournalVerifier.Break b : breaks) LOG.error("journal {}: hash chain broken: {}", file, b);
        String expected = heads.toString();
        StringBuilder found = new StringBuilder();
        for (JournalVerifier.Break b : breaks) found.append(found.length() == 0 ? "" : "; ").append(b);
        try (PreparedStatement p = db.prepareStatement("UPDATE chain_head SET last_id = ?, hash = ? WHERE tbl = ?")) {
            for (JournalVerifier.Walk w : walks) {
                if (w.lastHash() == null) continue;
                p.setLong(1, w.chain().lastId());
                p.setBytes(2, w.lastHash());
                p.setString(3, w.chain().table());
                p.executeUpdate();
            }
        }
        appendChange(JournalVerifier.BREAK_SETTING, expected, found.toString(), "journal open check");
    }

    /**
     * Checks every hash chain of the journal at {@code file} from their start: every row against the
     * row before it, the tail against the head the writer committed, and the breaks recorded when the
     * journal was opened.
     *
     * @throws JournalException when the file does not exist or cannot be read
     */
    public static JournalVerifier.Report verify(Path file) {
        if (!Files.isRegularFile(file)) throw new JournalException("journal " + file + " does not exist", null);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            return new JournalVerifier().verifyAll(file, db);
        } catch (SQLException e) {
            throw new JournalException("journal " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private long toEpochMicros(long nanos) {
        return epochMicrosAtOpen + (nanos - nanosAtOpen) / 1_000;
    }

    /** Rows appended through this instance. */
    public synchronized long appended() {
        return appended;
    }

    /** The last {@code limit} changes of settings, oldest first (none in a journal from before changes were recorded). */
    public static List<Change> changes(Path file, int limit) {
        return JournalReads.changes(file, limit);
    }

    /**
     * Rows matching every filter given (null: any), oldest first, at most {@code limit}.
     *
     * @param decision pass, reject or failsafe
     */
    public static List<Entry> query(Path file, Integer line, Instant since, String decision, int limit) {
        return JournalReads.query(file, line, since, decision, limit);
    }

    /** Writes every row as CSV (header first) and returns the number of rows ({@link JournalCsv}). */
    public static long exportCsv(Path file, Path csv) {
        return JournalCsv.export(file, csv);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            insert.close();
            trends.close();
            db.close();
        } catch (SQLException e) {
            throw new JournalException("journal " + file + ": close failed (" + e.getMessage() + ")", e);
        }
    }
}
