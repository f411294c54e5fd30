package io.sightline.bench;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The decision journal's cost per outcome on the decision thread: one {@link DecisionJournal#append}
 * (INSERT and COMMIT, WAL, {@code synchronous=NORMAL}, as the station opens it) into a real SQLite
 * file in a fresh folder under {@code java.io.tmpdir}:
 * <ul>
 *   <li>{@code appendPass}: a pass without a defect box, the common row;</li>
 *   <li>{@code appendDefectReject}: a defect reject with its box.</li>
 * </ul>
 * The file grows through the run, as a station's does.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JournalBenchmark {
    private Path dir;
    private DecisionJournal journal;
    private long part;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("sightline-journal-bench");
        journal = DecisionJournal.open(dir.resolve("journal.db"), new String[] {"cam-0", "cam-1"}, "bench-model 1", "none", false);
    }

    @Benchmark
    public long appendPass() {
        long now = System.nanoTime();
        journal.append((int) (part & 1), part++, Outcome.PASS, 0.0625f, now - 2_000_000, now);
        return part;
    }

    @Benchmark
    public long appendDefectReject() {
        long now = System.nanoTime();
        journal.append((int) (part & 1), part++, Outcome.REJECT_DEFECT, 0.9375f, now - 2_000_000, now, 120, 80, 64, 48);
        return part;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
