package io.sightline.station.models;

import io.sightline.inference.InferenceDevice;
import io.sightline.inference.ModelException;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.PackageSignature;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.station.outcome.LineThresholds;
import io.sightline.station.outcome.OutcomeRecorder;
import io.sightline.station.ring.LiveModel;
import io.sightline.station.ring.ShadowTap;
import java.util.function.LongSupplier;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches a running station's model: the one way a new version goes live, whoever asks (the
 * dashboard's {@code POST /api/models/live}, SIGHUP with a changed {@code model}, the store's
 * live pointer), and {@link #rollback} to the version before.
 *
 * <pre>
 *   swap(dir, who):  signature (when model-signers are set) ▸ load (digests checked) ▸ input equals
 *                    the live model's (size, channels, normalisation: what the lines' preprocessing
 *                    writes), and so do its class count and defect map (what the buffers are sized for) ▸ warm-up beside the live model ▸ "model" change journaled with who
 *                    asked ▸ published: each worker takes it at its next batch boundary ▸ the old
 *                    version is freed once the last worker left it (waited for here)
 * </pre>
 *
 * <p>Any failure before the publication is a {@link Refused} naming the package and why, and the
 * live model keeps running untouched. Swaps are serialised.
 */
public final class ModelSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwitch.class);
    /** How long a swap waits for every worker to leave the old version (they check every millisecond). */
    static final long RELEASE_TIMEOUT_MILLIS = 10_000;

    /** A model the station will not run: the old one keeps running. */
    public static final class Refused extends IllegalArgumentException {
        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the station runs now. */
    public record Live(Path dir, ModelVersion version, String label) {}

    private final LiveModel live;
    private final OutcomeRecorder recorder;
    private final DecisionJournal journal;
    private final int intraOpThreads;
    private final InferenceDevice device;
    private final Deque<Path> previous = new ArrayDeque<>();
    private volatile List<Path> signers = List.of();
    private volatile ModelStore store;
    private ShadowTap shadowTap;
    private LineThresholds lineThresholds;
    private LongSupplier backlog;
    private long maxBacklog;
    private volatile ShadowRun shadow;
    private volatile io.sightline.station.review.ReviewQueue review;
    /** The running shadow's store version and identity, when its candidate is one of the store's (null: no record is kept). */
    private volatile String shadowStoreId;
    private volatile ModelVersion shadowVersion;
    private volatile java.time.Instant shadowStarted;
    private volatile Path liveDir;
    private volatile ModelVersion liveVersion;
    private ModelInfo liveInfo;
    private final boolean liveHasMap;
    private volatile boolean running = true;
    private long swaps;
    private long rollbacks;
    private long refused;

    /**
     * @param first the package the station started with (the live model's first version)
     * @param journal where swaps and outcomes are recorded; null: nowhere
     */
    public ModelSwitch(LiveModel live, ModelPackage first, OutcomeRecorder recorder, DecisionJournal journal, int intraOpThreads) {
        this.live = live;
        this.recorder = recorder;
        this.journal = journal;
        this.intraOpThreads = intraOpThreads;
        this.device = first.device();
        this.liveDir = first.dir();
        this.liveInfo = first.info();
        this.liveHasMap = first.hasDefectMap();
        this.liveVersion = ModelVersion.of(first.dir(), first.info());
        if (journal != null) recorder.setLiveModel(journal.registerModel(live.current().label()));
    }

    /** The public keys one of which must have signed a model before it is loaded (the config's {@code model-signers}). */
    public void requireSigners(List<Path> trusted) {
        this.signers = List.copyOf(trusted);
    }

    /**
     * The station's first package is this switch's to close once swapped out (its opener's close
     * later is harmless): so every version's native memory goes as soon as no worker uses it.
     */
    public void ownFirstPackage() {
        live.ownFirst();
    }

    /** The store whose version names {@link #resolve} accepts; null: none. */
    public void useStore(ModelStore store) {
        this.store = store;
    }

    public ModelStore store() {
        return store;
    }

    /**
     * The package a request names: a version of the station's model store (when it has one), else a
     * package folder.
     */
    public Path resolve(String ref) {
        ModelStore s = store;
        if (s != null && !ref.contains("/") && java.nio.file.Files.isDirectory(s.dir().resolve(ref))) return s.versionDir(ref);
        return Path.of(ref);
    }

    /**
     * Where shadow runs take their frames and the live decisions' thresholds (the station calls it once).
     *
     * @param backlog frames waiting in the ring; above {@code maxBacklog} a shadow gives way
     */
    public synchronized void attachShadow(ShadowTap tap, LineThresholds thresholds, LongSupplier backlog, long maxBacklog) {
        this.shadowTap = tap;
        this.lineThresholds = thresholds;
        this.backlog = backlog;
        this.maxBacklog = maxBacklog;
    }

    /**
     * Shadow runs offer the parts their candidate decides otherwise than the live model to {@code queue}
     * (from the next run on); without it they only count them.
     */
    public void reviewDisagreementsInto(io.sightline.station.review.ReviewQueue queue) {
        this.review = queue;
    }

    /**
     * Starts a shadow run of the package in {@code dir} (see {@link ShadowRun}), replacing the one
     * running; checked as a swap is (signature, digests, input), journaled as a {@code model.shadow}
     * change.
     *
     * @param threshold the candidate's threshold on every line; null: each line's live threshold now
     * @param sampleEvery score every n-th frame each worker scores (1: all, when the CPU allows)
     * @throws Refused naming the package and why
     */
    public synchronized ShadowRun startShadow(Path dir, Float threshold, int sampleEvery, String requestedBy)
            throws InterruptedException {
        if (shadowTap == null) throw new IllegalStateException("this station has no shadow tap");
        if (!running) throw new Refused("shadow " + dir + ": the station has stopped", null);
        if (sampleEvery < 1 || sampleEvery > 1000) throw new IllegalArgumentException("sample: expected 1 to 1000, got " + sampleEvery);
        if (threshold != null && !(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold: expected a score in (0, 1], got " + threshold);
        }
        ModelPackage pkg = loadChecked(dir);
        float[] t = lineThresholds.values();
        if (threshold != null) java.util.Arrays.fill(t, threshold);
        ModelVersion version = ModelVersion.of(dir, pkg.info());
        String label = version.label();
        stopShadow(null);
        ShadowRun run;
        try {
            run = new ShadowRun(pkg, label, t, sampleEvery, shadowTap, lineThresholds, backlog, maxBacklog, review,
                    () -> live.current().label());
        } catch (RuntimeException e) {
            pkg.close();
            throw refuse(dir, "the shadow could not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            pkg.close();
            throw e;
        }
        if (journal != null) {
            try {
                journal.appendChange("model.shadow", null, label + " (" + dir + "), every " + sampleEvery + ". frame, thresholds "
                        + java.util.Arrays.toString(t), requestedBy);
            } catch (DecisionJournal.JournalException e) {
                LOG.warn("shadow run of {}: not journaled: {}", label, e.getMessage());
            }
        }
        shadowVersion = version;
        shadowStarted = java.time.Instant.now();
        shadowStoreId = storeId(dir);
        shadow = run;
        recordShadow();
        LOG.info("shadow run of {} started by {} (every {}. frame, thresholds {}; {})", label, requestedBy, sampleEvery, java.util.Arrays.toString(t),
                review == null ? "disagreements counted, not saved: the station has no review queue"
                        : "disagreements saved to the review queue " + review.settings().dir());
        return run;
    }

    /** Stops the shadow run, if any; returns its last figures (null without one). */
    public synchronized ShadowRun.Figures stopShadow(String requestedBy) {
        ShadowRun run = shadow;
        if (run == null) return null;
        shadow = null;
        run.close();
        ShadowRun.Figures f = run.figures();
        writeShadowRecord(f, false);
        shadowStoreId = null;
        if (requestedBy != null && journal != null) {
            try {
                journal.appendChange("model.shadow", run.label(), null, requestedBy);
            } catch (DecisionJournal.JournalException e) {
                LOG.warn("shadow run of {}: its end not journaled: {}", run.label(), e.getMessage());
            }
        }
        return f;
    }

    /**
     * Writes the running shadow's figures into the store as its candidate's record (see
     * {@link ModelStore#writeShadow}), when the candidate is a store version; the {@link StoreWatch}
     * calls it every few seconds, and a run writes its last figures when it stops (serialised with
     * that: a record of a running shadow never lands after its last one).
     */
    public synchronized void recordShadow() {
        ShadowRun run = shadow;
        if (run != null) writeShadowRecord(run.figures(), true);
    }

    private void writeShadowRecord(ShadowRun.Figures f, boolean running) {
        ModelStore s = store;
        String id = shadowStoreId;
        if (s == null || id == null) return;
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("version", id);
        m.put("sha256", shadowVersion.contentHash());
        m.put("candidate", f.candidate());
        m.put("live", live.current().label());
        m.put("started", shadowStarted.toString());
        m.put("updated", java.time.Instant.now().toString());
        m.put("running", running);
        m.put("figures", f.toMap());
        try {
            s.writeShadow(id, m);
        } catch (IllegalArgumentException e) {
            LOG.warn("shadow run of {}: its figures not recorded in the store: {}", f.candidate(), e.getMessage());
        }
    }

    /** The store version {@code dir} is, or null when it is not in the station's store. */
    private String storeId(Path dir) {
        ModelStore s = store;
        if (s == null) return null;
        Path parent = dir.toAbsolutePath().normalize().getParent();
        return parent != null && parent.equals(s.dir().toAbsolutePath().normalize()) ? dir.getFileName().toString() : null;
    }

    /** The running shadow's figures, or null. */
    public ShadowRun.Figures shadow() {
        ShadowRun run = shadow;
        return run == null ? null : run.figures();
    }

    /** A stopped station takes no new model, and its shadow stops. */
    public void stopped() {
        running = false;
        stopShadow(null);
    }

    public Live live() {
        return new Live(liveDir, liveVersion, live.current().label());
    }

    public synchronized long swaps() {
        return swaps;
    }

    public synchronized long rollbacks() {
        return rollbacks;
    }

    public synchronized long refused() {
        return refused;
    }

    /**
     * Makes the package in {@code dir} the live model; returns a one-line description.
     *
     * @param requestedBy who asked, for the journal and the log
     * @throws Refused naming the package and why it is not run (the live model keeps running)
     */
    public synchronized String swap(Path dir, String requestedBy) throws InterruptedException {
        return switchTo(dir, requestedBy, "model");
    }

    /**
     * Returns to the version that was live before the last swap, the same way a swap goes.
     *
     * @throws Refused when there is none, or it cannot be loaded any more
     */
    public synchronized String rollback(String requestedBy) throws InterruptedException {
        Path back = previous.peek();
        if (back == null) {
            refused++;
            throw new Refused("rollback: no earlier model version to return to (the station has run " + liveVersion.label() + " since it started)",
                    null);
        }
        int before = previous.size();
        String result = switchTo(back, requestedBy + " (rollback)", "model");
        if (previous.size() > before) previous.pop(); // the version left now is no rollback target: twice goes further back
        previous.pop();
        rollbacks++;
        return result;
    }

    private String switchTo(Path dir, String requestedBy, String setting) throws InterruptedException {
        if (!running) {
            refused++;
            throw new Refused("model " + dir + ": the station has stopped; it takes no new model", null);
        }
        long t0 = System.nanoTime();
        ModelPackage pkg = loadChecked(dir);
        ModelInfo next = pkg.info();
        ModelVersion version = ModelVersion.of(dir, next);
        String label = version.label();
        String before = live.current().label();
        if (label.equals(before)) {
            pkg.close();
            return "model unchanged (" + label + " is live)";
        }
        int journalId = journal == null ? 0 : journal.registerModel(label);
        long t1 = System.nanoTime();
        LiveModel.Generation ready;
        try {
            ready = backlog == null ? live.prepare(pkg, label, journalId) // closes pkg on failure
                    : live.prepare(pkg, label, journalId, backlog, maxBacklog);
        } catch (IllegalStateException e) {
            throw refuse(dir, e.getMessage(), e);
        }
        if (journal != null) {
            try {
                journal.appendChange(setting, before, label + " (" + dir + ")", requestedBy);
            } catch (DecisionJournal.JournalException e) {
                LiveModel.discard(ready);
                throw refuse(dir, "the change cannot be journaled: " + e.getMessage(), e);
            }
        }
        long t2 = System.nanoTime();
        LiveModel.Generation old = live.publish(ready);
        recorder.setLiveModel(journalId);
        io.sightline.station.review.ReviewQueue queue = review;
        if (queue != null) queue.setLiveModel(label);
        previous.push(liveDir);
        liveDir = dir;
        liveInfo = next;
        liveVersion = version;
        swaps++;
        boolean freed = live.awaitAndFree(old, RELEASE_TIMEOUT_MILLIS);
        String what = "model " + before + " -> " + label;
        if (!freed) LOG.warn("{}: a worker has not left the old version after {} ms; it is freed when it does", what, RELEASE_TIMEOUT_MILLIS);
        LOG.info("model changed by {}: {} ({}; loaded in {} ms, warmed up in {} ms, taken over in {} ms)", requestedBy, what, dir,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        return what;
    }

    /** The package in {@code dir}, loaded after its signature (when required) and digests, with the live model's input. */
    private ModelPackage loadChecked(Path dir) {
        ModelPackage pkg;
        try {
            if (!signers.isEmpty()) PackageSignature.verify(dir, signers);
            pkg = ModelPackage.load(dir, intraOpThreads, device);
        } catch (ModelException | IllegalArgumentException e) {
            throw refuse(dir, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw refuse(dir, "it cannot be loaded: " + e, e);
        }
        String mismatch = inputMismatch(liveInfo, pkg.info());
        if (mismatch == null && (pkg.info().numClasses() != liveInfo.numClasses() || pkg.hasDefectMap() != liveHasMap)) {
            mismatch = "it has " + pkg.info().numClasses() + " classes " + (pkg.hasDefectMap() ? "and" : "but no") + " defect map, the live model "
                    + liveInfo.numClasses() + (liveHasMap ? " and one" : " and none") + " (what the inspection API's buffers are sized "
                    + "for); such a model needs a restart";
        }
        if (mismatch != null) {
            pkg.close();
            throw refuse(dir, mismatch, null);
        }
        return pkg;
    }

    private Refused refuse(Path dir, String why, Throwable cause) {
        refused++;
        String message = why.contains(dir.toString()) ? why : "model " + dir + ": " + why;
        LOG.error("model swap refused, {} keeps running: {}", live.current().label(), message);
        return new Refused(message + "; " + live.current().label() + " keeps running", cause);
    }

    /** Why {@code next} cannot read what the lines' preprocessing writes for {@code current}, or null. */
    static String inputMismatch(ModelInfo current, ModelInfo next) {
        if (next.inputWidth() == current.inputWidth() && next.inputHeight() == current.inputHeight()
                && next.inputChannels() == current.inputChannels() && next.normMean() == current.normMean()
                && next.normStd() == current.normStd()) {
            return null;
        }
        return "its input is " + describe(next) + " but the cameras' preprocessing writes " + describe(current)
                + " (the live model's input); a model with another input needs a restart";
    }

    private static String describe(ModelInfo m) {
        return m.inputWidth() + "x" + m.inputHeight() + "x" + m.inputChannels() + " normalised (x-" + m.normMean() + ")/" + m.normStd();
    }
}
