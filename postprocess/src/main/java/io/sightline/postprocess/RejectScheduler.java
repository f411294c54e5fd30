package io.sightline.postprocess;

/**
 * One ejector's schedule: the parts between the camera and the ejector, in belt order, each with
 * the position at which it reaches the ejector. Positions are encoder counts, or nanoseconds for
 * a belt timed by the clock; the scheduler only compares them ({@code a - b < 0}).
 *
 * <pre>
 *   part sensed at the camera (photo-eye)   --> sensed(position)        a slot: due = position + travel
 *   camera frame of that trigger             --> captured(partId)        the oldest slot without a frame gets the id
 *   decision                                 --> decided(partId, reject) that slot is marked pass or reject
 *   belt moves                               --> advance(position)      every slot now due leaves the FIFO:
 *        reject decided        --> FIRE
 *        pass decided          --> pass
 *        no decision yet       --> FIRE, fail-safe LATE
 *        no frame (lost trigger) --> FIRE, fail-safe LOST_TRIGGER
 *   a frame with no part sensed (extra trigger), a decision for an id not in flight (unknown or
 *   already past): recorded as mismatches; the first never gets a slot of its own, so it cannot
 *   make a real part pass
 * </pre>
 *
 * Without a photo-eye, {@link #captured(long, long)} opens the slot itself (use one way or the
 * other for an ejector, not both). Not thread-safe: one
 * thread (the ejector's) drives it. Allocates nothing after construction while the FIFO stays
 * within its capacity.
 */
public final class RejectScheduler {
    /** What happened to a part at the ejector. */
    public enum Action {
        PASS, FIRE_REJECT, FIRE_LATE, FIRE_LOST_TRIGGER
    }

    /** Receives each part as it reaches the ejector. */
    public interface Ejector {
        /**
         * @param partId the frame's id, or -1 for a part the camera never saw
         * @param position where the belt is
         */
        void onPart(long partId, Action action, long position);
    }

    private static final byte PENDING = 0;
    private static final byte PASSED = 1;
    private static final byte REJECTED = 2;
    private static final long NO_FRAME = -1;

    private final long travel;
    private final Ejector ejector;
    private final long[] due;
    private final long[] ids;
    private final byte[] state;
    private int head;
    private int size;
    /** Index (from head) of the oldest slot without a frame id. */
    private int firstWithoutFrame;
    private long extraTriggers;
    private long unknownDecisions;
    private long lostTriggers;
    private long late;
    private long fired;
    private long passed;
    private long overflow;

    /**
     * @param travel camera-to-ejector distance, in the positions' unit (counts or ns)
     * @param capacity most parts in flight at once; more is an overflow, handled fail-safe
     */
    public RejectScheduler(long travel, int capacity, Ejector ejector) {
        if (travel <= 0) throw new IllegalArgumentException("camera-to-ejector travel must be positive, got " + travel);
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        this.travel = travel;
        this.ejector = ejector;
        this.due = new long[capacity];
        this.ids = new long[capacity];
        this.state = new byte[capacity];
    }

    /** A part passed the camera's photo-eye at {@code position}. */
    public void sensed(long position) {
        push(position + travel, NO_FRAME);
    }

    /** The camera's frame {@code partId} for the oldest sensed part without a frame. */
    public void captured(long partId) {
        if (firstWithoutFrame >= size) {
            extraTriggers++; // a frame with no part: never gets a slot, so it can make no part pass
            return;
        }
        ids[index(firstWithoutFrame)] = partId;
        firstWithoutFrame++;
    }

    /** Without a photo-eye: the frame itself marks the part at {@code position}. */
    public void captured(long partId, long position) {
        push(position + travel, partId);
        firstWithoutFrame = size;
    }

    /** The decision for {@code partId}. */
    public void decided(long partId, boolean reject) {
        for (int i = 0; i < size; i++) {
            int k = index(i);
            if (ids[k] == partId && state[k] == PENDING) {
                state[k] = reject ? REJECTED : PASSED;
                return;
            }
        }
        unknownDecisions++; // unknown id, or the part is already past the ejector (it was rejected late)
    }

    /** The belt is at {@code position}: every part due by now reaches the ejector, in order. */
    public void advance(long position) {
        while (size > 0 && due[head] - position <= 0) {
            long id = ids[head];
            byte s = state[head];
            long at = due[head];
            head = (head + 1) % due.length;
            size--;
            if (firstWithoutFrame > 0) firstWithoutFrame--;
            Action action;
            if (id == NO_FRAME) {
                lostTriggers++;
                action = Action.FIRE_LOST_TRIGGER;
            } else if (s == REJECTED) {
                action = Action.FIRE_REJECT;
            } else if (s == PASSED) {
                action = Action.PASS;
            } else {
                late++;
                action = Action.FIRE_LATE;
            }
            if (action == Action.PASS) passed++;
            else fired++;
            ejector.onPart(id, action, at);
        }
    }

    private void push(long dueAt, long id) {
        if (size == due.length) {
            // No room to track another part: the oldest goes out now, rejected unless decided pass.
            overflow++;
            long oldestDue = due[head];
            advance(oldestDue);
        }
        int k = index(size);
        due[k] = dueAt;
        ids[k] = id;
        state[k] = PENDING;
        size++;
    }

    private int index(int fromHead) {
        return (head + fromHead) % due.length;
    }

    public int inFlight() {
        return size;
    }

    /** Frames that matched no sensed part. */
    public long extraTriggers() {
        return extraTriggers;
    }

    /** Decisions for ids not in flight. */
    public long unknownDecisions() {
        return unknownDecisions;
    }

    /** Sensed parts the camera never framed (rejected fail-safe). */
    public long lostTriggers() {
        return lostTriggers;
    }

    /** Parts that reached the ejector undecided (rejected fail-safe). */
    public long late() {
        return late;
    }

    public long fired() {
        return fired;
    }

    public long passed() {
        return passed;
    }

    /** Parts pushed out early because the FIFO was full. */
    public long overflow() {
        return overflow;
    }

    @Override
    public String toString() {
        return "RejectScheduler{inFlight=" + size + ", fired=" + fired + ", passed=" + passed + ", late=" + late + ", lost="
                + lostTriggers + ", extra=" + extraTriggers + ", unknown=" + unknownDecisions + ", overflow=" + overflow + "}";
    }
}
