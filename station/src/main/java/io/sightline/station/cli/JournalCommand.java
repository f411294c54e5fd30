package io.sightline.station.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.postprocess.DecisionJournal;
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

/** {@code sightline journal query|changes|export}: trace parts, and changes of settings, in the decision journal. */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Read the decision journal.",
        subcommands = {JournalCommand.Query.class, JournalCommand.Changes.class, JournalCommand.Export.class})
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
}
