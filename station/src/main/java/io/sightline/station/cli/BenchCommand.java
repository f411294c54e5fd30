package io.sightline.station.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sightline bench}: listed here so that {@code --help} shows every command. The benchmarks
 * live in the {@code bench} module, which depends on this one; the launcher runs
 * {@code ./sightline bench ...} there directly, so this class only answers when the station's
 * main class is started by hand.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks that print figures: JMH per stage (bench jmh [PATTERN] [--gc]).",
                "Run them through the launcher: ./sightline bench --help"})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", hidden = true)
    String[] ignored;

    @Override
    public Integer call() {
        System.err.println("sightline bench: the benchmarks run from the bench module; use ./sightline bench --help");
        return 2;
    }
}
