package io.sightline.bench;

import io.sightline.capture.CaptureException;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.ReplaySource;
import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Preprocessor;
import io.sightline.station.StationConfig;
import io.sightline.station.ring.StageProbes;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * The "ideal" rival of the end-to-end benchmark: what each stage of the station costs per frame
 * when it runs alone, in CPU time of the whole process (TensorFlow's own threads included), on
 * the same frames, model and settings as the pipeline run. The ideal rate is the machine's cores
 * divided by the sum: a pipeline that kept every core busy with nothing but stage work, and paid
 * nothing for handing frames between threads, would reach it.
 *
 * <ul>
 *   <li>capture: take a recorded frame; the station hands a replay's frames to the ring in their
 *       own buffers ({@code FrameSource.stablePixels}), so no copy is counted;</li>
 *   <li>preprocess: ROI, resize, normalise into the slot's tensor ({@link Preprocessor});</li>
 *   <li>inference: stage and run full batches of {@code maxBatch} (the cheapest per frame the
 *       station can get; at lower load it runs smaller, dearer batches);</li>
 *   <li>ring + decision: the station's ring and handler chain (the inspection workers, then the
 *       decision) with the workers' work left out, and the real decision handler recording outcomes.</li>
 * </ul>
 *
 * <p>The ring + decision figure drives the station's own slots and decision handler through
 * {@link StageProbes.RingAndDecision}.
 */
public final class StageCosts {
    /** One stage: CPU microseconds per frame and how many frames the figure rests on. */
    public record Cost(String stage, double cpuMicrosPerFrame, long frames) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private StageCosts() {}

    /**
     * @param replay the frames the pipeline run uses (one line's worth is enough)
     * @param roi the ROI {x, y, w, h} the pipeline run uses
     * @param seconds measuring time per stage (after a warm-up of a third of it)
     */
    public static List<Cost> measure(ModelPackage model, ReplaySource replay, int[] roi, StationConfig config,
                                     double seconds) throws Exception {
        var info = model.info();
        PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], info.inputWidth(), info.inputHeight(),
                info.normMean(), info.normStd());
        List<Cost> costs = new ArrayList<>();
        int frameBytes = replay.maxWidth() * replay.maxHeight();
        int slotsUsed = Math.min(16, replay.length());
        List<NativeBuffer> slots = new ArrayList<>();
        List<Preprocessor.View> views = new ArrayList<>();
        try (NativeBuffer tensor = NativeBuffer.allocateFloats(info.floatsPerImage());
             Preprocessor.FloatView tensorView = new Preprocessor.FloatView(spec, tensor.floats());
             Preprocessor preprocessor = new Preprocessor(spec);
             BatchClassifier classifier = model.newClassifier(config.maxBatch())) {
            for (int i = 0; i < slotsUsed; i++) {
                NativeBuffer slot = NativeBuffer.allocate(frameBytes);
                slots.add(slot);
                CapturedFrame f = replay.grab();
                Pointer.memcpy(slot.bytes(), f.pixels(), f.sizeBytes());
                views.add(new Preprocessor.View(spec, slot.bytes(), f.width(), f.height(), f.stride()));
            }

            int[] next = {0};
            costs.add(time("capture", seconds, 1, () -> grab(replay)));
            costs.add(time("preprocess", seconds, 1, () -> {
                preprocessor.process(views.get(next[0]), tensorView);
                next[0] = (next[0] + 1) % slotsUsed;
            }));
            int batch = config.maxBatch();
            costs.add(time("inference (batch " + batch + ")", seconds, batch, () -> {
                for (int i = 0; i < batch; i++) classifier.stage(i, tensor.floats());
                classifier.run(batch);
            }));
            costs.add(ringAndDecision(config, seconds));
        } finally {
            views.forEach(Preprocessor.View::close);
            slots.forEach(NativeBuffer::close);
        }
        return costs;
    }

    /** cores / sum of the per-frame costs. */
    public static double idealFps(List<Cost> costs, int cores) {
        double micros = 0;
        for (Cost c : costs) micros += c.cpuMicrosPerFrame();
        return micros <= 0 ? 0 : cores * 1e6 / micros;
    }

    private static CapturedFrame grab(ReplaySource replay) {
        try {
            return replay.grab();
        } catch (CaptureException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Cost time(String stage, double seconds, int framesPerCall, Runnable call) {
        long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() - warmUntil < 0) call.run();
        long calls = 0;
        long cpu0 = OS.getProcessCpuTime();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() - end < 0) {
            call.run();
            calls++;
        }
        long cpu = OS.getProcessCpuTime() - cpu0;
        long frames = calls * framesPerCall;
        return new Cost(stage, cpu / 1e3 / frames, frames);
    }

    /** The station's handler topology over small slots, stage work left out, the decision handler real. */
    private static Cost ringAndDecision(StationConfig config, double seconds) throws Exception {
        try (StageProbes.RingAndDecision ring = new StageProbes.RingAndDecision(config.ringSize(), config.workers(),
                config.rejectThreshold(), new CountingSink())) {
            return time("ring + decision", seconds, 1, ring::publish);
        }
    }
}
