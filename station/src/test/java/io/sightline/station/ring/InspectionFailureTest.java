package io.sightline.station.ring;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.telemetry.StageTimes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * A model whose session run fails for some inputs fails the whole batch they are in; the worker must
 * still decide the batch's other frames on their merits, and go on with the next batch. The model
 * is a real TensorFlow SavedModel: its score is the image's mean, and a {@code CheckNumerics} makes
 * the run fail when a frame's top-left corner is white.
 */
class InspectionFailureTest {
    static final int W = 640;
    static final int H = 512;
    static final int BATCH = 4;

    @TempDir
    static Path tmp;
    static ModelPackage model;
    static LineSetup line;

    @BeforeAll
    static void writeModel() {
        Natives.tensorflow();
        Path dir = tmp.resolve("throwing");
        ModelInfo info = ModelInfo.of("throws-on-white-corner", "1", List.of("ok", "defect"), 128, 128, 1, 0.4f, 0.25f);
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 128, 128, 1)));
            Operand<TFloat32> mean = tf.math.mean(image, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> probs = tf.nn.softmax(tf.concat(List.of(mean, tf.math.neg(mean)), tf.constant(1)));
            Operand<TFloat32> corner = tf.slice(image, tf.constant(new int[] {0, 0, 0, 0}), tf.constant(new int[] {-1, 8, 8, -1}));
            Operand<TBool> white = tf.math.greater(tf.reduceMin(corner, tf.constant(new int[] {1, 2, 3})), tf.constant(2.3f));
            Operand<TFloat32> out = tf.debugging.checkNumerics(
                    tf.select(tf.expandDims(white, tf.constant(1)), tf.constant(Float.NaN), probs), "a white corner");
            SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(
                    Signature.builder().key(Signature.DEFAULT_KEY).input("image", image).output("probs", out).build(), s)).export();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        info.write(dir.resolve(ModelInfo.FILE_NAME));
        model = ModelPackage.load(dir, 1);
        int[] roi = SyntheticPartCamera.defaultRoi(W, H);
        line = new LineSetup(W, H, new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], 128, 128, 0.4f, 0.25f));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private long sequence;

    /** Runs one batch of frames through the worker; {@code marked[i]}: frame i has a white corner. */
    private List<FrameEvent> batch(InspectionHandler worker, boolean... marked) {
        List<FrameEvent> frames = new ArrayList<>();
        int[] roi = SyntheticPartCamera.defaultRoi(W, H);
        for (int i = 0; i < marked.length; i++) {
            FrameEvent e = new FrameEvent(List.of(line), 128 * 128);
            e.arm(sequence);
            e.line = 0;
            e.captureNanos = System.nanoTime();
            BytePointer px = e.pixels.bytes();
            Pointer.memset(px, 60 + 20 * i, (long) W * H);
            if (marked[i]) {
                for (int y = roi[1]; y < roi[1] + 64; y++) {
                    Pointer.memset(new BytePointer(px).position((long) y * W + roi[0]), 255, 64);
                }
            }
            worker.onEvent(e, sequence++, false); // the batch runs when it is full
            frames.add(e);
        }
        return frames;
    }

    private static void assertOnlyMarkedFail(List<FrameEvent> frames, boolean... marked) {
        for (int i = 0; i < frames.size(); i++) {
            FrameEvent e = frames.get(i);
            if (marked[i]) {
                assertEquals(FrameEvent.STATUS_ERROR, e.status, "frame " + i + " made the run fail: an error");
            } else {
                assertEquals(FrameEvent.STATUS_OK, e.status, "frame " + i + " did not make the run fail: decided on its merits");
                assertFalse(Float.isNaN(e.defectScore), "frame " + i + " has its score");
            }
        }
    }

    @Test
    void aFrameThatFailsItsBatchIsTheOnlyErrorAndTheWorkerGoesOn() {
        InspectionHandler worker = new InspectionHandler(0, 1, List.of(line), model.newClassifier(BATCH),
                new StageProgress(new StageWaitStrategy()), new StageTimes(1, BATCH).worker(0));
        List<FrameEvent> all = new ArrayList<>();
        try {
            List<FrameEvent> good = batch(worker, false, false, false, false);
            all.addAll(good);
            assertOnlyMarkedFail(good, false, false, false, false);
            float[] scores = new float[BATCH];
            for (int i = 0; i < BATCH; i++) scores[i] = good.get(i).defectScore;

            boolean[] oneBad = {false, false, true, false};
            List<FrameEvent> mixed = batch(worker, oneBad);
            all.addAll(mixed);
            assertOnlyMarkedFail(mixed, oneBad);
            for (int i : new int[] {0, 1, 3}) {
                assertEquals(scores[i], mixed.get(i).defectScore, 1e-6f, "frame " + i + " scored alone as in a batch");
            }

            List<FrameEvent> after = batch(worker, false, false, false, false);
            all.addAll(after);
            assertOnlyMarkedFail(after, false, false, false, false);

            // two bad frames together are no evidence against the model: still searched
            boolean[] twoBad = {true, false, true, false};
            List<FrameEvent> pair = batch(worker, twoBad);
            all.addAll(pair);
            assertOnlyMarkedFail(pair, twoBad);
            // eight frames in a row fail alone: the model is failing, later failed batches are not searched...
            boolean[] allBad = {true, true, true, true};
            all.addAll(batch(worker, allBad));
            all.addAll(batch(worker, allBad));
            List<FrameEvent> unsearched = batch(worker, oneBad);
            all.addAll(unsearched);
            for (FrameEvent e : unsearched) assertEquals(FrameEvent.STATUS_ERROR, e.status, "a failing model's batch is all errors");
            // ...until a batch runs again
            all.addAll(batch(worker, false, false, false, false));
            List<FrameEvent> searched = batch(worker, oneBad);
            all.addAll(searched);
            assertOnlyMarkedFail(searched, oneBad);
        } finally {
            worker.close();
            all.forEach(FrameEvent::close);
        }
    }
}
