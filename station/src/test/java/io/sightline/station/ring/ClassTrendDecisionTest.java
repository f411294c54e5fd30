package io.sightline.station.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.CusumChart;
import io.sightline.postprocess.trend.TrendAlarm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decision path as the station runs it (the real DecisionHandler, OutcomeRecorder and TrendStage)
 * with the default model's defect classes: a line whose crack rate rises raises an alarm that names
 * crack, and no other class.
 */
class ClassTrendDecisionTest {
    static final List<String> CLASSES = List.of("scratch", "pit", "crack", "missing_feature", "misplaced_feature");

    static final class Alarms implements RejectSink {
        final List<TrendAlarm> got = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {}

        @Override
        public void trendAlarm(TrendAlarm alarm) {
            got.add(alarm);
        }
    }

    /** Parts of one line: passes scored 0.1, rejects scored 0.9 with their class; crack at {@code crackRate} after part 500. */
    static Alarms run(List<String> classes, double crackRate) {
        Alarms sink = new Alarms();
        SplittableRandom rng = new SplittableRandom(11);
        try (StageProbes.Decision d = new StageProbes.Decision(0.5f,
                List.of(new CusumChart(1, 500, CusumChart.DEFAULT_K, CusumChart.DEFAULT_H)), sink, classes)) {
            for (int i = 0; i < 1500; i++) {
                boolean drifting = i >= 500;
                int defect = -1;
                double u = rng.nextDouble();
                if (u < 0.04) defect = (int) (u / 0.01) + (u >= 0.02 ? 1 : 0); // 1 % each of scratch, pit, missing, misplaced
                else if (u < 0.04 + (drifting ? crackRate : 0.01)) defect = 2;
                d.decide(i, System.nanoTime(), defect < 0 ? 0.1f : 0.9f, defect < 0 ? rng.nextInt(5) : defect);
            }
        }
        return sink;
    }

    @Test
    void aRisingCrackRateRaisesAnAlarmNamingCrackFirst() {
        // the other classes stay in control, and at the matched rate (about one false class alarm per 2,000 parts
        // of a line) one of them may alarm too in the 1,000 parts after the baseline: crack comes first
        Alarms sink = run(CLASSES, 0.08);
        List<TrendAlarm> byClass = sink.got.stream().filter(a -> a.raised() && a.defectClass() != null).toList();
        assertTrue(!byClass.isEmpty(), "an alarm names the rising class: " + sink.got);
        assertEquals("crack", byClass.get(0).defectClass(), byClass.toString());
        assertEquals("crack rising on line 0", byClass.get(0).subject());
        assertEquals("rate-cusum", byClass.get(0).detector());
    }

    @Test
    void aPassNeverCountsForTheClassItsScoresLeanTo() {
        // every pass's most probable defect class is crack: only parts rejected for a defect count for a class
        Alarms sink = new Alarms();
        try (StageProbes.Decision d = new StageProbes.Decision(0.5f, List.of(), sink, CLASSES)) {
            for (int i = 0; i < 1500; i++) d.decide(i, System.nanoTime(), 0.2f, 2);
        }
        assertEquals(List.of(), sink.got);
        try (StageProbes.Decision d = new StageProbes.Decision(0.5f,
                List.of(new CusumChart(1, 500, CusumChart.DEFAULT_K, CusumChart.DEFAULT_H)), sink, CLASSES)) {
            for (int i = 0; i < 1500; i++) d.decide(i, System.nanoTime(), 0.2f, 2);
        }
        assertEquals(List.of(), sink.got, "passes leaning to crack raise nothing");
    }

    @Test
    void aBinaryModelHasNoPerClassTracking() {
        Alarms sink = run(List.of("defect"), 0.08);
        assertTrue(sink.got.stream().anyMatch(a -> a.raised() && a.defectClass() == null), "the line's own CUSUM still alarms: " + sink.got);
        assertTrue(sink.got.stream().noneMatch(a -> a.defectClass() != null), sink.got.toString());
    }
}
