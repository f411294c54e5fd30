package io.sightline.station;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
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
 * One ring hop as the station makes it: a camera-side publish of a {@link FrameEvent} slot
 * (multi-producer ring, the station's wait strategy and ring size) and its consumption by a
 * handler on another thread that claims the outcome. The time per operation is the hop's cost at
 * saturation: the producer waits for free slots when it outruns the consumer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingHopBenchmark {
    private static final EventTranslatorOneArg<FrameEvent, RingHopBenchmark> PUBLISH =
            (e, sequence, bench) -> StationStageFixtures.arm(e, sequence, bench.now);

    private final List<FrameEvent> slots = new ArrayList<>();
    private Disruptor<FrameEvent> disruptor;
    private RingBuffer<FrameEvent> ring;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        var lines = StationStageFixtures.smallLine(8);
        disruptor = new Disruptor<>(() -> {
            FrameEvent e = StationStageFixtures.slot(lines, 64);
            slots.add(e);
            return e;
        }, StationConfig.DEFAULT_RING_SIZE, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new StageWaitStrategy());
        EventHandler<FrameEvent> consumer = (e, sequence, endOfBatch) -> e.claimOutcome();
        disruptor.handleEventsWith(consumer);
        ring = disruptor.start();
    }

    @Benchmark
    public void hop() {
        now = System.nanoTime();
        ring.publishEvent(PUBLISH, this);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        disruptor.shutdown(5, TimeUnit.SECONDS);
        slots.forEach(FrameEvent::close);
    }
}
