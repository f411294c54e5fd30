package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PartIdsTest {
    @Test
    void consecutiveIdsPassThroughAndGapsAreLostParts() {
        PartIds ids = PartIds.counter(64);
        assertEquals(5, ids.accept(5));
        assertEquals(6, ids.accept(6));
        assertEquals(9, ids.accept(9)); // 7 and 8 never framed
        assertEquals(2, ids.lost());
        assertEquals(3, ids.accepted());
        assertEquals(9, ids.lastId());
    }

    @Test
    void aRepeatedOrSlightlyLateIdIsNotANewPart() {
        PartIds ids = PartIds.counter(32);
        ids.accept(10);
        ids.accept(11);
        assertEquals(-1, ids.accept(11));
        assertEquals(-1, ids.accept(9));
        assertEquals(12, ids.accept(12));
        assertEquals(2, ids.repeated());
        assertEquals(0, ids.lost());
    }

    @Test
    void aSixteenBitBlockIdWrapsWithoutLosingOrRepeatingParts() {
        PartIds ids = PartIds.counter(16);
        long first = ids.accept(65_534);
        assertEquals(first + 1, ids.accept(65_535));
        assertEquals(first + 2, ids.accept(0));
        assertEquals(first + 3, ids.accept(1));
        assertEquals(first + 5, ids.accept(3)); // 2 lost across the wrap
        assertEquals(1, ids.lost());
        assertEquals(0, ids.repeated());
    }

    @Test
    void aCounterResetIsCountedAndIdsCarryOn() {
        PartIds ids = PartIds.counter(32);
        for (int i = 1000; i < 1010; i++) ids.accept(i);
        assertEquals(1010, ids.accept(1)); // the camera rebooted
        assertEquals(1011, ids.accept(2));
        assertEquals(1, ids.resets());
        assertEquals(0, ids.repeated());
        assertEquals(0, ids.lost());
    }

    @Test
    void anEncoderAdvancesByItsPitchPerPartAndWraps() {
        PartIds ids = PartIds.encoder(32, 400);
        long a = ids.accept(0xFFFF_FF00L); // 256 counts before the wrap
        assertEquals(a + 1, ids.accept(0xFFFF_FF00L + 400 - (1L << 32)));
        assertEquals(a + 3, ids.accept(0xFFFF_FF00L + 1200 - (1L << 32)));
        assertEquals(1, ids.lost());
        assertEquals(-1, ids.accept(0xFFFF_FF00L + 1250 - (1L << 32)), "the same part, a few counts on");
    }

    @Test
    void anUnreadableFrameTakesTheNextId() {
        PartIds ids = PartIds.counter(64);
        ids.accept(0);
        assertEquals(1, ids.takeNext());
        assertEquals(2, ids.accept(2), "the unreadable frame was part 1: nothing lost");
        assertEquals(0, ids.lost());
        assertEquals(-1, ids.accept(2));
    }

    @Test
    void widthsAndPitchesOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PartIds.counter(1));
        assertThrows(IllegalArgumentException.class, () -> PartIds.counter(65));
        assertThrows(IllegalArgumentException.class, () -> PartIds.encoder(32, 0));
    }
}
