package io.sightline.station.ring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private final List<List<String>> runs = new ArrayList<>();
    private final Batcher<String> batcher = new Batcher<>(new String[4], (items, count) -> runs.add(List.copyOf(Arrays.asList(items).subList(0, count))));

    @Test
    void lowLoadRunsEachFrameAloneAtEndOfBatch() {
        batcher.onEntry("a", true);
        batcher.onEntry("b", true);
        assertEquals(List.of(List.of("a"), List.of("b")), runs);
    }

    @Test
    void fullBatchFlushesWithoutWaitingForEndOfBatch() {
        for (String s : List.of("a", "b", "c", "d", "e")) batcher.onEntry(s, false);
        assertEquals(List.of(List.of("a", "b", "c", "d")), runs);
        assertEquals(1, batcher.pending());
        batcher.onEntry("f", true);
        assertEquals(List.of("e", "f"), runs.get(1));
        assertEquals(0, batcher.pending());
    }

    @Test
    void skippedEntryEndingTheBatchStillFlushesWhatIsPending() {
        batcher.onEntry("a", false);
        batcher.onEntry(null, true); // a fail-safe frame that is not inferred
        assertEquals(List.of(List.of("a")), runs);
        batcher.onEntry(null, true); // nothing pending: no empty run
        assertEquals(1, runs.size());
    }

    @Test
    void countsBatchesFramesAndSizes() {
        for (int i = 0; i < 10; i++) batcher.onEntry("x" + i, i == 9);
        assertEquals(3, batcher.batches());
        assertEquals(10, batcher.frames());
        long[] hist = batcher.sizeHistogram();
        assertEquals(2, hist[4]);
        assertEquals(1, hist[2]);
    }

    @Test
    void itemsAreReleasedAfterTheRun() {
        Object[][] seen = new Object[1][];
        Batcher<String> b = new Batcher<>(new String[2], (items, count) -> seen[0] = items);
        b.onEntry("a", false);
        b.onEntry("b", false);
        assertNull(seen[0][0], "slots must not be retained after the batch ran");
    }

    @Test
    void maxBatchMustBePositive() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Batcher<String>(new String[0], (i, c) -> {}))
                .getMessage().contains("got 0"));
    }
}
