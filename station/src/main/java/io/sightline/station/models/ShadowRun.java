package io.sightline.station.models;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import io.sightline.station.outcome.LineThresholds;
import io.sightline.natives.NativeBuffer;
import io.sightline.station.review.ReviewQueue;
import io.sightline.station.ring.ShadowTap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;

/**
 * A candidate model scoring the same frames as the live one, behind it, deciding nothing: per line,
 * how often the two agree and the confusion of their decisions, each at its own threshold.
 *
 * <pre>
 *   workers ─copies of every Nth scored frame─▶ ShadowTap (32 slots per worker; full = skipped)
 *   shadow thread: up to {@value #MAX_BATCH} frames ▸ the live line busy? (more than a quarter of
 *                  the ring waiting) ▸ dropped, skipped ▸ else one batch on the candidate ▸ live
 *                  decision (the line's threshold now) against the candidate's (its threshold) ▸
 *                  counts ▸ a disagreement: offered to the review queue (when the station has one)
 *                  as both models saw it ▸ sleeps as long as the batch ran (at most half a core)
 * </pre>
 *
 * <p>So the shadow never holds up a live decision: the workers only copy into a free slot, and the
 * shadow gives way (its frames are skipped, counted) whenever the line has a backlog. At the default
 * sample of every {@value #DEFAULT_SAMPLE_EVERY}th frame it costs about a quarter of the live
 * inference; {@code sample 1} scores every frame when the CPU allows.
 */
public final class ShadowRun implements AutoCloseable {
    public static final int DEFAULT_SAMPLE_EVERY = 4;
    /** The review queue's reason for a part the live model passed and the candidate would reject. */
    public static final String LIVE_PASS_CANDIDATE_REJECT = "shadow-live-pass-candidate-reject";
    /** The review queue's reason for a part the live model rejected and the candidate would pass. */
    public static final String LIVE_REJECT_CANDIDATE_PASS = "shadow-live-reject-candidate-pass";
    static final int MAX_BATCH = 16;

    /** One line's figures: frames both scored, agreements, and the 2x2 confusion (live x candidate, pass/reject). */
    public record LineFigures(int line, long scored, long agreed, long livePassCandidatePass, long livePassCandidateReject,
                              long liveRejectCandidatePass, long liveRejectCandidateReject) {
        /** Agreement rate; NaN before the first frame. */
        public double agreement() {
            return scored == 0 ? Double.NaN : (double) agreed / scored;
        }
    }

    /**
     * A run's figures: of the frames sampled, those the candidate scored, those skipped (its queue
     * was full, or the line had a backlog), and those queued for it now; of the disagreements, those
     * offered to the review queue and those it kept (both 0 without a review queue).
     */
    public record Figures(String candidate, float[] thresholds, int sampleEvery, long framesSampled, long framesScored,
                          long framesSkipped, long framesQueued, List<LineFigures> lines, boolean reviewing, long disagreementsOffered,
                          long disagreementsKept) {
        /** Agreement over every line; NaN before the first frame. */
        public double agreement() {
            long scored = 0;
            long agreed = 0;
            for (LineFigures l : lines) {
                scored += l.scored();
                agreed += l.agreed();
            }
            return scored == 0 ? Double.NaN : (double) agreed / scored;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("candidate", candidate);
            List<Double> t = new ArrayList<>();
            for (float f : thresholds) t.add((double) f);
            m.put("thresholds", t);
            m.put("sampleEvery", sampleEvery);
            m.put("framesSampled", framesSampled);
            m.put("framesScored", framesScored);
            m.put("framesSkipped", framesSkipped);
            m.put("framesQueued", framesQueued);
            Map<String, Object> review = new LinkedHashMap<>();
            review.put("saving", reviewing);
            review.put("offered", disagreementsOffered);
            review.put("kept", disagreementsKept);
            m.put("disagreementImages", review);
            m.put("agreement", Double.isNaN(agreement()) ? null : agreement());
            List<Map<String, Object>> ls = new ArrayList<>();
            for (LineFigures l : lines) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("line", l.line());
                x.put("scored", l.scored());
                x.put("agreement", Double.isNaN(l.agreement()) ? null : l.agreement());
                x.put("confusion", Map.of("livePassCandidatePass", l.livePassCandidatePass(), "livePassCandidateReject",
                        l.livePassCandidateReject(), "liveRejectCandidatePass", l.liveRejectCandidatePass(), "liveRejectCandidateReject",
                        l.liveRejectCandidateReject()));
                ls.add(x);
            }
            m.put("lines", ls);
            return m;
        }
    }

    private final ModelPackage candidate;
    private final String label;
    private final BatchClassifier classifier;
    private final ShadowTap tap;
    private final LineThresholds live;
    private final float[] thresholds;
    private final int sampleEvery;
    private final LongSupplier backlog;
    private final long maxBacklog;
    /** Per line: [live reject][candidate reject] counts, 4 per line. */
    private final AtomicLongArray confusion;
    private final int[] batchLines;
    private final float[] batchLiveScores;
    private final ReviewQueue review;
    private final Supplier<String> liveLabel;
    /** Per batch row: a copy of the model input, for the review queue (null without one). */
    private final NativeBuffer[] inputs;
    private final long[] batchParts;
    private volatile long reviewOffered;
    private volatile long reviewKept;
    private final long offeredAtStart;
    private final long skippedAtStart;
    private long droppedBusy;
    private volatile long dropped;
    private final Thread thread;
    private volatile boolean running = true;
    private int staged;

    /**
     * Starts the run; it owns {@code candidate} from here on.
     *
     * @param thresholds the candidate's threshold per line
     * @param backlog frames waiting in the ring now; above {@code maxBacklog} the shadow gives way
     * @param review where the parts the two models decide differently are offered (as the models saw
     *     them), with the live model's label from {@code liveLabel}; null: they are only counted
     */
    ShadowRun(ModelPackage candidate, String label, float[] thresholds, int sampleEvery, ShadowTap tap, LineThresholds live,
              LongSupplier backlog, long maxBacklog, ReviewQueue review, Supplier<String> liveLabel) throws InterruptedException {
        this.candidate = candidate;
        this.label = label;
        this.thresholds = thresholds.clone();
        this.sampleEvery = sampleEvery;
        this.tap = tap;
        this.live = live;
        this.backlog = backlog;
        this.maxBacklog = maxBacklog;
        this.confusion = new AtomicLongArray(4 * thresholds.length);
        this.batchLines = new int[MAX_BATCH];
        this.batchLiveScores = new float[MAX_BATCH];
        this.batchParts = new long[MAX_BATCH];
        this.review = review;
        this.liveLabel = liveLabel;
        this.classifier = candidate.newClassifier(MAX_BATCH);
        this.inputs = review == null ? null : new NativeBuffer[MAX_BATCH];
        try {
            if (inputs != null) for (int i = 0; i < MAX_BATCH; i++) inputs[i] = NativeBuffer.allocateFloats(classifier.floatsPerImage());
            for (int size : classifier.shapes()) {
                long t0 = System.nanoTime();
                classifier.run(size);
                TimeUnit.NANOSECONDS.sleep(System.nanoTime() - t0);
            }
        } catch (RuntimeException | InterruptedException e) {
            freeInputs();
            classifier.close();
            throw e;
        }
        tap.drain((line, part, score, tensor) -> { }, Integer.MAX_VALUE); // what an earlier run left queued
        this.offeredAtStart = tap.offered();
        this.skippedAtStart = tap.skipped();
        tap.start(sampleEvery);
        this.thread = new Thread(this::loop, "sightline-shadow");
        thread.setDaemon(true);
        thread.start();
    }

    private final ShadowTap.Sink stage = this::stage;

    private void stage(int line, long partId, float liveScore, Pointer tensor) {
        classifier.stage(staged, tensor);
        if (inputs != null) Pointer.memcpy(inputs[staged].floats(), tensor, (long) classifier.floatsPerImage() * Float.BYTES);
        batchLines[staged] = line;
        batchParts[staged] = partId;
        batchLiveScores[staged] = liveScore;
        staged++;
    }

    private void loop() {
        try {
            while (running) {
                staged = 0;
                tap.drain(stage, MAX_BATCH);
                if (staged == 0) {
                    Thread.sleep(1);
                    continue;
                }
                if (backlog.getAsLong() > maxBacklog) { // the line comes first
                    droppedBusy += staged;
                    dropped = droppedBusy;
                    Thread.sleep(1);
                    continue;
                }
                long t0 = System.nanoTime();
                classifier.run(staged);
                for (int i = 0; i < staged; i++) {
                    int line = batchLines[i];
                    if (line < 0 || line >= thresholds.length) continue;
                    boolean liveReject = live.decide(line, batchLiveScores[i]).isReject();
                    boolean candidateReject = classifier.defectScore(i) >= thresholds[line];
                    confusion.incrementAndGet(4 * line + (liveReject ? 2 : 0) + (candidateReject ? 1 : 0));
                    if (review != null && liveReject != candidateReject) offerForReview(i, line, liveReject);
                }
                TimeUnit.NANOSECONDS.sleep(System.nanoTime() - t0); // at most half a core
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ShadowRun.class).error("shadow run of {} stopped: {}", label, e.toString());
        }
    }

    /** A disagreement to the review queue, as both models saw the part. */
    private void offerForReview(int row, int line, boolean liveReject) {
        reviewOffered++;
        if (review.offerModelInput(line, liveReject ? LIVE_REJECT_CANDIDATE_PASS : LIVE_PASS_CANDIDATE_REJECT, inputs[row].floats(),
                liveLabel.get(), batchLiveScores[row], live.value(line), label, classifier.defectScore(row), thresholds[line],
                batchParts[row])) {
            reviewKept++;
        }
    }

    private void freeInputs() {
        if (inputs == null) return;
        for (NativeBuffer b : inputs) if (b != null) b.close();
    }

    public String label() {
        return label;
    }

    /** The figures so far. */
    public Figures figures() {
        List<LineFigures> lines = new ArrayList<>();
        long scored = 0;
        for (int line = 0; line < thresholds.length; line++) {
            long pp = confusion.get(4 * line);
            long pr = confusion.get(4 * line + 1);
            long rp = confusion.get(4 * line + 2);
            long rr = confusion.get(4 * line + 3);
            lines.add(new LineFigures(line, pp + pr + rp + rr, pp + rr, pp, pr, rp, rr));
            scored += pp + pr + rp + rr;
        }
        long skipped = tap.skipped() - skippedAtStart + dropped;
        long offered = tap.offered() - offeredAtStart;
        return new Figures(label, thresholds, sampleEvery, offered, scored, skipped, Math.max(0, offered - scored - skipped), lines,
                review != null, reviewOffered, reviewKept);
    }

    /** Stops the run and frees the candidate. */
    @Override
    public void close() {
        tap.stop();
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) freeInputs(); // else still running: left to the process, as the classifier's session would be
        classifier.close();
        candidate.close();
    }
}
