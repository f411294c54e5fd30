package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.JournalTrends;
import io.sightline.postprocess.JournalVerifier;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline journal query|changes|trends|export|verify}: trace parts, changes of settings and
 * trend events (alarms per line and per defect class, forecasts) in the decision journal, and check
 * its hash chains.
 */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Read and verify the decision journal.",
        subcommands = {JournalCommand.Query.class, JournalCommand.Changes.class, JournalCommand.Trends.class, JournalCommand.Export.class,
                JournalCommand.Verify.class})
public final class JournalCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final String DEFAULT_FILE = "sightline-out/journal.db";

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String instant(long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000).toString();
    }

    @Command(name = "query", mixinStandardHelpOptions = true, description = "List outcomes, oldest first.")
    static final class Query implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "FILE", description = "journal (default: ${DEFAULT-VALUE})")
        Path file = Path.of(DEFAULT_FILE);

        @Option(names = "--line", paramLabel = "L", description = "only this line")
        Integer line;

        @Option(names = "--since", paramLabel = "T", description = "only outcomes decided at or after T (ISO-8601, e.g. 2026-11-24T15:00:00Z)")
        String since;

        @Option(names = "--decision", paramLabel = "D", description = "pass, reject or failsafe")
        String decision;

        @Option(names = "--limit", paramLabel = "N", description = "at most N rows (default: ${DEFAULT-VALUE})")
        int limit = 100;

        @Option(names = "--json", description = "print the rows as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) throw new IllegalArgumentException("--limit: expected at least 1, got " + limit);
            Instant from = null;
            if (since != null) {
                try {
                    from = Instant.parse(since);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--since: expected an ISO-8601 instant such as 2026-11-24T15:00:00Z, got '" + since + "'");
                }
            }
            List<DecisionJournal.Entry> rows = DecisionJournal.query(file, line, from, decision == null ? null
                    : decision.toLowerCase(Locale.ROOT), limit);
            System.out.printf("%8s %4s %8s %-20s %-27s %7s %-8s %-10s %s%n", "id", "line", "part", "camera", "decided", "score", "decision",
                    "reason", "defect box (x,y wxh)");
            List<Map<String, Object>> out = new ArrayList<>();
            for (DecisionJournal.Entry e : rows) {
                String decided = instant(e.decidedMicros());
                DecisionJournal.Box b = e.defectBox();
                System.out.printf(Locale.ROOT, "%8d %4d %8d %-20s %-27s %7s %-8s %-10s %s%n", e.id(), e.line(), e.part(), e.camera(), decided,
                        Float.isNaN(e.score()) ? "-" : String.format(Locale.ROOT, "%.4f", e.score()), e.decision(), e.reason(),
                        b == null ? "-" : b.x() + "," + b.y() + " " + b.width() + "x" + b.height());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", e.id());
                m.put("line", e.line());
                m.put("part", e.part());
                m.put("camera", e.camera());
                m.put("decided", decided);
                m.put("score", Float.isNaN(e.score()) ? null : e.score());
                m.put("decision", e.decision());
                m.put("reason", e.reason());
                m.put("model", e.model());
                m.put("calibration", e.calibration());
                Map<String, Object> box = null;
                if (b != null) {
                    box = new LinkedHashMap<>();
                    box.put("x", b.x());
                    box.put("y", b.y());
                    box.put("width", b.width());
                    box.put("height", b.height());
                }
                m.put("defectBox", box);
                out.add(m);
            }
            if (json) System.out.println(new ObjectMapper().writeValueAsString(Map.of("rows", out)));
            return 0;
        }
    }

    @Command(name = "changes", mixinStandardHelpOptions = true,
            description = "List the settings changed while the station ran (thresholds reloaded, say), with who asked, oldest first.")
    static final class Changes implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "FILE", description = "journal (default: ${DEFAULT-VALUE})")
        Path file = Path.of(DEFAULT_FILE);

        @Option(names = "--limit", paramLabel = "N", description = "the last N changes (default: ${DEFAULT-VALUE})")
        int limit = 100;

        @Option(names = "--json", description = "print the changes as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) throw new IllegalArgumentException("--limit: expected at least 1, got " + limit);
            List<Map<String, Object>> out = new ArrayList<>();
            System.out.printf("%6s %-27s %-22s %-12s %-12s %s%n", "id", "at", "setting", "from", "to", "requested by");
            for (DecisionJournal.Change c : DecisionJournal.changes(file, limit)) {
                String at = instant(c.atMicros());
                System.out.printf(Locale.ROOT, "%6d %-27s %-22s %-12s %-12s %s%n", c.id(), at, c.setting(), c.oldValue(), c.newValue(),
                        c.requestedBy());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("at", at);
                m.put("setting", c.setting());
                m.put("from", c.oldValue());
                m.put("to", c.newValue());
                m.put("requestedBy", c.requestedBy());
                out.add(m);
            }
            if (json) System.out.println(new ObjectMapper().writeValueAsString(Map.of("changes", out)));
            return 0;
        }
    }

    @Command(name = "trends", mixinStandardHelpOptions = true,
            description = {"List trend events, oldest first: alarms raised and cleared (per line, and per defect class: "
                    + "\"crack rising on line 2\"),", "and each line's LSTM forecast (journalled once a minute)."})
    static final class Trends implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "FILE", description = "journal (default: ${DEFAULT-VALUE})")
        Path file = Path.of(DEFAULT_FILE);

        @Option(names = "--line", paramLabel = "L", description = "only this line")
        Integer line;

        @Option(names = "--class", paramLabel = "C", description = "only this defect class's alarms")
        String defectClass;

        @Option(names = "--event", paramLabel = "E", description = "raised, cleared or forecast")
        String event;

        @Option(names = "--limit", paramLabel = "N", description = "the last N events (default: ${DEFAULT-VALUE})")
        int limit = 100;

        @Option(names = "--json", description = "print the events as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) throw new IllegalArgumentException("--limit: expected at least 1, got " + limit);
            if (event != null && !List.of("raised", "cleared", "forecast").contains(event.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("--event: expected raised, cleared or forecast, got '" + event + "'");
            }
            List<JournalTrends.Row> rows = JournalTrends.read(file, line, defectClass, event == null ? null : event.toLowerCase(Locale.ROOT),
                    limit);
            System.out.printf("%6s %-27s %4s %8s %-10s %-30s %9s %9s %9s %s%n", "id", "at", "line", "part", "detector", "event",
                    "value", "limit", "baseline", "forecast [interval]");
            List<Map<String, Object>> out = new ArrayList<>();
            for (JournalTrends.Row r : rows) {
                String at = instant(r.atMicros());
                System.out.printf(Locale.ROOT, "%6d %-27s %4d %8d %-10s %-30s %9s %9s %9s %s%n", r.id(), at, r.line(), r.part(), r.detector(),
                        r.subject(), num(r.value()), num(r.limit()), num(r.baseRate()), Double.isNaN(r.rate()) ? "-"
                                : String.format(Locale.ROOT, "%.4f [%.4f, %.4f] over %d parts", r.rate(), r.lower(), r.upper(), r.horizonParts()));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("at", at);
                m.put("line", r.line());
                m.put("part", r.part());
                m.put("detector", r.detector());
                m.put("class", r.defectClass());
                m.put("event", r.event());
                m.put("subject", r.subject());
                m.put("value", finite(r.value()));
                m.put("limit", finite(r.limit()));
                m.put("baseRate", finite(r.baseRate()));
                Map<String, Object> f = null;
                if (!Double.isNaN(r.rate())) {
                    f = new LinkedHashMap<>();
                    f.put("rate", r.rate());
                    f.put("lower", finite(r.lower()));
                    f.put("upper", finite(r.upper()));
                    f.put("level", finite(r.level()));
                    f.put("horizonParts", r.horizonParts());
                }
                m.put("forecast", f);
                m.put("rule", r.rule());
                out.add(m);
            }
            if (json) System.out.println(new ObjectMapper().writeValueAsString(Map.of("trends", out)));
            return 0;
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
        }

        private static Double finite(double v) {
            return Double.isFinite(v) ? v : null;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write every outcome as CSV.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--file", paramLabel = "FILE", description = "journal (default: ${DEFAULT-VALUE})")
        Path file = Path.of(DEFAULT_FILE);

        @Option(names = "--csv", paramLabel = "OUT", required = true, description = "CSV file to write")
        Path csv;

        @Override
        public Integer call() {
            long rows = DecisionJournal.exportCsv(file, csv);
            System.err.printf("%d outcomes written to %s%n", rows, csv.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the journal's hash chains from their start: exit 0 when intact, 1 naming the first row changed,",
                    "inserted or deleted and whether the tail was cut, 3 for a journal written before hash chains."})
    static final class Verify implements Callable<Integer> {
        static final int BROKEN = 1;
        static final int NOT_CHAINED = 3;

        @Option(names = "--file", paramLabel = "FILE", description = "journal (default: ${DEFAULT-VALUE})")
        Path file = Path.of(DEFAULT_FILE);

        @Option(names = "--json", description = "print the result as one JSON object on the last line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            JournalVerifier.Report r = DecisionJournal.verify(file);
            List<Map<String, Object>> chains = new ArrayList<>();
            for (JournalVerifier.Chain c : r.chains()) {
                System.out.printf(Locale.ROOT, "%-8s %s%n", c.table(), c.chainStartsAt() == 0
                        ? "no chained rows" + (c.rowsBeforeChain() > 0 ? " (" + c.rowsBeforeChain() + " rows from before the chain)" : "")
                        : c.chainedRows() + " chained rows from row " + c.chainStartsAt() + (c.rowsBeforeChain() > 0 ? " ("
                        + c.rowsBeforeChain() + " rows before it, written before the chain, are not covered)" : "")
                        + ", last row " + c.lastId() + " " + c.lastHash());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("table", c.table());
                m.put("rowsBeforeChain", c.rowsBeforeChain());
                m.put("chainStartsAt", c.chainStartsAt() == 0 ? null : c.chainStartsAt());
                m.put("chainedRows", c.chainedRows());
                m.put("lastId", c.lastId());
                m.put("lastHash", c.lastHash());
                m.put("headLastId", c.headLastId());
                m.put("headHash", c.headHash());
                chains.add(m);
            }
            List<Map<String, Object>> breaks = new ArrayList<>();
            for (JournalVerifier.Break b : r.breaks()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("table", b.table());
                m.put("row", b.row());
                m.put("kind", b.kind().name().toLowerCase(Locale.ROOT));
                m.put("detail", b.detail());
                breaks.add(m);
            }
            boolean truncated = r.breaks().stream().anyMatch(b -> b.kind() == JournalVerifier.Kind.TRUNCATED);
            int code;
            if (!r.chained()) {
                System.err.println("journal " + file + ": no hash chain (written before hash chains; the station adds one when it next "
                        + "opens the journal, covering the rows written from then on)");
                code = NOT_CHAINED;
            } else if (r.intact()) {
                System.out.println("journal " + file + ": hash chains intact");
                code = 0;
            } else {
                System.err.println("journal " + file + ": TAMPERED OR DAMAGED, first break: " + r.breaks().get(0));
                for (JournalVerifier.Break b : r.breaks().subList(1, r.breaks().size())) System.err.println("  also: " + b);
                code = BROKEN;
            }
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("file", file.toString());
                out.put("chained", r.chained());
                out.put("intact", r.intact());
                out.put("truncated", truncated);
                out.put("firstBreak", breaks.isEmpty() ? null : breaks.get(0));
                out.put("breaks", breaks);
                out.put("chains", chains);
                System.out.println(new ObjectMapper().writeValueAsString(out));
            }
            return code;
        }
    }
}
