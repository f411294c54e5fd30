package io.sightline.bench.faults;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.bench.BenchPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fault scenario of {@code bench faults}, shortened (scale {@value #DEFAULT_SCALE}; each phase
 * has its own minimum, a few seconds), on the real station, model, ring, sinks and servers. No timing
 * thresholds: each test asserts that every captured part has exactly one outcome (unaccounted 0,
 * the station's counters balanced, nothing in flight after the drain), that the fault's fail-safe
 * reason appears and is the only fail-safe kind there is, and that normal decisions resumed after
 * the fault (for a journal that cannot be written: that the line stopped). Only a scenario whose
 * external program or permission is missing is skipped (the MQTT broker; a mount for the journal).
 * {@code -Dsightline.faults.scale=1} runs the full-length scenarios.
 */
class FaultSuiteTest {
    static final double DEFAULT_SCALE = 0.05;

    static FaultContext ctx;
    static final List<ScenarioResult> results = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        double scale = Double.parseDouble(System.getProperty("sightline.faults.scale", String.valueOf(DEFAULT_SCALE)));
        ctx = FaultContext.open(scale, System.err, BenchPaths.defaultModel());
    }

    @AfterAll
    static void close() {
        if (ctx != null) ctx.close();
        FaultsCommand.printTable(System.err, results);
    }

    private static ScenarioResult run(String name) throws Exception {
        return run(FaultScenarios.select(List.of(name)).get(0));
    }

    private static ScenarioResult run(FaultScenario s) throws Exception {
        String name = s.name();
        String missing = s.missingRequirement();
        Assumptions.assumeTrue(missing == null, () -> name + " skipped: " + missing);
        ScenarioResult r = FaultScenarios.run(s, ctx);
        results.add(r);
        System.err.println("  " + r.notes() + "\n  " + r.details());
        return r;
    }

    /** What every scenario must show, whatever its fault. */
    private static void assertAccountedAndRecovered(ScenarioResult r) {
        String all = r.name() + ": " + r.outcomes() + " " + r.details();
        assertTrue(r.captured() > 0, all);
        assertEquals(0, r.unaccounted(), "every captured part has exactly one outcome: " + all);
        assertTrue(r.balanced(), "the station's counters balance: " + all);
        assertEquals(0, r.inFlightAfterStop(), "nothing is left in flight after the drain: " + all);
        assertEquals(List.of(), r.unexpectedFailSafe(), "only the fail-safe reasons the fault can cause: " + all);
        assertTrue(r.keptRunning(), "the station kept running through the fault: " + all);
        assertTrue(r.recovered(), "normal decisions resumed after the fault, and no fail-safe followed: " + all);
        assertTrue(r.normalAfterFault() > 0, all);
        assertTrue(r.ok(), all);
    }

    @Test
    void overloadSheds2xTheSustainableRateAsRingFullOrLateAndRecovers() throws Exception {
        ScenarioResult r = run("overload");
        assertAccountedAndRecovered(r);
        assertTrue(r.outcome("ring-full") + r.outcome("late") > 0, "an overload of 2x is shed as fail-safes: " + r.outcomes());
        assertTrue(r.outcome("pass") + r.outcome("reject") > 0);
    }

    @Test
    void partsThatPassedALostCameraAreMissedAndTheCameraComesBack() throws Exception {
        ScenarioResult r = run("camera-disconnect");
        assertAccountedAndRecovered(r);
        Map<String, Object> d = r.details();
        assertTrue(r.outcome("missed") > 0, r.outcomes().toString());
        assertEquals(((Number) d.get("framesLostByNominalRate")).longValue(), r.outcome("missed"),
                "each frame the outage cost (from the nominal rate) is a missed fail-safe: " + d);
        assertEquals(1L, ((Number) d.get("reconnects")).longValue(), d.toString());
        assertEquals(0L, ((Number) d.get("missedLine1")).longValue(), "the other line carried on: " + d);
    }

    @Test
    void corruptFilesInAWatchedFolderAreUnreadableAndTheRestInspected() throws Exception {
        ScenarioResult r = run("corrupt-frames");
        assertAccountedAndRecovered(r);
        Map<String, Object> d = r.details();
        assertTrue(r.outcome("unreadable") > 0, r.outcomes().toString());
        @SuppressWarnings("unchecked")
        Map<String, Long> bad = (Map<String, Long>) d.get("badWritten");
        long badTotal = bad.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(badTotal, r.outcome("unreadable"), "each bad file is one unreadable fail-safe: " + d);
        assertEquals(((Number) d.get("filesWritten")).longValue(), r.captured(), "every file written is one part: " + d);
    }

    @Test
    void aModelReturningNaNMakesErrorsOfThoseFramesOnly() throws Exception {
        ScenarioResult r = run("model-nan");
        assertAccountedAndRecovered(r);
        long marked = ((Number) r.details().get("markedFrames")).longValue();
        assertTrue(marked > 0);
        assertEquals(marked, r.outcome("error"), "exactly the frames the model answered NaN are errors: " + r.details());
    }

    @Test
    void aModelThatThrowsFailsOnlyTheFramesThatMakeItThrowAndTheWorkersGoOn() throws Exception {
        ScenarioResult r = run("model-throws");
        assertAccountedAndRecovered(r);
        long marked = ((Number) r.details().get("markedFrames")).longValue();
        assertTrue(marked > 0);
        assertEquals(marked, r.outcome("error"), "a failed batch is run frame by frame: only the marked frames are errors: "
                + r.details());
        assertEquals(0, ((Number) r.details().get("handlerErrors")).intValue(), "no exception escaped a worker");
    }

    private static void assertSinkDownAndBack(ScenarioResult r) {
        assertAccountedAndRecovered(r);
        Map<String, Object> d = r.details();
        assertEquals(0, r.outcomes().entrySet().stream().filter(e -> !e.getKey().equals("pass") && !e.getKey().equals("reject"))
                .mapToLong(Map.Entry::getValue).sum(), "a sink that is down costs no part its decision: " + r.outcomes());
        assertEquals(Boolean.TRUE, d.get("sinkWentDown"), "the sink reported itself down: " + d);
        assertNotNull(d.get("sinkRecoveryMs"), "the sink came back and delivered its backlog: " + d);
        assertEquals(0L, ((Number) d.get("dropped")).longValue(), d.toString());
        assertEquals(r.captured(), ((Number) d.get("resultsReceived")).longValue(), "every part's result reached the far end: " + d);
        assertEquals(r.captured(), ((Number) d.get("journaled")).longValue(), "every outcome was journaled: " + d);
    }

    @Test
    void aModbusPlcThatIsDownGetsEveryResultOnceItIsBack() throws Exception {
        assertSinkDownAndBack(run("sink-down-modbus"));
    }

    @Test
    void anMqttBrokerThatIsDownGetsEveryResultOnceItIsBack() throws Exception {
        assertSinkDownAndBack(run("sink-down-mqtt"));
    }

    @Test
    void aKafkaBrokerThatIsDownGetsEveryResultOnceItIsBack() throws Exception {
        assertSinkDownAndBack(run("sink-down-kafka"));
    }

    @Test
    void anOpcUaPlcThatIsDownGetsEveryResultOnceItIsBack() throws Exception {
        assertSinkDownAndBack(run("sink-down-opcua"));
    }

    /** A journal that cannot be written: its fail-safe is a stopped line, with every part accounted for. */
    private static void assertJournalFailStopsTheLine(ScenarioResult r) {
        String all = r.name() + ": " + r.outcomes() + " " + r.details();
        Map<String, Object> d = r.details();
        assertTrue(r.captured() > 0, all);
        assertEquals(0, r.unaccounted(), "every captured part has exactly one outcome: " + all);
        assertTrue(r.balanced(), "the station's counters balance: " + all);
        assertEquals(0, r.inFlightAfterStop(), "nothing is left in flight after the drain: " + all);
        assertEquals(0, r.failSafeBeforeFault(), all);
        assertEquals(List.of(), r.unexpectedFailSafe(), "only fail-safe errors: " + all);
        assertTrue(r.outcome("error") > 0, "the part that could not be recorded is a fail-safe reject: " + all);
        assertNotNull(r.lineStopReason(), "the station stopped the line: " + all);
        assertTrue(r.lineStopReason().contains("journal"), all);
        assertFalse(r.keptRunning(), all);
        assertEquals(((Number) d.get("signalledPasses")).longValue(), ((Number) d.get("journaledPasses")).longValue(),
                "every pass signalled is in the journal: " + all);
        assertTrue(r.ok(), all);
    }

    @Test
    void aJournalOnAFileSystemTurnedReadOnlyStopsTheLineWithEveryPartAccountedFor() throws Exception {
        ScenarioResult r = run("journal-read-only");
        assertJournalFailStopsTheLine(r);
        String options = String.valueOf(r.details().get("mountOptionsAfter"));
        // the kernel marks a forced read-only ext4 "ro" or, on newer kernels, "emergency_ro"
        assertTrue(options.startsWith("ro") || options.contains("emergency_ro"), r.details().toString());
    }

    @Test
    void aJournalOnAFullDiskStopsTheLineWithEveryPartAccountedFor() throws Exception {
        ScenarioResult r = run("journal-disk-full");
        assertJournalFailStopsTheLine(r);
        assertTrue(((Number) r.details().get("fillerBytes")).longValue() > 0, r.details().toString());
    }

    @Test
    void aWallClockSteppedBackAndForwardCostsNoPartAndLeavesTheJournalInOrderAndChained() throws Exception {
        ScenarioResult r = run("clock-step");
        assertAccountedAndRecovered(r);
        Map<String, Object> d = r.details();
        assertEquals(0, r.outcomes().entrySet().stream().filter(e -> !e.getKey().equals("pass") && !e.getKey().equals("reject"))
                .mapToLong(Map.Entry::getValue).sum(), "a step of the wall clock is no reason for a fail-safe: " + r.outcomes());
        assertEquals(ClockStepScenario.STEP_MINUTES * 60, ((Number) d.get("clockOffsetAtEndS")).longValue(), d.toString());
        assertEquals(r.captured(), ((Number) d.get("journalRows")).longValue(), "every outcome journaled: " + d);
        assertEquals(Boolean.TRUE, d.get("journalChainIntact"), d.toString());
        assertEquals(0L, ((Number) d.get("journalRowsOutOfOrder")).longValue(), "rows in decision order, times never back: " + d);
        // the journal's times are the clock's reading at open carried on monotonically: they span the run, not the step
        double span = ((Number) d.get("journalSpanS")).doubleValue();
        assertTrue(span < ClockStepScenario.STEP_MINUTES * 60, "the journal's times did not jump by the step: " + d);
        assertTrue(((Number) d.get("rejectImages")).longValue() > 0, d.toString());
        assertEquals(0L, ((Number) d.get("rejectImagesStampedOutsideRun")).longValue(), "image names did not jump: " + d);
    }

    @Test
    void aLostViewOfPartsSeenByTwoCamerasMakesEachOfThemOneMissingViewOutcome() throws Exception {
        ScenarioResult r = run("view-camera-loss");
        assertAccountedAndRecovered(r);
        Map<String, Object> d = r.details();
        long lost = ((Number) d.get("framesLost")).longValue();
        assertTrue(lost > 0, d.toString());
        assertTrue(r.outcome("missing-view") > 0, r.outcomes().toString());
        assertEquals(lost, ((Number) d.get("missingViewsOfLostCamera")).longValue(),
                "each part that passed the dead camera was decided once, without that view: " + d);
        assertEquals(0L, ((Number) d.get("missingViewsElsewhere")).longValue(), "no other view went missing: " + d);
        assertTrue(r.outcome("missing-view") <= lost, "missing-view only for parts whose view was lost: " + d);
    }

    @Test
    void aShortSoakAtFourFifthsOfTheSustainableRateAccountsForEveryPartAndReportsMemoryFigures() throws Exception {
        // 400 s at the suite's scale: a 20 s soak; the command's soak is an hour at scale 1
        ScenarioResult r = run(new SoakScenario(400));
        assertAccountedAndRecovered(r);
        Map<String, Object> d = r.details();
        assertTrue(((Number) d.get("samples")).intValue() >= 3, d.toString());
        for (String k : List.of("heapAfterGcStartMb", "heapAfterGcEndMb", "heapAfterGcSlopeMbPerHour", "rssStartMb", "rssEndMb",
                "rssSlopeMbPerHour")) {
            assertTrue(Double.isFinite(((Number) d.get(k)).doubleValue()), k + ": " + d);
        }
        assertTrue(((Number) d.get("heapAfterGcStartMb")).doubleValue() > 0, d.toString());
        assertEquals(r.captured(), ((Number) d.get("journaled")).longValue(), "every outcome journaled: " + d);
    }
}
