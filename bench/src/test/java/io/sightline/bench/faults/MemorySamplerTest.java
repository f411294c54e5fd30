package io.sightline.bench.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's figures: first, last and the least-squares slope of each memory series. */
class MemorySamplerTest {
    @Test
    void theSlopeOfSamplesOnALineIsThatLinesSlopeInMbPerHour() {
        // heap 50 MB growing 1 MB per minute (60 MB/h), RSS flat at 1,000 MB with noise that averages out
        List<MemorySampler.Sample> s = List.of(new MemorySampler.Sample(0, 50, 1001), new MemorySampler.Sample(60, 51, 999),
                new MemorySampler.Sample(120, 52, 1001), new MemorySampler.Sample(180, 53, 999));
        MemorySampler.Series heap = MemorySampler.series(s, true);
        assertEquals(50, heap.startMb(), 1e-9);
        assertEquals(53, heap.endMb(), 1e-9);
        assertEquals(60, heap.slopeMbPerHour(), 1e-9);
        MemorySampler.Series rss = MemorySampler.series(s, false);
        assertEquals(1001, rss.startMb(), 1e-9);
        assertEquals(-24, rss.slopeMbPerHour(), 1e-9); // the alternating noise leaves a small slope, by least squares
    }

    @Test
    void fewerThanTwoDistinctTimesHaveNoSlope() {
        assertTrue(Double.isNaN(MemorySampler.slope(new double[] {1}, new double[] {5})));
        assertTrue(Double.isNaN(MemorySampler.slope(new double[] {1, 1}, new double[] {5, 6})));
    }

    @Test
    void aRealSamplerTakesASampleAtStartAndAtClose() throws Exception {
        MemorySampler m = new MemorySampler(60, null);
        m.close();
        assertEquals(2, m.samples().size());
        assertTrue(m.samples().get(0).heapMb() > 0);
    }
}
