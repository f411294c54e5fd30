package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostprocessTest {

    @Test
    void thresholdIsInclusiveAndNanIsNeverAPass() {
        DecisionPolicy policy = new DecisionPolicy(0.5f);
        assertEquals(Outcome.PASS, policy.decide(0.4999f));
        assertEquals(Outcome.REJECT_DEFECT, policy.decide(0.5f));
        assertEquals(Outcome.REJECT_DEFECT, policy.decide(1f));
        assertEquals(Outcome.FAILSAFE_ERROR, policy.decide(Float.NaN));
    }

    @Test
    void impossibleThresholdsAreRejectedWithTheValue() {
        for (float bad : new float[] {0f, -0.1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DecisionPolicy(bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }

    @Test
    void outcomeClassesAreConsistent() {
        assertFalse(Outcome.PASS.isReject());
        assertTrue(Outcome.REJECT_DEFECT.isReject());
        assertFalse(Outcome.REJECT_DEFECT.isFailSafe());
        for (Outcome o : List.of(Outcome.FAILSAFE_RING_FULL, Outcome.FAILSAFE_LATE, Outcome.FAILSAFE_UNREADABLE,
                Outcome.FAILSAFE_ERROR)) {
            assertTrue(o.isReject() && o.isFailSafe(), o.name());
        }
        for (Outcome o : Outcome.values()) assertSame(o, Outcome.ofOrdinal(o.ordinal()));
    }

    @Test
    void countersBalanceUnderConcurrentUpdates() throws Exception {
        LineCounters counters = new LineCounters(3);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    int line = (i + seed) % 3;
                    counters.captured(line);
                    counters.outcome(line, Outcome.ofOrdinal((i * 7 + seed) % Outcome.count()));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        assertEquals(40_000, counters.capturedTotal());
        assertEquals(0, counters.inFlight());
        assertEquals(counters.capturedTotal(), counters.passed() + counters.rejectedForDefect() + counters.failSafe());
        long perLine = 0;
        for (int l = 0; l < 3; l++) perLine += counters.capturedCount(l);
        assertEquals(40_000, perLine);
    }

    @Test
    void loggingSinkWritesOneLinePerSignalWithItsFields() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoggingRejectSink sink = new LoggingRejectSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        sink.reject(1, 42, Outcome.REJECT_DEFECT, 0.875f, System.nanoTime() + 200_000_000L);
        sink.reject(0, 7, Outcome.FAILSAFE_RING_FULL, Float.NaN, System.nanoTime());
        sink.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].contains("line=1 part=42 reason=defect score=0.8750"), lines[0]);
        assertTrue(lines[1].contains("line=0 part=7 reason=ring-full score=none"), lines[1]);
        assertEquals(2, sink.signals());
    }
}
