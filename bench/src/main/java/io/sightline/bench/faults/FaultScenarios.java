package io.sightline.bench.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Every fault scenario, in the order they run. */
public final class FaultScenarios {
    private FaultScenarios() {}

    public static List<FaultScenario> all() {
        return List.of(
                new OverloadScenario(),
                new CameraDisconnectScenario(),
                new CorruptFramesScenario(),
                new ModelFaultScenario(FaultModels.Kind.NAN),
                new ModelFaultScenario(FaultModels.Kind.THROWS),
                new SinkDownScenario(SinkDownScenario.Kind.MODBUS),
                new SinkDownScenario(SinkDownScenario.Kind.MQTT),
                new SinkDownScenario(SinkDownScenario.Kind.KAFKA),
                new SinkDownScenario(SinkDownScenario.Kind.OPCUA),
                new JournalFaultScenario(JournalVolume.Kind.READ_ONLY),
                new JournalFaultScenario(JournalVolume.Kind.FULL),
                new ClockStepScenario(),
                new ViewLossScenario(),
                new SoakScenario());
    }

    public static List<String> names() {
        return all().stream().map(FaultScenario::name).toList();
    }

    /** The named scenarios in run order; all of them for none. */
    public static List<FaultScenario> select(List<String> names) {
        if (names == null || names.isEmpty()) return all();
        List<FaultScenario> out = new ArrayList<>();
        for (String n : names) {
            if (!names().contains(n)) {
                throw new IllegalArgumentException("--scenario: unknown scenario '" + n + "', expected one of " + names());
            }
        }
        for (FaultScenario s : all()) if (names.contains(s.name())) out.add(s);
        return out;
    }

    /**
     * Runs one scenario, or skips it when its requirement is missing. A scenario that throws is a
     * failed result naming the exception (its stack trace goes to the log), and the run goes on.
     */
    public static ScenarioResult run(FaultScenario s, FaultContext ctx) {
        String missing = s.missingRequirement();
        if (missing != null) {
            ctx.log().printf(Locale.ROOT, "%s: skipped: %s%n", s.name(), missing);
            return ScenarioResult.skipped(s.name(), s.fault(), missing);
        }
        ctx.log().printf(Locale.ROOT, "%s: %s%n", s.name(), s.fault());
        try {
            return s.run(ctx);
        } catch (Exception e) {
            e.printStackTrace(ctx.log());
            return ScenarioResult.failed(s.name(), s.fault(), e);
        }
    }
}
