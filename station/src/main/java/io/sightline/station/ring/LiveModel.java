package io.sightline.station.ring;

import io.sightline.inference.BatchClassifier;
import io.sightline.inference.ModelPackage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model the inspection workers run, and how a new one takes over while frames flow.
 *
 * <pre>
 *  prepare(pkg)   in the caller's thread, beside the running one: one classifier per worker, every
 *                 batch shape run once on the session (paced: it sleeps 3x as long as it ran, and waits
 *                 while the line has a backlog, so a line near its capacity keeps the CPU it needs); a
 *                 failure closes them and the package
 *  publish(gen)   one volatile write; each worker picks it up at its next batch boundary (nothing
 *                 staged: before it stages a frame, or on its 1 ms idle tick), so a batch is never
 *                 split over two models and no frame waits for the swap
 *  leave          a worker that moved on only counts itself out (nothing is freed on its thread);
 *  free           the swapping thread, woken when the last worker left, closes the old version's
 *                 classifiers and package (its TensorFlow session and graph): {@link #freeRetired}
 * </pre>
 *
 * <p>Every frame is scored by exactly one version, whose journal id the worker writes into the
 * frame ({@link FrameEvent#model}), so each outcome is journaled with the model that decided it.
 */
public final class LiveModel implements AutoCloseable {
    /** One model version: its package, one classifier per worker, and the workers still on it. */
    public static final class Generation {
        private final ModelPackage pkg;
        private final String label;
        /** Name, version and model.json SHA-256, as the inspection API reports the model that scored a request. */
        private final java.util.Map<String, String> identity;
        private final int journalId;
        private final BatchClassifier[] classifiers;
        private final AtomicInteger users;
        private final CountDownLatch left = new CountDownLatch(1);
        private volatile boolean freed;
        /** Whether leaving this version closes its package (false: its opener closes it). */
        private volatile boolean ownsPackage;

        private Generation(ModelPackage pkg, String label, int journalId, BatchClassifier[] classifiers, boolean ownsPackage) {
            this.ownsPackage = ownsPackage;
            this.pkg = pkg;
            this.label = label;
            this.identity = io.sightline.station.inspect.Inspector.identity(pkg.info(), pkg.dir());
            this.journalId = journalId;
            this.classifiers = classifiers;
            this.users = new AtomicInteger(classifiers.length);
        }

        public ModelPackage pkg() {
            return pkg;
        }

        public String label() {
            return label;
        }

        public int journalId() {
            return journalId;
        }

        /** Worker {@code worker} no longer uses this version (its thread: no freeing here, it only counts out). */
        private void leave(int worker) {
            if (users.decrementAndGet() == 0) left.countDown();
        }

        /** Closes the classifiers and (when it owns it) the package; once no worker uses them. */
        private synchronized void free() {
            if (freed) return;
            freed = true;
            for (int i = 0; i < classifiers.length; i++) {
                BatchClassifier c = classifiers[i];
                classifiers[i] = null;
                if (c != null) c.close();
            }
            if (ownsPackage) pkg.close();
            left.countDown();
        }

        /** True once this version's native memory is freed. */
        public boolean freed() {
            return freed;
        }
    }

    private final int workers;
    private final int maxBatch;
    private final Generation first;
    private volatile Generation current;
    /** Versions published over, not freed yet. */
    private final java.util.List<Generation> retired = new java.util.ArrayList<>();
    private boolean closed;

    /**
     * @param first the package the station starts with; its opener closes it, unless it hands it
     *              over with {@link #ownFirst()}
     */
    public LiveModel(ModelPackage first, String label, int journalId, int workers, int maxBatch) {
        this.workers = workers;
        this.maxBatch = maxBatch;
        this.first = new Generation(first, label, journalId, classifiers(first, workers, maxBatch), false);
        this.current = this.first;
    }

    /**
     * The first package is the live model's too: swapped out, it is closed once no worker uses it
     * (its opener closing it again later is harmless).
     */
    public void ownFirst() {
        first.ownsPackage = true;
    }

    private static BatchClassifier[] classifiers(ModelPackage pkg, int workers, int maxBatch) {
        BatchClassifier[] out = new BatchClassifier[workers];
        try {
            for (int i = 0; i < workers; i++) out[i] = pkg.newClassifier(maxBatch);
            return out;
        } catch (RuntimeException e) {
            for (BatchClassifier c : out) if (c != null) c.close();
            throw e;
        }
    }

    /** The version the workers are moving to (or on). */
    public Generation current() {
        return current;
    }

    /**
     * Makes a version ready beside the live one: its classifiers, each batch shape run once. The
     * package is the new version's from here on: closed if this fails.
     *
     * @throws IllegalStateException naming the package and why, when a classifier cannot be made or warmed up
     */
    public Generation prepare(ModelPackage pkg, String label, int journalId) throws InterruptedException {
        return prepare(pkg, label, journalId, () -> 0, Long.MAX_VALUE);
    }

    /**
     * As {@link #prepare(ModelPackage, String, int)}, giving way to the line: before each warm-up
     * run it waits (1 ms naps, at most {@value #WARM_UP_MAX_WAIT_MILLIS} ms a run) while more than
     * {@code maxBacklog} frames wait in the ring.
     */
    public Generation prepare(ModelPackage pkg, String label, int journalId, java.util.function.LongSupplier backlog, long maxBacklog)
            throws InterruptedException {
        BatchClassifier[] made;
        try {
            made = classifiers(pkg, workers, maxBatch);
        } catch (RuntimeException e) {
            pkg.close();
            throw new IllegalStateException("model " + pkg.dir() + " could not be set up for inference: " + e.getMessage(), e);
        }
        try {
            // TensorFlow builds a shape's kernels once per session: the first classifier runs every
            // shape, the others one row each (enough to prove they run)
            for (int i = 0; i < made.length; i++) warmUpPaced(made[i], i == 0 ? made[i].shapes() : new int[] {1}, backlog, maxBacklog);
        } catch (RuntimeException | InterruptedException e) {
            for (BatchClassifier c : made) c.close();
            pkg.close();
            if (e instanceof InterruptedException ie) throw ie;
            throw new IllegalStateException("model " + pkg.dir() + " failed its warm-up run: " + e.getMessage(), e);
        }
        return new Generation(pkg, label, journalId, made, true);
    }

    /**
     * A new version's warm-up sleeps this many times as long as each run took, so it takes at most a
     * quarter of one core beside a line that may run at 80 % of its capacity. The parts made late
     * during swaps in {@code bench lifecycle} all fell in the warm-up (none after the hand-over), but
     * on the shared 2-core machine the runs could not separate this pacing from 1x: see the README.
     */
    static final int WARM_UP_SLEEP_PER_RUN = 3;

    /** The longest a warm-up run waits for the line's backlog to drain before it runs anyway. */
    static final long WARM_UP_MAX_WAIT_MILLIS = 2_000;

    /** Each of these batch shapes once, paced by {@link #WARM_UP_SLEEP_PER_RUN}, each after the line's backlog drained. */
    private static void warmUpPaced(BatchClassifier c, int[] shapes, java.util.function.LongSupplier backlog, long maxBacklog)
            throws InterruptedException {
        for (int size : shapes) {
            long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARM_UP_MAX_WAIT_MILLIS);
            while (backlog.getAsLong() > maxBacklog && System.nanoTime() - giveUp < 0) Thread.sleep(1);
            long start = System.nanoTime();
            c.run(size);
            if (!Float.isFinite(c.defectScore(0))) {
                throw new IllegalStateException("its score at batch " + size + " is " + c.defectScore(0) + ", expected a probability");
            }
            long took = System.nanoTime() - start;
            TimeUnit.NANOSECONDS.sleep(WARM_UP_SLEEP_PER_RUN * took);
        }
    }

    /**
     * Makes {@code next} the live version: workers take it at their next batch boundary. Returns the
     * version it replaced; {@link #awaitAndFree} frees it once every worker has left it.
     */
    public synchronized Generation publish(Generation next) {
        if (closed) throw new IllegalStateException("the station is closed");
        Generation before = current;
        current = next;
        retired.add(before);
        return before;
    }

    /** Closes a prepared version that was never published. */
    public static void discard(Generation g) {
        g.free();
    }

    /**
     * Waits until every worker has left {@code g}, then frees it (and any earlier version left since),
     * in the calling thread.
     *
     * @return false if a worker had not left it within the timeout (it is freed by a later call, or at close)
     */
    public boolean awaitAndFree(Generation g, long timeoutMillis) throws InterruptedException {
        boolean left = g.left.await(timeoutMillis, TimeUnit.MILLISECONDS);
        freeRetired();
        return left;
    }

    /** Frees every version published over that no worker uses any more. */
    public synchronized void freeRetired() {
        for (java.util.Iterator<Generation> it = retired.iterator(); it.hasNext(); ) {
            Generation g = it.next();
            if (g.left.getCount() == 0) {
                g.free();
                it.remove();
            }
        }
    }

    /** One worker's hold on the live version. Used only by its worker thread (and by close once it stopped). */
    final class Hold {
        private final int worker;
        private Generation mine;

        Hold(int worker) {
            this.worker = worker;
            this.mine = current;
        }

        /** The classifier to stage into and run; call only with nothing staged. Moves to a newly published version. */
        BatchClassifier atBoundary() {
            Generation live = current;
            if (live != mine) {
                Generation old = mine;
                mine = live;
                old.leave(worker);
            }
            return mine.classifiers[worker];
        }

        /** The classifier the worker has (the one its staged frames are in). */
        BatchClassifier classifier() {
            return mine.classifiers[worker];
        }

        int journalId() {
            return mine.journalId;
        }

        /** The inspection API's identity of the version the worker is on. */
        java.util.Map<String, String> identity() {
            return mine.identity;
        }

        /** The worker stopped: it leaves its version. */
        void release() {
            Generation g = mine;
            if (g != null) {
                mine = null;
                g.leave(worker);
            }
        }
    }

    Hold hold(int worker) {
        return new Hold(worker);
    }

    /**
     * No more publishing, and every version is freed: call once the workers have stopped.
     */
    @Override
    public synchronized void close() {
        closed = true;
        for (Generation g : retired) g.free();
        retired.clear();
        current.free();
    }
}
