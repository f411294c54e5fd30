package io.sightline.station;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The decision step as the last handler runs it, for one frame: claim the outcome, check the
 * deadline and status, apply the threshold, and record (per-line counters, the latency recorder,
 * the ground-truth scorecard, the reject signal to the sink) and the trend step (a CUSUM chart on
 * the line). Scores alternate between a pass and a reject so both paths run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBenchmark {
    private FrameEvent slot;
    private DecisionHandler handler;
    private StationStageFixtures.CountingSink sink;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() {
        slot = StationStageFixtures.slot(StationStageFixtures.smallLine(8), 64);
        sink = new StationStageFixtures.CountingSink();
        handler = new DecisionHandler(new LineThresholds(1, StationConfig.DEFAULT_THRESHOLD), new OutcomeRecorder(1, sink),
                new TrendStage(java.util.List.of(new io.sightline.postprocess.trend.CusumChart(1, 500,
                        io.sightline.postprocess.trend.CusumChart.DEFAULT_K, io.sightline.postprocess.trend.CusumChart.DEFAULT_H)), sink, 1));
    }

    @Benchmark
    public long decideOneFrame() {
        long s = sequence++;
        StationStageFixtures.arm(slot, s, System.nanoTime() - 1_000_000L);
        slot.defectScore = (s & 1) == 0 ? 0.1f : 0.9f;
        handler.onEvent(slot, s, true);
        return sink.rejects;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        slot.close();
    }
}
