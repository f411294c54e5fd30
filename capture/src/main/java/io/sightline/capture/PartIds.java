package io.sightline.capture;

/**
 * Turns the raw ids a source reports (a trigger counter, the camera's frame id, an encoder count)
 * into the station's part ids, and counts what went wrong on the way: lost ids (a part passed the
 * camera and was never framed: it must be rejected fail-safe) and repeated ids (a second frame of
 * the same part: a double trigger, a resent frame).
 *
 * <p>Counters narrower than 64 bits wrap (a 16-bit GVSP block id, a 32-bit encoder); an id that
 * moves forward by less than half the counter's range is taken as a wrap-around, not as a step
 * back. A step back by more than {@value #RESET_WINDOW} ids is a counter reset (a camera that
 * rebooted): counted, and the ids carry on from the last one, so the station's ids never repeat.
 *
 * <p>One per source, used by the source's camera thread; allocation-free.
 */
public final class PartIds {
    /** A step back by at most this many ids is a repeat (or a late frame); a larger one is a reset. */
    public static final int RESET_WINDOW = 64;

    private final int bits;
    private final long countsPerPart;
    private boolean started;
    private long lastRaw;
    private long count; // the raw counter unwrapped to 64 bits
    private long rebase;
    private long lastId = Long.MIN_VALUE;
    private long lost;
    private long repeated;
    private long resets;
    private long accepted;

    private PartIds(int bits, long countsPerPart) {
        if (bits < 2 || bits > 64) throw new IllegalArgumentException("counter width must be 2 to 64 bits, got " + bits);
        if (countsPerPart < 1) throw new IllegalArgumentException("counts per part must be at least 1, got " + countsPerPart);
        this.bits = bits;
        this.countsPerPart = countsPerPart;
    }

    /** Ids that count parts one by one: a frame id or a trigger counter {@code bits} wide. */
    public static PartIds counter(int bits) {
        return new PartIds(bits, 1);
    }

    /** An encoder {@code bits} wide that advances {@code countsPerPart} counts from one part to the next. */
    public static PartIds encoder(int bits, long countsPerPart) {
        return new PartIds(bits, countsPerPart);
    }

    /**
     * The part id for a frame whose raw id is {@code raw}, or -1 when it repeats a part already
     * seen (the frame is not a new part).
     */
    public long accept(long raw) {
        if (!started) {
            started = true;
            lastRaw = raw;
            count = bits == 64 ? raw : raw & mask();
        } else {
            long delta = raw - lastRaw;
            if (bits < 64) delta = (delta << (64 - bits)) >> (64 - bits); // sign-extend the wrapped step
            lastRaw = raw;
            count += delta;
        }
        long id = Math.floorDiv(count, countsPerPart) + rebase;
        if (lastId != Long.MIN_VALUE) {
            if (id <= lastId) {
                if (lastId - id <= RESET_WINDOW) {
                    repeated++;
                    return -1;
                }
                resets++;
                rebase += lastId + 1 - id;
                id = lastId + 1;
            } else {
                lost += id - lastId - 1;
            }
        }
        lastId = id;
        accepted++;
        return id;
    }

    /**
     * The next id, taken by a frame that could not be read and so brought no id of its own: the
     * part in front of the camera at that trigger. A frame that later arrives with this id is
     * then a repeat.
     */
    public long takeNext() {
        long id = lastId == Long.MIN_VALUE ? 0 : lastId + 1;
        if (!started) {
            started = true;
            lastRaw = 0;
            count = 0;
        } else {
            count += countsPerPart;
            lastRaw += countsPerPart;
        }
        lastId = id;
        accepted++;
        return id;
    }

    private long mask() {
        return (1L << bits) - 1;
    }

    /** Parts accepted (new ids). */
    public long accepted() {
        return accepted;
    }

    /** Ids skipped over: parts that passed without a frame. */
    public long lost() {
        return lost;
    }

    /** Frames whose id was already seen. */
    public long repeated() {
        return repeated;
    }

    /** Times the counter jumped back and was re-based. */
    public long resets() {
        return resets;
    }

    /** The last part id accepted, or -1 before the first. */
    public long lastId() {
        return lastId == Long.MIN_VALUE ? -1 : lastId;
    }
}
