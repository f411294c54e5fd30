package io.sightline.station.ring;

import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslator;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.sightline.capture.DefectKind;
import io.sightline.inference.BatchClassifier;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.trend.TrendTracker;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.outcome.LineThresholds;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.outcome.TrendStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ring's own stages, each driven alone over small slots: what the stage benchmarks of the
 * {@code bench} module measure. They run the exact handler code the station's ring runs (the real
 * {@link Batcher}, {@link DecisionHandler}, {@link StageWaitStrategy} and slot), not a copy of it,
 * while the slot and the handlers stay this package's own.
 *
 * <p>Every probe allocates its slots once; its per-frame call allocates nothing. Not thread-safe:
 * one benchmark thread per probe (the ring probes have their consumers on threads of their own).
 */
public final class StageProbes {
    private StageProbes() {}

    /** One 64x64 line: the hop, batching and decision costs do not depend on the frame size. */
    private static List<LineSetup> smallLine(int inputSide) {
        return List.of(new LineSetup(64, 64, new PreprocessSpec(0, 0, 64, 64, inputSide, inputSide, 0f, 1f)));
    }

    /** Fills a slot the way a camera does, without the pixel copy (that is the capture benchmark's). */
    private static void arm(FrameEvent e, long sequence, long nowNanos) {
        e.arm(sequence);
        e.line = 0;
        e.partId = sequence;
        e.captureNanos = nowNanos;
        e.deadlineNanos = nowNanos + 200_000_000L;
        e.truth = DefectKind.UNKNOWN;
        e.status = FrameEvent.STATUS_OK;
    }

    /**
     * What a camera thread does with a grabbed frame's pixels, on the station's own slots: hands a
     * stable source's frame over ({@link BorrowedFrames}) or copies it into the slot, as
     * {@code CameraLoop} does.
     */
    public static final class Pixels implements AutoCloseable {
        private final FrameEvent[] slots;
        private final BorrowedFrames borrowed;
        private int next;

        /** Slots for frames of {@code width x height} gray; {@code handOver}: as for a source with stable pixels. */
        public Pixels(int width, int height, int slots, boolean handOver) {
            LineSetup line = new LineSetup(width, height, new PreprocessSpec(0, 0, width, height, 128, 128, 0f, 1f));
            this.slots = new FrameEvent[slots];
            for (int i = 0; i < slots; i++) this.slots[i] = new FrameEvent(List.of(line), 128 * 128);
            this.borrowed = handOver ? new BorrowedFrames(line) : null;
        }

        /** Puts one frame into the next slot; true when handed over rather than copied. */
        public boolean put(io.sightline.capture.CapturedFrame frame) {
            FrameEvent e = slots[next];
            next = (next + 1) % slots.length;
            arm(e, next, 0);
            return CameraLoop.putPixels(e, frame, borrowed);
        }

        @Override
        public void close() {
            if (borrowed != null) borrowed.close();
            for (FrameEvent e : slots) e.close();
        }
    }

    /**
     * The inference handler's batching without the session run: each frame's tensor is staged into
     * the classifier's batch tensor and handed to the {@link Batcher}, which flushes full batches to
     * a runner that only counts them.
     */
    public static final class Batching implements AutoCloseable {
        private final BatchClassifier classifier;
        private final Batcher<FrameEvent> batcher;
        private final List<FrameEvent> frames = new ArrayList<>();
        private long flushedFrames;
        private int next;

        /** @param slots how many slots the frames cycle through (their tensors are the model's size) */
        public Batching(BatchClassifier classifier, int inputSide, int floatsPerImage, int slots) {
            this.classifier = classifier;
            var lines = smallLine(inputSide);
            for (int i = 0; i < slots; i++) frames.add(new FrameEvent(lines, floatsPerImage));
            batcher = new Batcher<>(new FrameEvent[classifier.maxBatch()], (items, count) -> flushedFrames += count);
        }

        /** Stages the next slot's tensor and hands the slot to the batcher; returns the frames flushed so far. */
        public long stageOneFrame() {
            FrameEvent e = frames.get(next);
            classifier.stage(batcher.pending(), e.tensor.floats());
            batcher.onEntry(e, false);
            next = next + 1 == frames.size() ? 0 : next + 1;
            return flushedFrames;
        }

        @Override
        public void close() {
            frames.forEach(FrameEvent::close);
        }
    }

    /** The decision step as the last handler runs it, on one slot of a one-camera line. */
    public static final class Decision implements AutoCloseable {
        private final FrameEvent slot = new FrameEvent(smallLine(8), 64);
        private final DecisionHandler handler;

        /** @param trackers the trend trackers fed by the decision (one line) */
        public Decision(float threshold, List<TrendTracker> trackers, RejectSink sink) {
            this(threshold, trackers, sink, List.of());
        }

        /**
         * @param defectClasses the model's defect classes: with two or more, the line's rate of each is
         *     tracked too (as in a station with a multi-class model)
         */
        public Decision(float threshold, List<TrendTracker> trackers, RejectSink sink, List<String> defectClasses) {
            handler = new DecisionHandler(new LineThresholds(1, threshold), new OutcomeRecorder(1, sink),
                    new TrendStage(trackers, null, sink, 1, defectClasses));
        }

        /** Arms the slot as a camera would, gives it the score as a worker would, and decides it. */
        public void decide(long sequence, long captureNanos, float defectScore) {
            decide(sequence, captureNanos, defectScore, -1);
        }

        /** As above, with the most probable defect class the worker found (index among the defect classes; -1: none). */
        public void decide(long sequence, long captureNanos, float defectScore, int defectClass) {
            arm(slot, sequence, captureNanos);
            slot.defectScore = defectScore;
            slot.defectClass = defectClass;
            handler.onEvent(slot, sequence, true);
        }

        @Override
        public void close() {
            slot.close();
        }
    }

    /**
     * One ring hop as the station makes it: a camera-side publish into a multi-producer ring with the
     * station's wait strategy, consumed by a handler on another thread that claims the outcome.
     */
    public static final class RingHop implements AutoCloseable {
        private static final EventTranslatorOneArg<FrameEvent, RingHop> PUBLISH = (e, sequence, hop) -> arm(e, sequence, hop.now);

        private final List<FrameEvent> slots = new ArrayList<>();
        private final Disruptor<FrameEvent> disruptor;
        private final RingBuffer<FrameEvent> ring;
        private long now;

        public RingHop(int ringSize) {
            var lines = smallLine(8);
            disruptor = new Disruptor<>(() -> {
                FrameEvent e = new FrameEvent(lines, 64);
                slots.add(e);
                return e;
            }, ringSize, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new StageWaitStrategy());
            EventHandler<FrameEvent> consumer = (e, sequence, endOfBatch) -> e.claimOutcome();
            disruptor.handleEventsWith(consumer);
            ring = disruptor.start();
        }

        /** Publishes one frame captured at {@code nowNanos}; waits for a free slot when the consumer is behind. */
        public void hop(long nowNanos) {
            now = nowNanos;
            ring.publishEvent(PUBLISH, this);
        }

        @Override
        public void close() throws Exception {
            disruptor.shutdown(5, TimeUnit.SECONDS);
            slots.forEach(FrameEvent::close);
        }
    }

    /**
     * The station's handler topology over small slots: the inspection workers' hand-offs (stage work
     * left out) and the real decision handler recording outcomes behind them.
     */
    public static final class RingAndDecision implements AutoCloseable {
        private static final EventTranslator<FrameEvent> ARM = (e, sequence) -> arm(e, sequence, System.nanoTime());

        private final List<FrameEvent> slots = new ArrayList<>();
        private final Disruptor<FrameEvent> disruptor;
        private final RingBuffer<FrameEvent> ring;

        public RingAndDecision(int ringSize, int workers, float threshold, RejectSink sink) {
            var lines = smallLine(8);
            StageWaitStrategy waits = new StageWaitStrategy();
            disruptor = new Disruptor<>(() -> {
                FrameEvent e = new FrameEvent(lines, 64);
                slots.add(e);
                return e;
            }, ringSize, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, waits);
            @SuppressWarnings("unchecked")
            EventHandler<FrameEvent>[] pre = new EventHandler[workers];
            Sequence[] done = new Sequence[workers];
            for (int i = 0; i < workers; i++) {
                StageProgress progress = new StageProgress(waits);
                done[i] = progress.sequence();
                pre[i] = new StageWithoutWork(i, workers, progress);
            }
            DecisionHandler decision = new DecisionHandler(new LineThresholds(1, threshold), new OutcomeRecorder(1, sink),
                    new TrendStage(List.of(), sink, 1));
            disruptor.handleEventsWith(pre);
            disruptor.handleEventsWith(new BatchEventProcessorBuilder().build(disruptor.getRingBuffer(),
                    disruptor.getRingBuffer().newBarrier(done), decision));
            ring = disruptor.start();
        }

        /** Publishes one frame; waits for a free slot when the handlers are behind. */
        public void publish() {
            ring.publishEvent(ARM);
        }

        @Override
        public void close() throws Exception {
            disruptor.shutdown(10, TimeUnit.SECONDS);
            slots.forEach(FrameEvent::close);
        }
    }

    /** A stage's hand-offs without its work: marks its shard's frames and reports progress like the real handlers. */
    private static final class StageWithoutWork implements EventHandler<FrameEvent> {
        private final int shard;
        private final int shards;
        private final StageProgress progress;

        StageWithoutWork(int shard, int shards, StageProgress progress) {
            this.shard = shard;
            this.shards = shards;
            this.progress = progress;
        }

        @Override
        public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
            if (sequence % shards == shard) e.defectScore = (sequence & 1) == 0 ? 0.1f : 0.9f;
            if (endOfBatch) progress.advanceTo(sequence);
        }
    }
}
