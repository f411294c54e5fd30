package io.sightline.postprocess;

/**
 * The one recorded outcome every part ends in. A part is either inspected and passed, inspected
 * and rejected for a defect, or rejected fail-safe because it could not be inspected in time. (On a
 * line with one camera a part is one frame; on a line with several views, see {@link PartAssembler}.)
 */
public enum Outcome {
    PASS("pass"),
    /** The model's defect score reached the threshold. */
    REJECT_DEFECT("defect"),
    /** The ring was full when the frame arrived: the part was never inspected. */
    FAILSAFE_RING_FULL("ring-full"),
    /** No decision before the part reached the ejector. */
    FAILSAFE_LATE("late"),
    /** The camera delivered no readable image for the part. */
    FAILSAFE_UNREADABLE("unreadable"),
    /** Preprocessing or inference failed on the frame. */
    FAILSAFE_ERROR("error"),
    /** The part passed the camera without a frame: its id was skipped (a lost trigger, a dropped frame, an outage). */
    FAILSAFE_MISSED("missed"),
    /**
     * A part inspected by several cameras (views) lacked one of its views when it had to be decided
     * (the view's frame never came, or its camera skipped the part), while another view framed it.
     * Added last: ordinals are reason codes on the wire (Modbus).
     */
    FAILSAFE_MISSING_VIEW("missing-view");

    private static final Outcome[] VALUES = values();

    private final String reason;

    Outcome(String reason) {
        this.reason = reason;
    }

    /** Short, stable name for logs, JSON and metrics labels. */
    public String reason() {
        return reason;
    }

    public boolean isReject() {
        return this != PASS;
    }

    /** The decision as the journal and the outputs name it: pass, reject or failsafe. */
    public String decision() {
        return this == PASS ? "pass" : isFailSafe() ? "failsafe" : "reject";
    }

    public boolean isFailSafe() {
        return ordinal() >= FAILSAFE_RING_FULL.ordinal();
    }

    /** Cached {@code values()}: no array copy on the hot path. */
    public static Outcome ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }
}
