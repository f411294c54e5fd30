package io.sightline.bench;

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
 * One ring hop as the station makes it: a camera-side publish of a {@code FrameEvent} slot
 * (multi-producer ring, the station's wait strategy and ring size) and its consumption by a
 * handler on another thread that claims the outcome. The time per operation is the hop's cost at
 * saturation: the producer waits for free slots when it outruns the consumer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingHopBenchmark {
    private StageProbes.RingHop ring;

    @Setup(Level.Trial)
    public void setUp() {
        ring = new StageProbes.RingHop(StationConfig.DEFAULT_RING_SIZE);
    }

    @Benchmark
    public void hop() {
        ring.hop(System.nanoTime());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ring.close();
    }
}
