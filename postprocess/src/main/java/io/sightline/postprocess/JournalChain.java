package io.sightline.postprocess;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The decision journal's hash chains: one per table ({@code outcomes}, {@code changes}, {@code trends}), each row's
 * {@code chain_hash} a SHA-256 over the previous row's hash and the row's own fields.
 *
 * <pre>
 *   chain_hash(row n) = SHA-256( domain | 0x00 | chain_hash(row n-1) | field 1 | field 2 | ... )
 *     domain  "sightline-journal/1 outcomes", "sightline-journal/1 changes" or "sightline-journal/1 trends" (ASCII)
 *     row 0's predecessor: 32 zero bytes (the chain's first row, in a new file or the first after an upgrade)
 *     field   NULL     0x00
 *             INTEGER  0x01 + 8 bytes big-endian
 *             REAL     0x02 + the IEEE-754 double's 8 bytes big-endian (a score is a float widened to double)
 *             TEXT     0x03 + 4 bytes big-endian length + the UTF-8 bytes
 *     outcomes fields: line, part, camera, capture_us, decided_us, score, decision, reason, model, calibration,
 *                      box_x, box_y, box_w, box_h
 *     changes fields:  at_us, setting, old_value, new_value, requested_by
 *     trends fields:   at_us, line, part, detector, class, event, value, limit_value, base_rate, rate, lower, upper,
 *                      level, horizon, rule
 *   table chain_head (tbl, before_chain, last_id, hash): per chain, the last id (rows before_chain+1 .. last_id
 *     are the chain) and hash committed; an AFTER INSERT trigger moves it forward in the row's own transaction
 * </pre>
 *
 * <p>Every field is typed and length-prefixed, so no two different rows encode alike. The row's id
 * is not hashed: the order is bound by the previous hash, and ids (SQLite's rowid, assigned as
 * max + 1 by the one writer) are contiguous, so a gap names deleted rows.
 *
 * <p>One instance per writer or verifier (not thread-safe): the digest and the buffer are reused,
 * so hashing a row allocates nothing.
 */
final class JournalChain {
    static final int HASH_BYTES = 32;
    static final String OUTCOMES = "outcomes";
    static final String CHANGES = "changes";
    static final String TRENDS = "trends";
    /** Every chained table, in the order they are checked. */
    static final String[] TABLES = {OUTCOMES, CHANGES, TRENDS};
    /** The outcome columns the chain covers, in their hashing order. */
    static final String OUTCOME_FIELDS = "line, part, camera, capture_us, decided_us, score, decision, reason, model, calibration, "
            + "box_x, box_y, box_w, box_h";
    /** The change columns the chain covers, in their hashing order. */
    static final String CHANGE_FIELDS = "at_us, setting, old_value, new_value, requested_by";
    /** The trend columns the chain covers, in their hashing order ({@link JournalTrends}). */
    static final String TREND_FIELDS = "at_us, line, part, detector, class, event, value, limit_value, base_rate, rate, lower, upper, "
            + "level, horizon, rule";
    static final byte[] ZERO = new byte[HASH_BYTES];

    private static final byte[] DOMAIN_OUTCOMES = "sightline-journal/1 outcomes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOMAIN_CHANGES = "sightline-journal/1 changes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOMAIN_TRENDS = "sightline-journal/1 trends".getBytes(StandardCharsets.US_ASCII);
    private static final byte NULL = 0;
    private static final byte INTEGER = 1;
    private static final byte REAL = 2;
    private static final byte TEXT = 3;

    /** One chain's state in a writer: the hash the next row links to, and the buffer the next hash is made in. */
    static final class Link {
        byte[] prev = ZERO.clone();
        byte[] next = new byte[HASH_BYTES];

        /** The row hashed into {@link #next} was committed: it is what the following row links to. */
        void advance() {
            byte[] t = prev;
            prev = next;
            next = t;
        }

        void startFrom(byte[] hash) {
            prev = hash == null ? ZERO.clone() : hash.clone();
        }
    }

    private final MessageDigest sha;
    private byte[] buf = new byte[512];
    private int n;

    JournalChain() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Starts a row of {@code table} linked to {@code prev}. */
    JournalChain begin(String table, byte[] prev) {
        n = 0;
        byte[] domain = domain(table);
        ensure(domain.length + 1 + HASH_BYTES);
        System.arraycopy(domain, 0, buf, 0, domain.length);
        n = domain.length;
        buf[n++] = 0;
        System.arraycopy(prev, 0, buf, n, HASH_BYTES);
        n += HASH_BYTES;
        return this;
    }

    private static byte[] domain(String table) {
        return OUTCOMES.equals(table) ? DOMAIN_OUTCOMES : CHANGES.equals(table) ? DOMAIN_CHANGES : DOMAIN_TRENDS;
    }

    JournalChain putNull() {
        ensure(1);
        buf[n++] = NULL;
        return this;
    }

    JournalChain putLong(long v) {
        ensure(9);
        buf[n++] = INTEGER;
        putRaw(v);
        return this;
    }

    JournalChain putDouble(double v) {
        ensure(9);
        buf[n++] = REAL;
        putRaw(Double.doubleToRawLongBits(v));
        return this;
    }

    /** {@code utf8} null: a NULL field. */
    JournalChain putText(byte[] utf8) {
        if (utf8 == null) return putNull();
        ensure(5 + utf8.length);
        buf[n++] = TEXT;
        int len = utf8.length;
        buf[n++] = (byte) (len >>> 24);
        buf[n++] = (byte) (len >>> 16);
        buf[n++] = (byte) (len >>> 8);
        buf[n++] = (byte) len;
        System.arraycopy(utf8, 0, buf, n, len);
        n += len;
        return this;
    }

    JournalChain putText(String s) {
        return putText(utf8(s));
    }

    /** Writes the hash of the row begun with {@link #begin} into {@code out[0..32)}. */
    void finish(byte[] out) {
        sha.update(buf, 0, n);
        try {
            sha.digest(out, 0, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest failed", e);
        }
    }

    /**
     * The bytes hashed for an outcome row read back with {@link #OUTCOME_FIELDS} from column
     * {@code first} on, with zeros where the previous hash goes ({@link #withPrev}).
     */
    byte[] outcomeBytes(ResultSet r, int first) throws SQLException {
        begin(OUTCOMES, ZERO);
        integer(r, first);      // line
        integer(r, first + 1);  // part
        putText(r.getString(first + 2));
        integer(r, first + 3);
        integer(r, first + 4);
        double score = r.getDouble(first + 5);
        if (r.wasNull()) putNull();
        else putDouble(score);
        for (int i = 6; i <= 9; i++) putText(r.getString(first + i));
        for (int i = 10; i <= 13; i++) integer(r, first + i);
        return Arrays.copyOf(buf, n);
    }

    /** The bytes hashed for a change row read back with {@link #CHANGE_FIELDS} from column {@code first} on. */
    byte[] changeBytes(ResultSet r, int first) throws SQLException {
        begin(CHANGES, ZERO);
        integer(r, first);
        for (int i = 1; i <= 4; i++) putText(r.getString(first + i));
        return Arrays.copyOf(buf, n);
    }

    /** The bytes hashed for a trend row read back with {@link #TREND_FIELDS} from column {@code first} on. */
    byte[] trendBytes(ResultSet r, int first) throws SQLException {
        begin(TRENDS, ZERO);
        for (int i = 0; i <= 2; i++) integer(r, first + i);   // at_us, line, part
        for (int i = 3; i <= 5; i++) putText(r.getString(first + i));   // detector, class, event
        for (int i = 6; i <= 12; i++) real(r, first + i);   // value .. level
        integer(r, first + 13);   // horizon
        putText(r.getString(first + 14));   // rule
        return Arrays.copyOf(buf, n);
    }

    /** The bytes hashed for a row of {@code table} read back with its fields from column {@code first} on. */
    byte[] rowBytes(String table, ResultSet r, int first) throws SQLException {
        return OUTCOMES.equals(table) ? outcomeBytes(r, first) : CHANGES.equals(table) ? changeBytes(r, first) : trendBytes(r, first);
    }

    /** The columns the chain covers for {@code table}, in their hashing order. */
    static String fields(String table) {
        return OUTCOMES.equals(table) ? OUTCOME_FIELDS : CHANGES.equals(table) ? CHANGE_FIELDS : TREND_FIELDS;
    }

    /** NaN: a NULL field (a REAL column the row leaves empty). */
    JournalChain putReal(double v) {
        return Double.isNaN(v) ? putNull() : putDouble(v);
    }

    /** Hashes row bytes from {@link #rowBytes} linked to {@code prev}, into {@code out}. */
    void withPrev(String table, byte[] encoded, byte[] prev, byte[] out) {
        System.arraycopy(prev, 0, encoded, domain(table).length + 1, HASH_BYTES);
        sha.update(encoded);
        try {
            sha.digest(out, 0, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest failed", e);
        }
    }

    private void integer(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        if (r.wasNull()) putNull();
        else putLong(v);
    }

    private void real(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        if (r.wasNull()) putNull();
        else putDouble(v);
    }

    private void putRaw(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) buf[n++] = (byte) (v >>> shift);
    }

    private void ensure(int more) {
        if (n + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] hash) {
        return hash == null ? null : HexFormat.of().formatHex(hash);
    }

    /**
     * Gives a journal file its chains: the {@code chain_hash} column in every table, and the
     * {@code chain_head} table with a head per chain. Rows already in a file from before the chain
     * stay outside it: its head's {@code before_chain} is the last id the file had then.
     */
    static void upgrade(Connection db, Statement s) throws SQLException {
        for (String table : TABLES) {
            if (!hasColumn(db, table, "chain_hash")) s.execute("ALTER TABLE " + table + " ADD COLUMN chain_hash BLOB");
        }
        s.execute("CREATE TABLE IF NOT EXISTS chain_head (tbl TEXT PRIMARY KEY, before_chain INTEGER NOT NULL, "
                + "last_id INTEGER NOT NULL, hash BLOB)");
        for (String table : TABLES) {
            // a missing head with hashed rows in the table (the head deleted) starts before the first hashed row,
            // with no hash: the open check and verify report it
            s.execute("INSERT OR IGNORE INTO chain_head (tbl, before_chain, last_id, hash) SELECT '" + table + "', "
                    + "COALESCE((SELECT MIN(id) - 1 FROM " + table + " WHERE chain_hash IS NOT NULL), MAX(id), 0), "
                    + "COALESCE((SELECT MIN(id) - 1 FROM " + table + " WHERE chain_hash IS NOT NULL), MAX(id), 0), NULL FROM " + table);
            // the head moves with each hashed row, in the INSERT's own transaction, and only forward
            s.execute("CREATE TRIGGER IF NOT EXISTS " + table + "_chain_head AFTER INSERT ON " + table
                    + " WHEN NEW.chain_hash IS NOT NULL AND NEW.id > (SELECT last_id FROM chain_head WHERE tbl = '" + table + "') "
                    + "BEGIN UPDATE chain_head SET last_id = NEW.id, hash = NEW.chain_hash WHERE tbl = '" + table + "'; END");
        }
    }

    static boolean hasColumn(Connection db, String table, String column) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (r.next()) if (column.equalsIgnoreCase(r.getString("name"))) return true;
        }
        return false;
    }
}
