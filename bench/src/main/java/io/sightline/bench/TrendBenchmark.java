package io.sightline.bench;

import io.sightline.inference.TrendLstm;
import io.sightline.natives.Natives;
import io.sightline.postprocess.trend.LstmTrendTracker;
import io.sightline.postprocess.trend.model.TrendModels;
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
 * The LSTM trend tracker as the decision handler feeds it, one part: the part goes into its
 * line's window; when every line has finished a window, one batched session run advances them
 * all (every {@link TrendModels#WINDOW} parts a line). So the figure per part is the window
 * arithmetic plus the session run's share: a {@code 1 / (WINDOW x lines)} of one run.
 * The lines' baselines are learnt in the setup; every eighth part of a line is a reject.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TrendBenchmark {
    private TrendLstm.Runner runner;
    private LstmTrendTracker tracker;
    private long part;

    /** Lines the tracker watches (the demo's 2; a larger station's 8). */
    @Param({"2", "8"})
    public int lines;

    @Setup(Level.Trial)
    public void setUp() {
        Natives.tensorflow();
        runner = TrendLstm.Runner.load(BenchPaths.trendModel());
        tracker = new LstmTrendTracker(TrendModels.forecaster(runner), lines, TrendModels.WINDOW, TrendModels.BASELINE, 0.85);
        for (int i = 0; i < TrendModels.BASELINE * lines; i++) partOnce();
    }

    @Benchmark
    public double onePart() {
        partOnce();
        return tracker.statistic(0);
    }

    private void partOnce() {
        long p = part++;
        int line = (int) (p % lines);
        boolean reject = (p / lines) % 8 == 3; // every line's eighth part
        tracker.update(line, p, p, reject ? 0.9f : 0.05f + 0.01f * (p % 7), reject);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.close();
    }
}
