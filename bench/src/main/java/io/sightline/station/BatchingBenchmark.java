package io.sightline.station;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import java.util.ArrayList;
import java.util.List;
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
 * The inference handler's batching, without the session run: each frame's tensor is staged into
 * the classifier's batch tensor (a native copy of 64 KiB at 128x128) and handed to the
 * {@link Batcher}, which flushes a full batch of 32 to a runner that only reads the batch. Per
 * operation: one frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BatchingBenchmark {
    private ModelPackage model;
    private BatchClassifier classifier;
    private Batcher<FrameEvent> batcher;
    private final List<FrameEvent> frames = new ArrayList<>();
    private long flushedFrames;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        model = ModelPackage.load(io.sightline.bench.BenchPaths.defaultModel());
        classifier = model.newClassifier(StationConfig.DEFAULT_MAX_BATCH);
        var lines = StationStageFixtures.smallLine(model.info().inputWidth());
        for (int i = 0; i < StationConfig.DEFAULT_MAX_BATCH; i++) {
            frames.add(StationStageFixtures.slot(lines, model.info().floatsPerImage()));
        }
        batcher = new Batcher<>(new FrameEvent[classifier.maxBatch()], (items, count) -> flushedFrames += count);
    }

    @Benchmark
    public long stageOneFrame() {
        FrameEvent e = frames.get(next);
        classifier.stage(batcher.pending(), e.tensor.floats());
        batcher.onEntry(e, false);
        next = next + 1 == frames.size() ? 0 : next + 1;
        return flushedFrames;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frames.forEach(FrameEvent::close);
        classifier.close();
        model.close();
    }
}
