package io.sightline.bench;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import io.sightline.station.StationConfig;
import io.sightline.station.ring.StageProbes;
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
 * station's {@code Batcher}, which flushes a full batch of 32 to a runner that only reads the batch. Per
 * operation: one frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BatchingBenchmark {
    private ModelPackage model;
    private BatchClassifier classifier;
    private StageProbes.Batching batching;

    @Setup(Level.Trial)
    public void setUp() {
        model = ModelPackage.load(BenchPaths.defaultModel());
        classifier = model.newClassifier(StationConfig.DEFAULT_MAX_BATCH);
        batching = new StageProbes.Batching(classifier, model.info().inputWidth(), model.info().floatsPerImage(),
                StationConfig.DEFAULT_MAX_BATCH);
    }

    @Benchmark
    public long stageOneFrame() {
        return batching.stageOneFrame();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batching.close();
        classifier.close();
        model.close();
    }
}
