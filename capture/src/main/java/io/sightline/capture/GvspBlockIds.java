package io.sightline.capture;

/**
 * Unwraps GigE Vision frame (block) ids to a 64-bit count that {@link PartIds} can take.
 *
 * <p>GVSP 1.x block ids are 16 bits wide and skip 0 (0 means "no id"), so they run
 * 1, 2, ..., 65535, 1, 2, ...: a ring of 65535 values, not 65536, which {@link PartIds#counter(int)}
 * (power-of-two counters) would count as one lost frame at every wrap. GVSP 2.x extended ids are 64
 * bits and do not wrap: once an id above 65535 is seen, ids are taken as they are.
 *
 * <p>A step is read as the shortest way round the ring: forward by less than half of it is a new
 * frame (and the frames in between were lost), backward a repeat or a camera that restarted;
 * {@link PartIds} tells those apart. Allocation-free; one per source.
 */
final class GvspBlockIds {
    static final long RING = 65535;

    private boolean started;
    private boolean extended;
    private long lastRaw;
    private long count;

    /** The unwrapped count for raw id {@code raw} (1..65535, or any value for extended ids). */
    long unwrap(long raw) {
        if (!started) {
            started = true;
            extended = raw > RING || raw < 0;
            lastRaw = raw;
            count = raw;
            return count;
        }
        if (!extended && (raw > RING || raw < 0)) {
            extended = true; // the camera switched to 64-bit ids: carry on from here
        }
        long delta;
        if (extended) {
            delta = raw - lastRaw;
        } else {
            delta = Math.floorMod((raw - 1) - (lastRaw - 1), RING); // 0 .. RING-1
            if (delta > RING / 2) delta -= RING; // the shorter way round: a step back
        }
        lastRaw = raw;
        count += delta;
        return count;
    }
}
