package io.sightline.postprocess.trend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassRateTrackerTest {
    static final List<String> CLASSES = List.of("scratch", "pit", "crack", "missing_feature", "misplaced_feature");

    /** Feeds {@code parts} parts of the line: each class rejected at its rate, else passed. */
    static void feed(ClassRateTracker t, int line, long from, int parts, double[] rates, SplittableRandom rng) {
        for (long i = from; i < from + parts; i++) {
            double u = rng.nextDouble();
            int rejected = -1;
            double acc = 0;
            for (int c = 0; c < rates.length; c++) {
                acc += rates[c];
                if (u < acc) {
                    rejected = c;
                    break;
                }
            }
            t.update(line, i, i, rejected);
        }
    }

    @Test
    void aRisingClassIsNamedAndTheOthersAreNot() {
        ClassRateTracker t = new ClassRateTracker(2, CLASSES, 500, ClassRateTracker.DEFAULT_SHIFT, ClassRateTracker.DEFAULT_H);
        List<TrendAlarm> alarms = new ArrayList<>();
        t.setListener(alarms::add);
        SplittableRandom rng = new SplittableRandom(7);
        double[] inControl = {0.01, 0.01, 0.01, 0.01, 0.01};
        double[] crackRising = {0.01, 0.01, 0.08, 0.01, 0.01};
        feed(t, 0, 0, 500, inControl, rng);
        feed(t, 1, 0, 500, inControl, rng);
        assertTrue(alarms.isEmpty(), "no alarm during the baseline: " + alarms);
        // in control, a class with a fixed h 5 alarms falsely about once per 10,000 parts at 1 % (five classes: once per 2,000)
        feed(t, 0, 500, 1000, inControl, rng);
        feed(t, 1, 500, 1000, crackRising, rng);
        List<TrendAlarm> raised = alarms.stream().filter(TrendAlarm::raised).toList();
        assertTrue(raised.stream().anyMatch(a -> a.line() == 1 && "crack".equals(a.defectClass())), "crack rising on line 1: " + alarms);
        assertTrue(raised.stream().noneMatch(a -> a.line() == 1 && !"crack".equals(a.defectClass())), "only crack on line 1: " + alarms);
        assertTrue(raised.stream().noneMatch(a -> a.line() == 0), "line 0 stayed in control: " + alarms);
        TrendAlarm first = raised.get(0);
        assertEquals(ClassRateTracker.NAME, first.detector());
        assertNotNull(first.forecast(), "the class alarm carries the class's forecast");
        assertEquals(ClassRateTracker.FORECAST_HORIZON, first.forecast().horizonParts());
        assertTrue(first.forecast().rate() > t.baselineRate(1, 2), "expected above the baseline's rate: " + first.forecast().toJson());
        assertEquals(ClassRateTracker.DEFAULT_SHIFT * t.baselineRate(1, 2), first.forecast().limitRate(), 1e-12);
        assertEquals("crack rising on line 1", first.subject());
        assertEquals("\"crack\"", first.defectClassJson());
        assertTrue(t.alarmed(1, 2));
        assertFalse(t.alarmed(1, 0));
    }

    @Test
    void theForecastFollowsEachClassRateAndItsIntervalHoldsIt() {
        ClassRateTracker t = new ClassRateTracker(1, CLASSES, 500, ClassRateTracker.DEFAULT_SHIFT, ClassRateTracker.DEFAULT_H);
        SplittableRandom rng = new SplittableRandom(11);
        assertTrue(Double.isNaN(t.forecastRate(0, 2)), "no forecast while the baseline is learnt");
        feed(t, 0, 0, 500, new double[] {0.01, 0.01, 0.01, 0.01, 0.01}, rng);
        assertEquals(t.baselineRate(0, 2), t.forecastRate(0, 2), 1e-12, "it starts at the baseline's rate");
        double[] stepped = {0.01, 0.01, 0.06, 0.01, 0.01};
        feed(t, 0, 500, 3000, stepped, rng);
        int held = 0;
        int checks = 0;
        for (int k = 0; k < 40; k++) {
            feed(t, 0, 3500 + 100L * k, 100, stepped, rng);
            for (int c = 0; c < CLASSES.size(); c++) {
                double lower = t.forecastLower(0, c);
                double upper = t.forecastUpper(0, c);
                assertTrue(lower <= t.forecastRate(0, c) && t.forecastRate(0, c) <= upper, CLASSES.get(c));
                checks++;
                if (lower <= stepped[c] && stepped[c] <= upper) held++;
            }
        }
        assertEquals(0.06, t.forecastRate(0, 2), 0.03, "crack's forecast has moved to its new rate");
        assertTrue(t.forecastRate(0, 0) < 0.03, "scratch's stayed low: " + t.forecastRate(0, 0));
        // a 90 % interval, checked 200 times (overlapping, so loosely): most hold the true rate
        assertTrue(held >= 0.75 * checks, held + " of " + checks + " intervals held the true rate");
        assertTrue(ClassRateTracker.wilson(0, -1) == 0 && ClassRateTracker.wilson(0, 1) > 0, "no rejects yet: an upper end above 0");
    }

    @Test
    void aClassTheBaselineNeverSawDoesNotAlarmOnOneReject() {
        ClassRateTracker t = new ClassRateTracker(1, CLASSES, 500, ClassRateTracker.DEFAULT_SHIFT, ClassRateTracker.DEFAULT_H);
        List<TrendAlarm> alarms = new ArrayList<>();
        t.setListener(alarms::add);
        for (int i = 0; i < 500; i++) t.update(0, i, i, -1);
        t.update(0, 500, 500, 2);
        assertTrue(alarms.isEmpty(), "one crack after a clean baseline is no trend: " + alarms);
        assertTrue(t.statistic(0, 2) > 0 && t.statistic(0, 2) < t.limit(0, 2));
        assertEquals(1.0 / 501, t.baselineRate(0, 2), 1e-12);
    }

    @Test
    void theClearingAlarmNamesTheClassToo() {
        ClassRateTracker t = new ClassRateTracker(1, CLASSES, 100, ClassRateTracker.DEFAULT_SHIFT, ClassRateTracker.DEFAULT_H);
        List<TrendAlarm> alarms = new ArrayList<>();
        t.setListener(alarms::add);
        SplittableRandom rng = new SplittableRandom(3);
        feed(t, 0, 0, 100, new double[] {0.02, 0.02, 0.02, 0.02, 0.02}, rng);
        feed(t, 0, 100, 200, new double[] {0.02, 0.3, 0.02, 0.02, 0.02}, rng);
        feed(t, 0, 300, 3000, new double[] {0.0, 0.0, 0.0, 0.0, 0.0}, rng);
        assertEquals(List.of("pit raised", "pit cleared"), alarms.stream().map(a -> a.defectClass() + (a.raised() ? " raised" : " cleared")).toList());
    }

    @Test
    void badSettingsAreRefusedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ClassRateTracker(1, List.of("anomaly"), 500, 3, 5));
        assertTrue(e.getMessage().contains("at least 2 defect classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassRateTracker(1, CLASSES, 500, 1.0, 5));
        assertTrue(e.getMessage().contains("shift"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassRateTracker(1, CLASSES, 500, 3, Double.NaN));
        assertTrue(e.getMessage().contains("rate-cusum sensitivity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ClassRateTracker(0, CLASSES, 500, 3, 5));
        assertTrue(e.getMessage().contains("at least 1 line"), e.getMessage());
    }

    @Test
    void theMatchedHFollowsTheClassRateAndHoldsAtTheTablesEnds() {
        double[] rates = ClassRateTracker.matchedRates();
        double[] table = ClassRateTracker.matchedTable();
        assertEquals(table[0], ClassRateTracker.matchedH(0.0005), 1e-12);
        assertEquals(table[table.length - 1], ClassRateTracker.matchedH(0.5), 1e-12);
        assertEquals(table[3], ClassRateTracker.matchedH(rates[3]), 1e-12);
        double between = ClassRateTracker.matchedH(Math.sqrt(rates[3] * rates[4])); // halfway in ln p0
        assertEquals(0.5 * (table[3] + table[4]), between, 1e-9);
        for (int i = 1; i < table.length; i++) assertTrue(table[i] > table[i - 1], "a rarer class needs a lower h: " + java.util.Arrays.toString(table));
    }

    @Test
    void aMatchedTrackerTakesEachClasssHFromItsBaselineRate() {
        ClassRateTracker t = ClassRateTracker.matched(1, CLASSES, 500);
        SplittableRandom rng = new SplittableRandom(5);
        feed(t, 0, 0, 500, new double[] {0.002, 0.01, 0.05, 0.01, 0.01}, rng);
        for (int c = 0; c < CLASSES.size(); c++) {
            assertEquals(ClassRateTracker.matchedH(t.baselineRate(0, c)), t.limit(0, c), 1e-12, CLASSES.get(c));
        }
        assertTrue(t.limit(0, 2) > t.limit(0, 0), "the common class has the higher limit");
    }

    @Test
    void inControlTheMatchedLinesClassAlarmsComeAboutAsOftenAsALineDetectorsFive() {
        // seeded: 400 lines x 5,000 in-control parts, five classes at 1 %; the line detectors are matched to 5 per 10,000
        double perLine = ClassRateCalibration.falseAlarms(new double[] {0.01, 0.01, 0.01, 0.01, 0.01}, null, 21_000_000L, 400, 5000)
                .per10k();
        assertTrue(perLine > 2.5 && perLine < 10, "false alarms per 10,000 in-control parts of a line: " + perLine);
        double fixed = ClassRateCalibration.falseAlarmsFixed(new double[] {0.002, 0}, ClassRateTracker.DEFAULT_H, 21_000_000L, 400, 5000)
                .per10k();
        double matched = ClassRateCalibration.falseAlarms(new double[] {0.002, 0}, null, 21_000_000L, 400, 5000).per10k();
        assertTrue(matched > 4 * fixed, "a rare class gets a lower h than the old fixed 5: " + matched + " against " + fixed);
    }
}
