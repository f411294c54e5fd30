package io.sightline.bench;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.InferenceDevice;
import io.sightline.inference.InferencePrecision;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.NativeBuffer;
import java.util.SplittableRandom;
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
 * One inference batch of the default model at batch 1, 8, 32 and 64: stage every image into the
 * classifier's tensor, one {@code session.run}, read the scores. The time is per batch; the bench
 * CLI also prints it per frame. TensorFlow uses its own intra-op threads, so this is wall time on
 * the whole machine, not one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBenchmark {
    @Param({"1", "8", "32", "64"})
    public int batch;

    /** fp32, or bf16 on a CPU with native bfloat16 ({@code -p precision=fp32,bf16}). */
    @Param({"fp32"})
    public String precision;

    private ModelPackage model;
    private BatchClassifier classifier;
    private NativeBuffer[] images;

    @Setup(Level.Trial)
    public void setUp() {
        model = ModelPackage.load(BenchPaths.defaultModel(), 0,
                InferenceDevice.cpu().withPrecision(InferencePrecision.parse(precision)));
        classifier = model.newClassifier(batch);
        int floats = model.info().floatsPerImage();
        SplittableRandom random = new SplittableRandom(7);
        images = new NativeBuffer[batch];
        for (int i = 0; i < batch; i++) {
            images[i] = NativeBuffer.allocateFloats(floats);
            for (int j = 0; j < floats; j++) images[i].floats().put(j, (float) random.nextGaussian());
        }
        classifier.run(batch); // first run of a shape optimises the graph
    }

    @Benchmark
    public float inferBatch() {
        for (int i = 0; i < batch; i++) classifier.stage(i, images[i].floats());
        classifier.run(batch);
        return classifier.defectScore(batch - 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        classifier.close();
        for (NativeBuffer b : images) b.close();
        model.close();
    }
}
