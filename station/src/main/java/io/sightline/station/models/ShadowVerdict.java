package io.sightline.station.models;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a version's shadow record ({@link ModelStore#readShadow}) says about promoting it: its figures
 * per line, as {@code models promote} prints them, and the reasons to refuse it.
 *
 * <pre>
 *   the store's first promotion    ▸ allowed: no live version to compare with ({@link #firstVersion})
 *   no record                      ▸ refused: never shadowed on a station following this store
 *   record of other content        ▸ refused: the record is not of this version's package
 *   a line with fewer than minParts scored ▸ refused: not enough parts to judge
 *   a line agreeing below minAgreement     ▸ refused: it decides too differently
 * </pre>
 *
 * <p>{@code --force} promotes anyway; the figures are printed either way.
 *
 * @param figures one line per line of the station, and a first line about the run
 * @param problems why it should not be promoted; empty: it may
 */
public record ShadowVerdict(List<String> figures, List<String> problems) {
    /** The agreement a line needs, by default, to promote without {@code --force}. */
    public static final double DEFAULT_MIN_AGREEMENT = 0.98;
    /** The parts each line must have scored in the shadow, by default. */
    public static final long DEFAULT_MIN_PARTS = 200;

    public boolean promotable() {
        return problems.isEmpty();
    }

    /** The store's first promotion: no live version to shadow it against, so nothing to refuse. */
    public static ShadowVerdict firstVersion(String id) {
        return new ShadowVerdict(List.of(id + " is the store's first live version: no shadow run needed"), List.of());
    }

    /**
     * @param record the version's shadow record, or null
     * @param contentHash the version's content hash (its model.json's SHA-256)
     */
    public static ShadowVerdict of(String id, String contentHash, JsonNode record, double minAgreement, long minParts) {
        if (!(minAgreement >= 0 && minAgreement <= 1)) {
            throw new IllegalArgumentException("--min-agreement: expected a rate in [0, 1], got " + minAgreement);
        }
        if (minParts < 1) throw new IllegalArgumentException("--min-parts: expected at least 1, got " + minParts);
        List<String> figures = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (record == null) {
            problems.add(id + " was never shadowed on a station following this store (POST /api/models/shadow {\"model\":\"" + id
                    + "\"} first)");
            return new ShadowVerdict(figures, problems);
        }
        if (!contentHash.equals(record.path("sha256").asText())) {
            problems.add("the shadow record of " + id + " is of another package (sha256:" + abbrev(record.path("sha256").asText())
                    + ", the version's is sha256:" + abbrev(contentHash) + ")");
            return new ShadowVerdict(figures, problems);
        }
        JsonNode f = record.path("figures");
        figures.add(String.format(Locale.ROOT, "shadow of %s against %s, %s %s (every %d. frame): %d parts scored, %d skipped, agreement %s",
                id, record.path("live").asText(), record.path("running").asBoolean() ? "running since" : "from",
                record.path("started").asText(), f.path("sampleEvery").asInt(), f.path("framesScored").asLong(), f.path("framesSkipped").asLong(),
                rate(f.path("agreement"))));
        for (JsonNode l : f.path("lines")) {
            JsonNode c = l.path("confusion");
            long scored = l.path("scored").asLong();
            figures.add(String.format(Locale.ROOT, "  line %d: %d parts, agreement %s, livePassCandidateReject %d, liveRejectCandidatePass %d",
                    l.path("line").asInt(), scored, rate(l.path("agreement")), c.path("livePassCandidateReject").asLong(),
                    c.path("liveRejectCandidatePass").asLong()));
            if (scored < minParts) {
                problems.add("line " + l.path("line").asInt() + ": " + scored + " parts scored in the shadow, fewer than " + minParts
                        + " (--min-parts)");
            } else if (l.path("agreement").asDouble() < minAgreement) {
                problems.add(String.format(Locale.ROOT, "line %d: agreement %s is below %.4f (--min-agreement)", l.path("line").asInt(),
                        rate(l.path("agreement")), minAgreement));
            }
        }
        if (figures.size() == 1) problems.add("the shadow record of " + id + " has no line");
        return new ShadowVerdict(figures, problems);
    }

    private static String rate(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "none";
    }

    private static String abbrev(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
