package io.sightline.station.ring;

import com.lmax.disruptor.Sequence;

/**
 * A stage's way to tell the next stage, at once, that it finished frames: it moves the sequence
 * the next stage's barrier watches and wakes the waiting handlers, so the next stage blocks instead
 * of polling (see {@link StageWaitStrategy}). The inspection workers own that sequence themselves
 * (it trails the frames they hold back for a batch).
 */
final class StageProgress {
    private final StageWaitStrategy waits;
    private final Sequence sequence = new Sequence(-1);

    StageProgress(StageWaitStrategy waits) {
        this.waits = waits;
    }

    /** The sequence the next stage waits on: every frame up to it is done with this stage. */
    Sequence sequence() {
        return sequence;
    }

    /** Every frame up to {@code ringSequence} is done with this stage; wakes the next stage if that moved. */
    void advanceTo(long ringSequence) {
        if (ringSequence <= sequence.get()) return;
        sequence.set(ringSequence);
        waits.stageAdvanced();
    }
}
