package io.sightline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateSearchTest {

    @ParameterizedTest
    @ValueSource(doubles = {37, 137, 950, 4321})
    void convergesOnTheKnownCapacityOfAStubStage(double capacity) throws Exception {
        SimulatedStage stage = new SimulatedStage(capacity, 10, 200);
        RateSearch search = new RateSearch(50, 100, 5, 100_000, 0.02, 30);
        RateSearch.Result r = search.search(stage);
        // Open loop past capacity: the backlog grows (rate - capacity) * 10 s, so within the 50 ms
        // budget a rate can pass at most half a percent above capacity.
        assertTrue(r.maxSustainableFps() >= capacity * 0.98 && r.maxSustainableFps() <= capacity * 1.005,
                "found " + r.maxSustainableFps() + " for capacity " + capacity);
        assertTrue(r.atMax().sustainable(50));
        assertEquals(r.maxSustainableFps(), r.atMax().offeredFps());
        assertEquals(stage.steps, r.steps().size(), "every probe is reported");
        assertTrue(r.steps().size() < 30, "converged before the step limit: " + r.steps().size());
        for (StepResult s : r.steps()) {
            if (s.offeredFps() > r.maxSustainableFps()) assertFalse(s.sustainable(50), "above the answer fails");
        }
    }

    @Test
    void aStageThatNeverMeetsTheBudgetHasNoSustainableRate() throws Exception {
        SimulatedStage slow = new SimulatedStage(1000.0 / 60, 10, 200); // every frame takes 60 ms
        RateSearch.Result r = new RateSearch(50, 100, 5, 10_000, 0.02, 30).search(slow);
        assertEquals(0, r.maxSustainableFps());
        assertNull(r.atMax());
        assertTrue(r.steps().get(r.steps().size() - 1).offeredFps() >= 5, "stops at the floor rate");
    }

    @Test
    void neverOffersMoreThanTheMaximum() throws Exception {
        SimulatedStage fast = new SimulatedStage(1_000_000, 1, 200);
        RateSearch.Result r = new RateSearch(50, 100, 5, 1000, 0.02, 30).search(fast);
        assertEquals(1000, r.maxSustainableFps());
        for (StepResult s : r.steps()) assertTrue(s.offeredFps() <= 1000);
    }

    @Test
    void stopsAtTheStepLimit() throws Exception {
        SimulatedStage stage = new SimulatedStage(777, 10, 200);
        RateSearch.Result r = new RateSearch(50, 10, 5, 100_000, 0.0001, 6).search(stage);
        assertEquals(6, r.steps().size());
        assertTrue(r.maxSustainableFps() > 0 && r.maxSustainableFps() <= 777 * 1.005);
    }

    @Test
    void sustainableMeansDecidedNoFailSafeAndWithinBudget() {
        assertTrue(step(100, 100, 0, 49.9, true).sustainable(50));
        assertFalse(step(100, 100, 0, 50.1, true).sustainable(50), "p99 over budget");
        assertFalse(step(100, 100, 1, 10, true).sustainable(50), "a fail-safe reject");
        assertFalse(step(100, 99, 0, 10, true).sustainable(50), "a frame without an outcome");
        assertFalse(step(100, 100, 0, 10, false).sustainable(50), "unbalanced counters");
        assertFalse(step(0, 0, 0, 0, true).sustainable(50), "nothing offered");
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RateSearch(0, 10, 5, 100, 0.1, 5));
        assertTrue(e.getMessage().contains("latency budget"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RateSearch(50, 200, 5, 100, 0.1, 5));
        assertTrue(e.getMessage().contains("rates"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RateSearch(50, 10, 5, 100, 1.5, 5));
        assertTrue(e.getMessage().contains("tolerance"), e.getMessage());
    }

    private static StepResult step(long captured, long decided, long failSafe, double p99, boolean balanced) {
        return new StepResult("t", 100, 1, captured, decided, failSafe, Map.of(), decided, 1, p99, p99, p99, 1,
                new long[0], 0.5, 0, balanced);
    }
}
