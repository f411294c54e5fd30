package io.sightline.postprocess;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the journal's hash chains ({@link JournalChain}): the whole of each for {@code journal
 * verify}, or its last rows when the journal is opened for writing.
 *
 * <pre>
 *   rows in id order --&gt; recompute each row's hash over the previous row's stored hash
 *     match                                  ok
 *     the row after links to the row before  this row was inserted
 *     this row links to the one before last  the row before was inserted (with a forged hash)
 *     an id gap before the row               the rows in the gap were deleted
 *     otherwise                              this row was changed (or a row before it deleted and the ids renumbered)
 *   end of the table vs chain_head           the tail was cut (fewer rows), or rows were added after the last commit
 * </pre>
 *
 * After a break the walk carries on from the row's stored hash, so later breaks are found too.
 */
public final class JournalVerifier {
    /** What a break is. */
    public enum Kind { CHANGED, INSERTED, DELETED, UNHASHED, TRUNCATED, APPENDED, HEAD, RECORDED }

    /** One break of a chain: the table, the row it shows at (for a cut tail, the first missing id), what it is. */
    public record Break(String table, long row, Kind kind, String detail) {
        @Override
        public String toString() {
            return table + " row " + row + ": " + kind.name().toLowerCase(java.util.Locale.ROOT) + " (" + detail + ")";
        }
    }

    /**
     * One table's chain. {@code chainStartsAt} 0: no row of the table is chained yet. {@code headHash}
     * null: no head (an unchained file, or none committed yet).
     */
    public record Chain(String table, long rowsBeforeChain, long chainStartsAt, long chainedRows, long lastId, String lastHash,
                        long headLastId, String headHash) {}

    /** The whole check: {@code chained} false for a file written before hash chains and never opened since. */
    public record Report(Path file, boolean chained, List<Chain> chains, List<Break> breaks) {
        public boolean intact() {
            return chained && breaks.isEmpty();
        }
    }

    /** The most breaks reported per table. */
    static final int MAX_BREAKS = 20;
    /** The setting of the change row the open check writes when it finds a break. */
    static final String BREAK_SETTING = "journal.chain";

    record Head(long beforeChain, long lastId, byte[] hash) {}

    /** A table's walk: its chain, its breaks, and the hash the next row written should link to. */
    record Walk(Chain chain, List<Break> breaks, Head head, long lastPresentId, byte[] lastHash) {}

    private record Row(long id, byte[] stored, byte[] fields) {}

    private final JournalChain hasher = new JournalChain();
    private final byte[] scratch = new byte[JournalChain.HASH_BYTES];

    /** Verifies every row of every chain of an open connection, and lists the breaks the station recorded at open. */
    Report verifyAll(Path file, Connection db) throws SQLException {
        if (!JournalChain.hasColumn(db, JournalChain.OUTCOMES, "chain_hash") || !hasTable(db, "chain_head")) {
            return new Report(file, false, List.of(), List.of());
        }
        List<Chain> chains = new ArrayList<>();
        List<Break> breaks = new ArrayList<>();
        for (String table : JournalChain.TABLES) {
            if (!hasTable(db, table)) continue; // trends: a file from before trend rows, never opened for writing since
            Walk w = walk(db, table, Long.MIN_VALUE);
            chains.add(w.chain());
            breaks.addAll(w.breaks());
        }
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT id, old_value, new_value FROM changes WHERE setting = '" + BREAK_SETTING
                     + "' ORDER BY id")) {
            while (r.next()) {
                breaks.add(new Break(JournalChain.CHANGES, r.getLong(1), Kind.RECORDED,
                        "the station found the chain broken when it opened the journal: expected " + r.getString(2) + ", found "
                                + r.getString(3)));
            }
        }
        return new Report(file, true, chains, breaks);
    }

    /** Walks the last {@code rows} rows of {@code table} (the first of them taken on trust) and its head. */
    Walk tail(Connection db, String table, int rows) throws SQLException {
        long maxId;
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
            maxId = r.getLong(1);
        }
        return walk(db, table, maxId - rows);
    }

    static boolean hasTable(Connection db, String name) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            q.setString(1, name);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    static Head head(Connection db, String table) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT before_chain, last_id, hash FROM chain_head WHERE tbl = ?")) {
            q.setString(1, table);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) return new Head(0, 0, null);
                return new Head(r.getLong(1), r.getLong(2), r.getBytes(3));
            }
        }
    }

    /**
     * Walks the rows of {@code table} with an id above {@code afterId} ({@link Long#MIN_VALUE}: all,
     * from the chain's start; otherwise the first hashed row is taken on trust).
     */
    private Walk walk(Connection db, String table, long afterId) throws SQLException {
        boolean fromStart = afterId == Long.MIN_VALUE;
        Head head = head(db, table);
        String fields = JournalChain.fields(table);
        List<Break> breaks = new ArrayList<>();
        long beforeChain = 0;
        long firstChained = 0;
        long chained = 0;
        long lastPresent = 0;
        long prevId = fromStart ? head.beforeChain() : Long.MIN_VALUE;
        byte[] prev = fromStart ? JournalChain.ZERO : null;
        byte[] prevPrev = null;
        boolean beyondHeadReported = false;
        try (PreparedStatement q = db.prepareStatement("SELECT id, chain_hash, " + fields + " FROM " + table
                + " WHERE id > ? ORDER BY id")) {
            q.setLong(1, afterId);
            try (ResultSet r = q.executeQuery()) {
                Row cur = next(r, table);
                Row nxt = cur == null ? null : next(r, table);
                for (; cur != null; cur = nxt, nxt = nxt == null ? null : next(r, table)) {
                    lastPresent = cur.id();
                    if (cur.stored() == null) {
                        if (firstChained == 0 && cur.id() <= head.beforeChain()) beforeChain++;
                        else add(breaks, table, cur.id(), Kind.UNHASHED, "it has no hash but lies inside the chain, which starts after row "
                                + head.beforeChain() + ": a row inserted with another tool, or its hash removed");
                        continue;
                    }
                    if (firstChained == 0) firstChained = cur.id();
                    if (prev == null) { // the open check's first row: trusted, it only seeds the link
                        prev = cur.stored();
                        prevId = cur.id();
                        chained++;
                        continue;
                    }
                    if (!links(table, prev, cur)) {
                        if (prevPrev != null && links(table, prevPrev, cur)) {
                            add(breaks, table, prevId, Kind.INSERTED, "it was not written by the station: row " + cur.id()
                                    + " links to the row before it");
                        } else if (nxt != null && nxt.stored() != null && links(table, prev, nxt)) {
                            add(breaks, table, cur.id(), Kind.INSERTED, "it does not link to row " + prevId + ", and row " + nxt.id()
                                    + " after it does");
                            continue; // the chain goes on from the row before it
                        } else if (cur.id() > prevId + 1) {
                            add(breaks, table, prevId + 1, Kind.DELETED, (cur.id() - prevId - 1 == 1 ? "row " + (prevId + 1) + " is"
                                    : "rows " + (prevId + 1) + ".." + (cur.id() - 1) + " are") + " missing: row " + cur.id()
                                    + " does not link to row " + prevId);
                        } else if (head.hash() != null && cur.id() > head.lastId() && !beyondHeadReported) {
                            beyondHeadReported = true;
                            add(breaks, table, cur.id(), Kind.INSERTED, "it was added after the station's last commit (row "
                                    + head.lastId() + ") and does not link to the row before it");
                        } else {
                            add(breaks, table, cur.id(), Kind.CHANGED, "its fields or its hash were changed: they do not match "
                                    + "the hash chain (or a row before it was deleted and the ids renumbered)");
                        }
                    }
                    prevPrev = prev;
                    prev = cur.stored();
                    prevId = cur.id();
                    chained++;
                }
            }
        }
        long lastId = prevId == Long.MIN_VALUE ? 0 : Math.max(prevId, 0);
        byte[] lastHash = prev == JournalChain.ZERO ? null : prev;
        if (head.hash() == null) {
            if (chained > 0) add(breaks, table, firstChained, Kind.HEAD, "the table has chained rows but chain_head records none "
                    + "for it: the head was deleted or reset");
        } else if (lastId < head.lastId()) {
            add(breaks, table, lastId + 1, Kind.TRUNCATED, "the tail was cut: the station committed rows up to " + head.lastId()
                    + " (hash " + JournalChain.hex(head.hash()).substring(0, 16) + "...), the chain ends at row " + lastId);
        } else if (lastId > head.lastId()) {
            if (!beyondHeadReported) add(breaks, table, head.lastId() + 1, Kind.APPENDED, "rows " + (head.lastId() + 1) + ".." + lastId
                    + " were added after the station's last commit");
        } else if (!Arrays.equals(lastHash, head.hash())) {
            add(breaks, table, lastId, Kind.CHANGED, "its hash differs from the one the station committed for it");
        }
        Chain chain = new Chain(table, beforeChain, firstChained, chained, lastId, JournalChain.hex(lastHash), head.lastId(),
                JournalChain.hex(head.hash()));
        return new Walk(chain, breaks, head, lastPresent, lastHash);
    }

    private static void add(List<Break> breaks, String table, long row, Kind kind, String detail) {
        if (breaks.size() < MAX_BREAKS) breaks.add(new Break(table, row, kind, detail));
    }

    /** Whether {@code row}'s stored hash is the hash of its fields linked to {@code prev}. */
    private boolean links(String table, byte[] prev, Row row) {
        hasher.withPrev(table, row.fields(), prev, scratch);
        return Arrays.equals(scratch, row.stored());
    }

    private Row next(ResultSet r, String table) throws SQLException {
        if (!r.next()) return null;
        long id = r.getLong(1);
        byte[] stored = r.getBytes(2);
        byte[] encoded = hasher.rowBytes(table, r, 3);
        return new Row(id, stored, encoded);
    }
}
