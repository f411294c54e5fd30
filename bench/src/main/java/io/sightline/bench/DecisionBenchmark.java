package io.sightline.bench;

import io.sightline.postprocess.trend.CusumChart;
import io.sightline.station.StationConfig;
import io.sightline.station.ring.StageProbes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The decision step as the last handler runs it, for one frame: claim the outcome, check the
 * deadline and status, apply the threshold, and record (per-line counters, the latency recorder,
 * the ground-truth scorecard, the reject signal to the sink) and the trend step (a CUSUM chart on
 * the line; with {@code defectClasses} 5, as with the default model, also each defect class's rate
 * CUSUM). Scores alternate between a pass and a reject so both paths run; the rejects cycle through
 * the defect classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBenchmark {
    private StageProbes.Decision decision;
    private CountingSink sink;
    private long sequence;

    /** Defect classes tracked per line: 0 (a binary model) or 5 (the default model's). */
    @Param({"0", "5"})
    public int defectClasses;

    @Setup(Level.Trial)
    public void setUp() {
        sink = new CountingSink();
        List<String> classes = new java.util.ArrayList<>();
        for (int c = 0; c < defectClasses; c++) classes.add("defect" + c);
        decision = new StageProbes.Decision(StationConfig.DEFAULT_THRESHOLD,
                List.of(new CusumChart(1, 500, CusumChart.DEFAULT_K, CusumChart.DEFAULT_H)), sink, classes);
    }

    @Benchmark
    public long decideOneFrame() {
        long s = sequence++;
        int defectClass = defectClasses == 0 ? -1 : (int) ((s >> 1) % defectClasses);
        decision.decide(s, System.nanoTime() - 1_000_000L, (s & 1) == 0 ? 0.1f : 0.9f, defectClass);
        return sink.rejects;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decision.close();
    }
}
