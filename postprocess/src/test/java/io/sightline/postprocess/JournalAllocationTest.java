package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one append allocates on the decision thread, counted by the JVM for this thread (not timed).
 * The SQLite driver used to follow every insert with a regex and a {@code SELECT last_insert_rowid()}
 * on a new statement and result set, about 1.1 KB a part; the journal turns that off. What is left
 * is the driver's boxing of numbers and encoding of strings.
 */
class JournalAllocationTest {
    @Test
    void anAppendAllocatesNoGeneratedKeysQuery(@TempDir Path tmp) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        try (DecisionJournal j = DecisionJournal.open(tmp.resolve("j.db"), new String[] {"cam-0", "cam-1"}, "m 1", "none", false)) {
            for (int i = 0; i < 3_000; i++) j.append(i & 1, i, Outcome.PASS, 0.3f, System.nanoTime(), System.nanoTime(), 0, 0, 0, 0);
            int n = 5_000;
            long before = mx.getThreadAllocatedBytes(thread);
            for (int i = 0; i < n; i++) {
                j.append(i & 1, 3_000 + i, i % 7 == 0 ? Outcome.REJECT_DEFECT : Outcome.PASS, 0.3f, System.nanoTime(), System.nanoTime(),
                        0, 0, 0, 0);
            }
            double perAppend = (mx.getThreadAllocatedBytes(thread) - before) / (double) n;
            System.out.printf("journal append: %.0f bytes allocated%n", perAppend);
            assertTrue(perAppend < 600, "an append allocated " + perAppend + " bytes (1,128 with the driver's generated keys)");
            assertEquals(8_000, j.appended());
        }
    }
}
