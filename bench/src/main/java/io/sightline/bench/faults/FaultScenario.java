package io.sightline.bench.faults;

/** One fault, injected into a real station, and what became of every part. */
public interface FaultScenario {
    /** Short name, for {@code --scenario} and the report. */
    String name();

    /** What goes wrong, in words. */
    String fault();

    /** Null when the scenario can run here; otherwise what is missing (a program, a permission), for a skip. */
    default String missingRequirement() {
        return null;
    }

    /** Runs the scenario at the context's scale. */
    ScenarioResult run(FaultContext context) throws Exception;
}
