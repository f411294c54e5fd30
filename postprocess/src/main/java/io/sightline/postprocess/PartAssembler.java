package io.sightline.postprocess;

/**
 * One line's parts seen by several cameras (views: top, side, ...), assembled into one outcome per
 * part. Each view reports, for each part id (the trigger counter every camera of the line shares),
 * that its frame is on its way and later that frame's own outcome; the part is decided once, when
 * every view is decided or at its deadline, whichever comes first.
 *
 * <pre>
 *   camera thread of view v:  arrive(part, v, capture, deadline, truth)    its frame is in the ring
 *                             viewOutcome(part, v, MISSED | RING_FULL, ..) it skipped the part, or the ring was full
 *   decision, watchdog:       viewOutcome(part, v, outcome, score, ..)      its frame's own outcome
 *   watchdog, every tick:     expire(now)                                    parts past their deadline
 *
 *   slot[part &amp; (capacity - 1)]: part id, state, views arrived / decided / absent (bitmasks),
 *                                outcomes seen (bitmask by Outcome ordinal), max score,
 *                                earliest capture and deadline, truth bits
 *
 *   a part is decided once:  every view decided             COMPLETE
 *                            its deadline passed             DEADLINE
 *                            its slot is wanted by a part
 *                            capacity ids later               OVERFLOW (counted; always a reject)
 * </pre>
 *
 * <p>The part's outcome, in this order: any view rejected for a defect: {@link Outcome#REJECT_DEFECT};
 * else any view's frame fail-safe (ring-full, late, unreadable, error): that reason, the first in
 * {@link Outcome} order; else a view without a frame (its camera skipped the part, or its frame had
 * not arrived when the part was decided): {@link Outcome#FAILSAFE_MISSED} if no view framed the part,
 * {@link Outcome#FAILSAFE_MISSING_VIEW} otherwise; else {@link Outcome#PASS}. When a part is decided
 * before all its views are (deadline, overflow), a view whose frame arrived but is undecided counts as
 * {@link Outcome#FAILSAFE_LATE}, one that never arrived as missing. The part's score is the largest
 * of its views' scores.
 *
 * <p>What comes after a part is decided changes nothing: a view's frame or outcome for a decided part,
 * or for a part older than the window, is a <em>late view</em> (counted per view); a view reporting
 * the same part twice is a duplicate (counted). Every call that decides a part fills the caller's
 * {@link Part} and says so in its result flags: at most one part per call, so the caller records it
 * after the call (outside its lock). A result with {@link #OPENED} is the first news of a part: the
 * caller counts it captured.
 *
 * <p>Slots are indexed by part id modulo the capacity and keep the id they hold, which only ever
 * grows, so a report is matched to its part without a search and an old report is recognised. Size
 * the capacity above the parts a line has between its camera and its ejector. Not thread-safe: the
 * caller serialises calls for a line. Allocates nothing after construction.
 */
public final class PartAssembler {
    /** Views per line are tracked in a {@code long} bitmask. */
    public static final int MAX_VIEWS = 64;

    /** Result flag: the call opened the part (first news of it): count it captured. */
    public static final int OPENED = 1;
    /** Result flag: a part was decided, the caller's {@link Part} holds it (this part, or an older one evicted). */
    public static final int DECIDED = 2;
    /** Result flag: the part was already decided, or is older than the window: nothing changed, counted. */
    public static final int LATE_VIEW = 4;
    /** Result flag: this view had already reported this (its frame, or its outcome): ignored, counted. */
    public static final int DUPLICATE = 8;

    /** Why a part was decided. */
    public enum Cause {
        /** Every view was decided. */
        COMPLETE,
        /** The part's deadline passed with views undecided. */
        DEADLINE,
        /** The window was full: the part's slot was needed for a newer part. */
        OVERFLOW
    }

    /** A decided part, filled by the call that decided it; reused by its owner (one per calling thread). */
    public static final class Part {
        long partId;
        Outcome outcome;
        float defectScore;
        long captureNanos;
        long deadlineNanos;
        long framed;
        long absent;
        int truthBits;
        boolean allScored;
        Cause cause;

        public long partId() {
            return partId;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** The largest score of the part's views; NaN when no view was scored. */
        public float defectScore() {
            return defectScore;
        }

        /** The earliest capture time of its views. */
        public long captureNanos() {
            return captureNanos;
        }

        /** The earliest deadline of its views: when the part reaches the ejector. */
        public long deadlineNanos() {
            return deadlineNanos;
        }

        /** Bitmask of the views that framed the part (their frame arrived). */
        public long framedViews() {
            return framed;
        }

        /** Bitmask of the views without a frame of the part when it was decided. */
        public long absentViews() {
            return absent;
        }

        /** The OR of the truth bits its views' reports carried (the caller's encoding). */
        public int truthBits() {
            return truthBits;
        }

        /** True when every view was decided PASS or REJECT_DEFECT: the score is the whole part's. */
        public boolean allScored() {
            return allScored;
        }

        public Cause cause() {
            return cause;
        }

        @Override
        public String toString() {
            return "Part{" + partId + " " + outcome + " score " + defectScore + " framed " + Long.toBinaryString(framed)
                    + " absent " + Long.toBinaryString(absent) + " " + cause + "}";
        }
    }

    private static final byte FREE = 0;
    private static final byte OPEN = 1;
    private static final byte DONE = 2;

    private static final int DEFECT_BIT = 1 << Outcome.REJECT_DEFECT.ordinal();
    private static final int SCORED_BITS = (1 << Outcome.PASS.ordinal()) | DEFECT_BIT;
    private static final int LATE_BIT = 1 << Outcome.FAILSAFE_LATE.ordinal();
    /** Fail-safe reasons a view's frame can have: all but the two that mean "no frame". */
    private static final int FRAME_FAILSAFE_BITS;

    static {
        int bits = 0;
        for (Outcome o : Outcome.values()) {
            if (o.isFailSafe() && !noFrame(o)) bits |= 1 << o.ordinal();
        }
        FRAME_FAILSAFE_BITS = bits;
    }

    private final int views;
    private final long allViews;
    private final int mask;
    private final long[] ids;
    private final byte[] state;
    private final long[] arrived;
    private final long[] decided;
    private final long[] absent;
    private final int[] outcomes;
    private final float[] score;
    private final long[] capture;
    private final long[] deadline;
    private final int[] truth;
    private final long[] lateByView;
    private final long[] missingByView;
    private final long[] duplicatesByView;
    private int open;
    private int scan;
    private long opened;
    private long completed;
    private long expired;
    private long overflows;

    /**
     * @param views cameras of the line, 2 to {@value #MAX_VIEWS} (a one-camera line needs no assembly)
     * @param capacity parts the window holds at once, a power of two
     */
    public PartAssembler(int views, int capacity) {
        if (views < 2 || views > MAX_VIEWS) {
            throw new IllegalArgumentException("views: expected 2 to " + MAX_VIEWS + " cameras per line, got " + views);
        }
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("part window capacity must be a power of two, got " + capacity);
        }
        this.views = views;
        this.allViews = views == 64 ? -1L : (1L << views) - 1;
        this.mask = capacity - 1;
        this.ids = new long[capacity];
        java.util.Arrays.fill(ids, -1);
        this.state = new byte[capacity];
        this.arrived = new long[capacity];
        this.decided = new long[capacity];
        this.absent = new long[capacity];
        this.outcomes = new int[capacity];
        this.score = new float[capacity];
        this.capture = new long[capacity];
        this.deadline = new long[capacity];
        this.truth = new int[capacity];
        this.lateByView = new long[views];
        this.missingByView = new long[views];
        this.duplicatesByView = new long[views];
    }

    /** True for the outcomes that mean the view has no frame of the part. */
    private static boolean noFrame(Outcome o) {
        return o == Outcome.FAILSAFE_MISSED || o == Outcome.FAILSAFE_MISSING_VIEW;
    }

    /**
     * View {@code view}'s frame of part {@code partId} is on its way.
     *
     * @param deadlineNanos when the part reaches the ejector, by this view's capture
     * @param truthBits ground truth in the caller's encoding, ORed over the views (0: none)
     * @param out filled when the result has {@link #DECIDED}: an older part evicted to make room
     * @return flags: {@link #OPENED}, {@link #DECIDED}, {@link #LATE_VIEW} or {@link #DUPLICATE}
     *         (the last two: do not inspect the frame)
     */
    public int arrive(long partId, int view, long captureNanos, long deadlineNanos, int truthBits, Part out) {
        checkView(view);
        int k = slot(partId);
        int flags = claim(k, partId, captureNanos, deadlineNanos, view, out);
        if ((flags & LATE_VIEW) != 0) return flags;
        long bit = 1L << view;
        if ((arrived[k] & bit) != 0) return flags | duplicate(view);
        join(k, bit, captureNanos, deadlineNanos, truthBits, flags);
        return flags;
    }

    /**
     * View {@code view}'s outcome for part {@code partId}: its frame's decision, or a fail-safe that
     * the view had no frame ({@link Outcome#FAILSAFE_MISSED}: its camera skipped the part) or that its
     * frame never entered the ring ({@link Outcome#FAILSAFE_RING_FULL}). Opens the part if this is the
     * first news of it.
     *
     * @param defectScore the view's score, NaN when not scored
     * @param out filled when the result has {@link #DECIDED}: this part, now complete, or an older one evicted
     * @return flags: {@link #OPENED}, {@link #DECIDED}, {@link #LATE_VIEW} or {@link #DUPLICATE}
     */
    public int viewOutcome(long partId, int view, Outcome outcome, float defectScore, long captureNanos, long deadlineNanos,
                           int truthBits, Part out) {
        checkView(view);
        int k = slot(partId);
        int flags = claim(k, partId, captureNanos, deadlineNanos, view, out);
        if ((flags & LATE_VIEW) != 0) return flags;
        long bit = 1L << view;
        if ((decided[k] & bit) != 0) return flags | duplicate(view);
        if ((arrived[k] & bit) == 0) join(k, bit, captureNanos, deadlineNanos, truthBits, flags);
        decided[k] |= bit;
        if (noFrame(outcome)) absent[k] |= bit;
        outcomes[k] |= 1 << outcome.ordinal();
        if (!Float.isNaN(defectScore) && (Float.isNaN(score[k]) || defectScore > score[k])) score[k] = defectScore;
        if (decided[k] == allViews) {
            // (flags has no DECIDED here: a part just opened has one view decided, and views >= 2)
            decide(k, Cause.COMPLETE, out);
            completed++;
            flags |= DECIDED;
        }
        return flags;
    }

    /**
     * Decides the next open part whose deadline has passed ({@code nowNanos - deadline > 0}), into
     * {@code out}. Call until it returns 0.
     *
     * @return {@link #DECIDED} or 0
     */
    public int expire(long nowNanos, Part out) {
        if (open == 0) return 0;
        for (int i = 0; i <= mask; i++) {
            int k = (scan + i) & mask;
            if (state[k] == OPEN && nowNanos - deadline[k] > 0) {
                scan = (k + 1) & mask;
                decide(k, Cause.DEADLINE, out);
                expired++;
                return DECIDED;
            }
        }
        return 0;
    }

    private int slot(long partId) {
        if (partId < 0) throw new IllegalArgumentException("part ids are not negative, got " + partId);
        return (int) (partId & mask);
    }

    private void checkView(int view) {
        if (view < 0 || view >= views) throw new IllegalArgumentException("view " + view + " of a line with " + views + " views");
    }

    /**
     * Makes slot {@code k} hold {@code partId}: it does already, or it is free, or it holds an older
     * part (decided: reused; open: the window overflowed, that part is decided now into {@code out}).
     * A slot holding this part decided, or a newer part, makes the report a late view.
     */
    private int claim(int k, long partId, long captureNanos, long deadlineNanos, int view, Part out) {
        if (ids[k] == partId && state[k] != FREE) {
            if (state[k] == DONE) return late(view);
            return 0;
        }
        if (state[k] != FREE && ids[k] > partId) return late(view);
        int flags = OPENED;
        if (state[k] == OPEN) {
            decide(k, Cause.OVERFLOW, out);
            overflows++;
            flags |= DECIDED;
        }
        ids[k] = partId;
        state[k] = OPEN;
        arrived[k] = 0;
        decided[k] = 0;
        absent[k] = 0;
        outcomes[k] = 0;
        score[k] = Float.NaN;
        capture[k] = captureNanos;
        deadline[k] = deadlineNanos;
        truth[k] = 0;
        open++;
        opened++;
        return flags;
    }

    private void join(int k, long bit, long captureNanos, long deadlineNanos, int truthBits, int flags) {
        arrived[k] |= bit;
        if ((flags & OPENED) == 0) {
            if (captureNanos - capture[k] < 0) capture[k] = captureNanos;
            if (deadlineNanos - deadline[k] < 0) deadline[k] = deadlineNanos;
        }
        truth[k] |= truthBits;
    }

    private int late(int view) {
        lateByView[view]++;
        return LATE_VIEW;
    }

    private int duplicate(int view) {
        duplicatesByView[view]++;
        return DUPLICATE;
    }

    private void decide(int k, Cause cause, Part out) {
        long undecided = allViews & ~decided[k];
        long lateFrames = undecided & arrived[k];
        long absentViews = absent[k] | (undecided & ~arrived[k]);
        int seen = outcomes[k] | (lateFrames != 0 ? LATE_BIT : 0);
        Outcome outcome;
        if ((seen & DEFECT_BIT) != 0) {
            outcome = Outcome.REJECT_DEFECT;
        } else if ((seen & FRAME_FAILSAFE_BITS) != 0) {
            outcome = Outcome.ofOrdinal(Integer.numberOfTrailingZeros(seen & FRAME_FAILSAFE_BITS));
        } else if (absentViews == allViews) {
            outcome = Outcome.FAILSAFE_MISSED;
        } else if (absentViews != 0) {
            outcome = Outcome.FAILSAFE_MISSING_VIEW;
        } else {
            outcome = Outcome.PASS;
        }
        for (long m = absentViews; m != 0; m &= m - 1) missingByView[Long.numberOfTrailingZeros(m)]++;
        out.partId = ids[k];
        out.outcome = outcome;
        out.defectScore = score[k];
        out.captureNanos = capture[k];
        out.deadlineNanos = deadline[k];
        out.framed = arrived[k] & ~absentViews;
        out.absent = absentViews;
        out.truthBits = truth[k];
        out.allScored = undecided == 0 && absentViews == 0 && (seen & ~SCORED_BITS) == 0;
        out.cause = cause;
        state[k] = DONE;
        open--;
    }

    public int views() {
        return views;
    }

    public int capacity() {
        return mask + 1;
    }

    /** Parts opened and not yet decided. */
    public int openParts() {
        return open;
    }

    public long opened() {
        return opened;
    }

    /** Parts decided with every view in. */
    public long completed() {
        return completed;
    }

    /** Parts decided at their deadline with views missing or undecided. */
    public long expired() {
        return expired;
    }

    /** Parts decided early because the window was full (each a reject). */
    public long overflows() {
        return overflows;
    }

    /** Reports from {@code view} for parts already decided or older than the window. */
    public long lateViews(int view) {
        return lateByView[view];
    }

    /** Parts decided without a frame from {@code view}. */
    public long missingViews(int view) {
        return missingByView[view];
    }

    /** Reports {@code view} repeated for the same part. */
    public long duplicates(int view) {
        return duplicatesByView[view];
    }
}
