package io.sightline.bench.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.bench.BenchPaths;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sightline bench faults}: the fault and overload scenarios on a real station, with their figures. */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = {"Injects faults into a real station (overload, a camera lost and back, corrupt frames, a model that"
                + " returns NaN or throws, the reject sink's far end down, the decision journal's disk read-only or full, the wall clock stepped back and forward, a camera of a"
                + " part's several views lost; and a soak at 80 % of the sustainable rate) and reports, per scenario, what became of every"
                + " captured part: outcomes by kind, unaccounted (must be 0), peak heap and RSS, recovery time, whether the"
                + " station kept running.",
                "Exit code 1 when a scenario has unaccounted parts, unbalanced counters, or did not recover.",
                "With --json the last stdout line is {\"scenarios\":[{\"name\",\"captured\",\"outcomes\":{...},\"unaccounted\","
                + "\"peakHeapMb\",\"peakRssMb\",\"recoveryMs\",\"keptRunning\",\"notes\",...}],...}."})
public final class FaultsCommand implements Callable<Integer> {
    @Option(names = "--scenario", paramLabel = "NAME", description = "run only this scenario (repeatable): overload,"
            + " camera-disconnect, corrupt-frames, model-nan, model-throws, sink-down-modbus, sink-down-mqtt, sink-down-kafka, sink-down-opcua, journal-read-only, journal-disk-full, clock-step, view-camera-loss, soak (default: all)")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--scale", description = "multiplies every full-length duration (60 s of overload, 30 s of sink outage,"
            + " an hour of soak, ...), down to each phase's minimum; 0.083: a 5-minute soak (default: ${DEFAULT-VALUE})")
    double scale = 1.0;

    @Option(names = "--json", description = "print the results as one JSON object on the last stdout line")
    boolean json;

    @Option(names = "--model", paramLabel = "DIR", description = "model package (default: models/default)")
    Path model;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(scale > 0 && scale <= 10)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale: expected a factor above 0 and at most 10, got " + scale);
        }
        List<FaultScenario> selected;
        try {
            selected = FaultScenarios.select(scenarios);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintStream err = System.err;
        List<ScenarioResult> results = new ArrayList<>();
        long t0 = System.nanoTime();
        try (FaultContext ctx = FaultContext.open(scale, err, model != null ? model : BenchPaths.defaultModel())) {
            for (FaultScenario s : selected) {
                ScenarioResult r = FaultScenarios.run(s, ctx);
                results.add(r);
                err.println("  " + r.notes());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        printTable(err, results);
        boolean ok = results.stream().allMatch(ScenarioResult::ok);
        err.printf(Locale.ROOT, "%d scenarios in %.0f s at scale %s: %s%n", results.size(), seconds, scale,
                ok ? "every part accounted for, every fault recovered" : "FAILED (see the table)");
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenarios", results);
            out.put("scale", scale);
            out.put("seconds", Math.round(seconds));
            out.put("ok", ok);
            out.put("date", LocalDate.now().toString());
            out.put("machine", io.sightline.bench.MachineDescription.describe());
            System.out.println(new ObjectMapper().writeValueAsString(out));
        }
        return ok ? 0 : 1;
    }

    static void printTable(PrintStream out, List<ScenarioResult> results) {
        String[] kinds = {"pass", "reject", "ring-full", "late", "unreadable", "error", "missed", "missing-view"};
        out.printf(Locale.ROOT, "%n%-18s %8s %8s %7s %9s %7s %10s %6s %7s %7s %7s %6s %8s %8s %10s %5s%n", "scenario", "captured",
                "pass", "reject", "ring-full", "late", "unreadable", "error", "missed", "m-view", "unacct", "heapMB",
                "rssMB", "recovMs", "kept", "ok");
        for (ScenarioResult r : results) {
            if (!r.ran()) {
                out.printf(Locale.ROOT, "%-18s skipped: %s%n", r.name(), r.skipped());
                continue;
            }
            Object[] row = new Object[16];
            row[0] = r.name();
            row[1] = r.captured();
            for (int i = 0; i < kinds.length; i++) row[2 + i] = r.outcome(kinds[i]);
            row[10] = r.unaccounted();
            row[11] = String.format(Locale.ROOT, "%.0f", r.peakHeapMb());
            row[12] = String.format(Locale.ROOT, "%.0f", r.peakRssMb());
            row[13] = r.stopsLine() ? "-" : r.recoveryMs() == null ? "never" : String.format(Locale.ROOT, "%.0f", r.recoveryMs());
            row[14] = r.keptRunning() ? "yes" : r.stopsLine() && r.lineStopReason() != null ? "stopped" : "NO";
            row[15] = r.ok() ? "ok" : "FAIL";
            out.printf(Locale.ROOT, "%-18s %8d %8d %7d %9d %7d %10d %6d %7d %7d %7d %6s %8s %8s %10s %5s%n", row);
        }
    }
}
