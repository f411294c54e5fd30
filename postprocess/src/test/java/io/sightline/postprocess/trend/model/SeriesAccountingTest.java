package io.sightline.postprocess.trend.model;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.trend.EwmaChart;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-series accounting of a real chart on short hand-made score sequences, and the baseline's confidence figures. */
class SeriesAccountingTest {
    /**
     * 10 baseline images alternating 0.1 / 0.3 (mean 0.2, sd 0.1: EWMA λ 0.5, L 2 has its limit at
     * 0.3155), in control at 0.2, one spike of 0.9 at image 15, then from image 20 (the change) 0.35:
     * z = 0.275, 0.3125, 0.33125 -> the alarm at image 22.
     */
    static float[] scores() {
        float[] s = new float[30];
        for (int i = 0; i < s.length; i++) s[i] = i < 10 ? (i % 2 == 0 ? 0.1f : 0.3f) : i < 20 ? 0.2f : 0.35f;
        s[15] = 0.9f;
        return s;
    }

    @Test
    void countsFalseAlarmsBeforeTheChangeAndTheDelayAfterIt() {
        float[] s = scores();
        boolean[] rejected = new boolean[s.length];
        SeriesAccounting.Outcome o = SeriesAccounting.run(new EwmaChart(1, 10, 0.5, 2.0), s, rejected, 20);
        assertEquals(1, o.falseAlarmsBeforeChange(), "the spike at image 15");
        assertEquals(2, o.delayImages(), "alarm at image 22, the change at 20");
        assertTrue(o.detected());

        SeriesAccounting.Outcome never = SeriesAccounting.run(new EwmaChart(1, 10, 0.5, 2.0), s, rejected, -1);
        assertEquals(-1, never.delayImages());
        assertTrue(never.falseAlarmsBeforeChange() >= 2, "without a change every alarm is false: " + never);

        float[] flat = s.clone();
        for (int i = 20; i < flat.length; i++) flat[i] = 0.2f;
        flat[15] = 0.2f;
        SeriesAccounting.Outcome missed = SeriesAccounting.run(new EwmaChart(1, 10, 0.5, 2.0), flat, rejected, 20);
        assertEquals(new SeriesAccounting.Outcome(0, -1), missed, "nothing rises: no alarm, missed");
    }

    @Test
    void refusesATrackerOfSeveralLinesAndMismatchedArrays() {
        float[] s = scores();
        var e = assertThrows(IllegalArgumentException.class,
                () -> SeriesAccounting.run(new EwmaChart(2, 10, 0.5, 2.0), s, new boolean[s.length], 20));
        assertTrue(e.getMessage().contains("1 line"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SeriesAccounting.run(new EwmaChart(1, 10, 0.5, 2.0), s, new boolean[3], 20));
        assertTrue(e.getMessage().contains("30 and 3"), e.getMessage());
    }

    @Test
    void summarisesOverSeries() {
        // four series: caught after 2 and after 5 (1 false alarm), missed (3 false alarms), no change (2 false alarms)
        List<SeriesAccounting.Outcome> outcomes = List.of(new SeriesAccounting.Outcome(0, 2), new SeriesAccounting.Outcome(1, 5),
                new SeriesAccounting.Outcome(3, -1), new SeriesAccounting.Outcome(2, -1));
        Map<String, Object> row = SeriesAccounting.summary(outcomes, List.of(40, 41, 42, -1));
        assertEquals(2, row.get("detected"));
        assertEquals(1, row.get("missed"));
        assertEquals(1.5, row.get("falseAlarmsBeforeChangePerSeries"), "6 false alarms over 4 series");
        assertEquals(6, row.get("falseAlarmsBeforeChange"));
        assertEquals(3, row.get("seriesWithFalseAlarm"));
        assertEquals(3.5, row.get("meanDelayImages"));
        assertEquals(3.5, row.get("medianDelayImages"));
        Map<String, Object> none = SeriesAccounting.summary(List.of(new SeriesAccounting.Outcome(0, -1)), List.of(10));
        assertNull(none.get("meanDelayImages"), "no series detected: no delay");
        assertEquals(3.0, SeriesAccounting.median(new int[] {1, 3, 9}));
    }

    @Test
    void baselineOfASeriesIsHalfItsImagesBeforeThePitting() {
        assertEquals(22, new BsdataTrend.Series("a", List.of(), new float[69], new boolean[69], 44).baseline());
        assertEquals(34, new BsdataTrend.Series("b", List.of(), new float[69], new boolean[69], -1).baseline(), "never pits: half of all");
        assertEquals(10, new BsdataTrend.Series("c", List.of(), new float[69], new boolean[69], 12).baseline(), "never under the charts' 10");
    }

    @Test
    void baselineConfidenceWidensAsTheBaselineShrinks() {
        float[] s = scores();
        boolean[] rejected = new boolean[s.length];
        rejected[3] = true;
        Map<String, Object> ten = SeriesAccounting.baselineConfidence(s, rejected, 10, null);
        assertEquals(10, ten.get("baselineImages"));
        assertEquals(1, ten.get("baselineRejects"));
        assertEquals(0.2, (double) ten.get("baselineScoreMean"), 1e-6);
        assertEquals(Math.sqrt(10.0 / 9) * 0.1, (double) ten.get("baselineScoreSd"), 1e-4, "sample deviation");
        @SuppressWarnings("unchecked") List<Double> rate = (List<Double>) ten.get("baselineRejectRate90");
        assertTrue(rate.get(0) > 0 && rate.get(0) < 0.1 && rate.get(1) > 0.3 && rate.get(1) < 0.45, "Wilson 90% of 1/10: " + rate);
        @SuppressWarnings("unchecked") List<Double> sd10 = (List<Double>) ten.get("sdFactor90");
        assertTrue(sd10.get(0) < 1 && sd10.get(1) > 1.5, "9 degrees of freedom leave the deviation uncertain: " + sd10);
        @SuppressWarnings("unchecked") List<Double> sd20 = (List<Double>) SeriesAccounting.baselineConfidence(s, rejected, 20, null)
                .get("sdFactor90");
        assertTrue(sd20.get(1) - sd20.get(0) < sd10.get(1) - sd10.get(0), "a longer baseline narrows it: " + sd20 + " vs " + sd10);
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesAccounting.baselineConfidence(s, rejected, 31, null));
        assertTrue(e.getMessage().contains("baseline"), e.getMessage());
    }

    @Test
    void chiSquareQuantilesMatchTheTables() {
        assertEquals(18.307, SeriesAccounting.chiSquareQuantile(10, SeriesAccounting.Z90), 0.05, "chi2 0.95, 10 dof");
        assertEquals(3.940, SeriesAccounting.chiSquareQuantile(10, -SeriesAccounting.Z90), 0.05, "chi2 0.05, 10 dof");
        assertEquals(31.410, SeriesAccounting.chiSquareQuantile(20, SeriesAccounting.Z90), 0.05, "chi2 0.95, 20 dof");
    }
}
