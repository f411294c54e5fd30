package io.sightline.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import io.sightline.capture.CapturedFrame;
import io.sightline.capture.ReplaySource;
import io.sightline.inference.InferenceDevice;
import io.sightline.inference.InferencePrecision;
import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.postprocess.DecisionPolicy;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.TriggerSchedule;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The rival an ordinary Java developer would write: one producer thread per camera on the same
 * open-loop schedule copies each frame into a new {@code byte[]} and submits a task to a fixed
 * thread pool (one thread per core) over an {@link ArrayBlockingQueue} as deep as the station's
 * ring; each task builds its OpenCV {@code Mat}s, crops, resizes and normalises, makes a tensor and
 * makes one {@code session.run} for its one frame. Same model (its own SavedModel session with the
 * default options), same input, same threshold and reject deadline; a full queue or a missed
 * deadline is a fail-safe reject, exactly as in the station.
 */
final class NaiveContender implements Contender {
    private final SavedModelBundle bundle;
    private final Session session;
    private final String inputName;
    private final String outputName;
    private final ModelInfo info;
    private final List<ReplaySource> replays;
    private final PreprocessSpec spec;
    private final DecisionPolicy policy;
    private final int threads;
    private final int queueCapacity;
    private final long deadlineNanos;

    NaiveContender(Path modelDir, ModelInfo info, List<ReplaySource> replays, int[] roi, float threshold,
                   int threads, int queueCapacity, long rejectDelayMillis, InferenceDevice device) {
        // TensorFlow's default session options, but the same arithmetic as the station (bf16 rewrites the graph)
        org.tensorflow.proto.ConfigProto config = device.precision() == InferencePrecision.FP32 ? null
                : device.sessionConfig(0);
        this.bundle = config == null ? SavedModelBundle.load(modelDir.toString(), SavedModelBundle.DEFAULT_TAG)
                : SavedModelBundle.loader(modelDir.toString()).withTags(SavedModelBundle.DEFAULT_TAG).withConfigProto(config).load();
        this.session = bundle.session();
        Signature signature = bundle.function(Signature.DEFAULT_KEY).signature();
        this.inputName = signature.getInputs().get(InspectionCnn.INPUT_NAME).name;
        this.outputName = signature.getOutputs().get(InspectionCnn.OUTPUT_NAME).name;
        this.info = info;
        this.replays = replays;
        this.spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], info.inputWidth(), info.inputHeight(),
                info.normMean(), info.normStd());
        this.policy = new DecisionPolicy(threshold);
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(rejectDelayMillis);
    }

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public StepResult runStep(double offeredFps, double seconds) throws Exception {
        ContenderStep step = new ContenderStep();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity));
        pool.prestartAllCoreThreads();
        double perLine = offeredFps / replays.size();
        long framesPerLine = Math.max(1, Math.round(perLine * seconds));
        List<Thread> producers = new ArrayList<>();
        long cpu0 = CpuTime.processNanos();
        long t0 = System.nanoTime();
        for (int line = 0; line < replays.size(); line++) {
            ReplaySource replay = replays.get(line);
            Thread t = new Thread(() -> produce(replay, perLine, framesPerLine, pool, step), "naive-camera-" + line);
            producers.add(t);
            t.start();
        }
        for (Thread t : producers) t.join();
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        long wall = System.nanoTime() - t0;
        long cpu = CpuTime.processNanos() - cpu0;

        return step.result(name(), offeredFps, wall, cpu, 1.0, new long[] {0, step.decided.get()});
    }

    private void produce(ReplaySource replay, double fps, long frames, ThreadPoolExecutor pool, ContenderStep step) {
        TriggerSchedule schedule = new TriggerSchedule(TriggerSchedule.Clock.SYSTEM, fps, TriggerSchedule.Overrun.CATCH_UP);
        try {
            for (long i = 0; i < frames; i++) {
                long due = schedule.awaitNext();
                CapturedFrame frame = replay.grab();
                byte[] pixels = new byte[(int) frame.sizeBytes()];
                frame.pixels().get(pixels);
                int width = frame.width();
                int height = frame.height();
                step.captured.incrementAndGet();
                try {
                    pool.execute(() -> inspect(pixels, width, height, due, step));
                } catch (RejectedExecutionException full) {
                    step.queueFull.incrementAndGet();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("naive producer failed: " + e.getMessage(), e);
        } finally {
            step.lateArrivals.addAndGet(schedule.lateTriggers());
        }
    }

    /** One frame, the ordinary way: new Mats, a new tensor, one session run. */
    private void inspect(byte[] pixels, int width, int height, long dueNanos, ContenderStep step) {
        float score;
        try (Mat frame = new Mat(height, width, CV_8UC1);
             Rect rect = new Rect(spec.roiX(), spec.roiY(), spec.roiWidth(), spec.roiHeight());
             Mat roi = new Mat(frame, rect);
             Mat resized = new Mat();
             Mat normalised = new Mat();
             Size size = new Size(spec.inputWidth(), spec.inputHeight())) {
            frame.data().put(pixels);
            opencv_imgproc.resize(roi, resized, size, 0, 0, opencv_imgproc.INTER_AREA);
            // value = (pixel / 255 - mean) / std
            resized.convertTo(normalised, CV_32FC1, 1.0 / (255.0 * info.normStd()), -info.normMean() / info.normStd());
            float[] input = new float[spec.floatsPerImage()];
            ((FloatBuffer) normalised.createBuffer()).get(input);
            Shape shape = Shape.of(1, info.inputHeight(), info.inputWidth(), info.inputChannels());
            try (TFloat32 tensor = TFloat32.tensorOf(shape, DataBuffers.of(input, true, false));
                 Result result = session.runner().feed(inputName, tensor).fetch(outputName).run()) {
                TFloat32 probs = (TFloat32) result.get(0);
                score = 1f - probs.getFloat(0, info.okIndex());
            }
        } catch (RuntimeException e) {
            step.errors.incrementAndGet();
            step.decided.incrementAndGet();
            return;
        }
        long now = System.nanoTime();
        step.latency(dueNanos, now);
        if (now - dueNanos > deadlineNanos) {
            step.late.incrementAndGet();
        } else {
            policy.decide(score);
        }
        step.decided.incrementAndGet();
    }

    @Override
    public void close() {
        bundle.close();
    }
}
