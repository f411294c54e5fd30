package io.sightline.postprocess.trend;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TrendScenariosTest {
    @Test
    void aSurgeJumpsAfterItsWarningAndGoodPartsScoreWorseFirst() {
        int withWarning = 0;
        for (long seed = 1; seed <= 40; seed++) {
            TrendScenarios.Scenario s = TrendScenarios.generate(TrendScenarios.Kind.SURGE, seed, 1_000, 3_000);
            double p0 = s.baseRate();
            assertEquals(1_000, s.changeAt());
            int jump = 1_000;
            while (jump < s.length() && s.rate()[jump] == (float) p0) jump++;
            assertTrue(jump < s.length(), "seed " + seed + ": the rate jumps");
            assertTrue(jump == 1_000 || jump >= 1_050 && jump <= 1_300, "seed " + seed + ": a warning of 0 or 50-300 parts, got " + (jump - 1_000));
            double after = s.rate()[jump];
            assertTrue(after >= Math.min(0.95, 5 * p0) - 1e-6 && after <= 0.95 + 1e-6, "seed " + seed + ": surge rate " + after + " from " + p0);
            if (jump - 1_000 >= 100) {
                withWarning++;
                // the warning's second half: no more defects than before, but good parts score higher than before the change
                assertTrue(meanGoodScore(s, 1_000 + (jump - 1_000) / 2, jump) > meanGoodScore(s, 0, 1_000) + 0.02,
                        "seed " + seed + ": good parts score worse during the warning");
            }
        }
        assertTrue(withWarning >= 5, "some surges come with a warning: " + withWarning);
    }

    @Test
    void aDegradationLiftsEveryScoreUntilGoodPartsCrossTheRejectScore() {
        for (long seed = 1; seed <= 20; seed++) {
            TrendScenarios.Scenario s = TrendScenarios.generate(TrendScenarios.Kind.DEGRADATION, seed, 1_000, 3_000);
            double p0 = s.baseRate();
            assertEquals((float) p0, s.rate()[999], "seed " + seed + ": in control before the change");
            for (int t = 1_001; t < s.length(); t++) assertTrue(s.rate()[t] >= s.rate()[t - 1], "seed " + seed + ": the rate never falls");
            // R is at most 1,000 parts: by then the lift has reached the reject score and nearly every part is rejected
            assertTrue(s.rate()[2_000] > 0.5, "seed " + seed + ": rate " + s.rate()[2_000] + " a thousand parts on");
            int firstRise = 1_000;
            while (s.rate()[firstRise] < 2 * p0) firstRise++;
            // the scores rise before the rejects do
            assertTrue(meanGoodScore(s, firstRise - 50, firstRise) > meanGoodScore(s, 0, 1_000) + 0.1,
                    "seed " + seed + ": good parts score worse before the rejects rise");
            // and the rejects, good parts crossing the reject score, follow the stated rate as it rises
            double expected = 0;
            int rejects = 0;
            for (int t = firstRise; t < firstRise + 300; t++) {
                expected += s.rate()[t];
                if (s.rejected()[t]) rejects++;
            }
            assertEquals(expected, rejects, 4 * Math.sqrt(expected) + 5, "seed " + seed + ": rejects against the stated rate");
        }
        assertEquals(0.5, TrendScenarios.goodRejectProbability(TrendScenarios.REJECT_AT - 0.07 * 0.6745), 1e-4);
        assertEquals(1.0, TrendScenarios.goodRejectProbability(0.6));
    }

    @Test
    void aTimeScaleDrawsTheSameDriftOverFewerParts() {
        for (TrendScenarios.Kind kind : new TrendScenarios.Kind[] {TrendScenarios.Kind.LINEAR, TrendScenarios.Kind.EXPONENTIAL}) {
            TrendScenarios.Scenario full = TrendScenarios.generate(kind, 7, 500, 4_000, 1);
            TrendScenarios.Scenario small = TrendScenarios.generate(kind, 7, 40, 320, 2.0 / 25);
            assertEquals(full.baseRate(), small.baseRate());
            for (int k = 0; k < 140; k++) {
                assertEquals(full.rate()[500 + 25 * k], small.rate()[40 + 2 * k], 1e-6, kind + " at " + k + " windows after the change");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TrendScenarios.generate(TrendScenarios.Kind.STEP, 1, 10, 100, 0));
    }

    private static double meanGoodScore(TrendScenarios.Scenario s, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!s.rejected()[i]) {
                sum += s.scores()[i];
                n++;
            }
        }
        return sum / n;
    }
}
