package io.sightline.bench.faults;

import java.util.List;
import java.util.Map;

/**
 * What one fault scenario came to.
 *
 * @param name the scenario's name ({@code overload}, {@code camera-disconnect}, ...)
 * @param fault what went wrong, in words
 * @param skipped why the scenario did not run here (a missing program), or null when it ran
 * @param captured parts the station counted as captured
 * @param outcomes outcomes by kind, as the station's sink saw them: pass, reject (defect), then each
 *                 fail-safe reason (ring-full, late, unreadable, error, missed, missing-view)
 * @param unaccounted captured minus every outcome, after the drain: must be 0
 * @param balanced the station's own counters balance ({@code StationStats.balanced()}) after stop
 * @param inFlightAfterStop parts still without an outcome after stop: must be 0
 * @param peakHeapMb peak Java heap over the scenario (sum of the heap pools' peaks)
 * @param peakRssMb peak resident set over the scenario (VmHWM)
 * @param rssPeakSinceStart true when VmHWM could not be reset: the RSS figure is the process's peak so far
 * @param recoveryMs from the end of the fault to the first normal (on-time) decision after the last
 *                   fail-safe; null when that did not happen
 * @param recovered normal decisions resumed for good after the fault (and, for a sink, it was up
 *                  again with its buffer delivered)
 * @param keptRunning the station ran on through the fault: its cameras were still running, it had not
 *                    stopped the line, and it decided parts after the fault
 * @param lineStopReason why the station stopped its line by itself, or null when it did not
 * @param stopsLine the fault's fail-safe is to stop the line (a journal that cannot be written): then
 *                  a stopped line, not recovery, is what the scenario must show, and {@code recovered}
 *                  says that the fault's fail-safe held (the scenario's own condition)
 * @param faultReasons the fail-safe reasons this fault can cause
 * @param unexpectedFailSafe fail-safe reasons that occurred but this fault cannot explain
 * @param failSafeBeforeFault fail-safes before the fault started (a clean baseline has none)
 * @param normalAfterFault normal decisions after the fault ended
 * @param seconds the scenario's wall time, set-up included
 * @param notes what the figures mean for this scenario
 * @param details the scenario's own figures
 */
public record ScenarioResult(String name, String fault, String skipped, long captured, Map<String, Long> outcomes,
                             long unaccounted, boolean balanced, long inFlightAfterStop, double peakHeapMb, double peakRssMb,
                             boolean rssPeakSinceStart, Double recoveryMs, boolean recovered, boolean keptRunning,
                             String lineStopReason, boolean stopsLine,
                             List<String> faultReasons, List<String> unexpectedFailSafe, long failSafeBeforeFault,
                             long normalAfterFault, double seconds, String notes, Map<String, Object> details) {

    static ScenarioResult skipped(String name, String fault, String why) {
        return new ScenarioResult(name, fault, why, 0, Map.of(), 0, true, 0, 0, 0, false, null, false, false, null, false, List.of(),
                List.of(), 0, 0, 0, "skipped: " + why, Map.of());
    }

    /** A scenario that could not finish: an exception escaped it (the station's or the harness's). */
    static ScenarioResult failed(String name, String fault, Exception e) {
        return new ScenarioResult(name, fault, null, 0, Map.of(), 0, false, 0, 0, 0, false, null, false, false, null, false, List.of(),
                List.of(), 0, 0, 0, "FAILED with " + e, Map.of("exception", String.valueOf(e)));
    }

    public boolean ran() {
        return skipped == null;
    }

    public long outcome(String kind) {
        return outcomes.getOrDefault(kind, 0L);
    }

    /**
     * Every part accounted for, counters balanced, and the station recovered and kept running, or,
     * where the fault's fail-safe is to stop the line, stopped it (a skip passes).
     */
    public boolean ok() {
        if (!ran() || unaccounted != 0 || !balanced || inFlightAfterStop != 0) return !ran();
        return stopsLine ? lineStopReason != null && recovered : recovered && keptRunning;
    }
}
