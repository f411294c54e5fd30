package io.sightline.bench;

import java.util.concurrent.Callable;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sightline bench}: benchmark runs that print their figures. */
@Command(name = "sightline bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: JMH per stage (more to come: end-to-end pipeline runs).",
        subcommands = {BenchCli.Jmh.class, CommandLine.HelpCommand.class}, commandListHeading = "%nCommands:%n")
public final class BenchCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "jmh", mixinStandardHelpOptions = true,
            description = "Run the JMH stage benchmarks (regex PATTERN selects them) and print the table.")
    static final class Jmh implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PATTERN", description = "benchmark regex (default: all)")
        String pattern = "io.sightline.bench.*";

        @Option(names = "--forks", description = "JVM forks (default: ${DEFAULT-VALUE})")
        int forks = 1;

        @Option(names = "--iterations", description = "measurement iterations of 2 s (default: ${DEFAULT-VALUE})")
        int iterations = 5;

        @Option(names = "--gc", description = "add -prof gc (allocation per operation)")
        boolean gc;

        @Option(names = "--json", paramLabel = "FILE", description = "also write JMH's JSON results to FILE")
        String jsonFile;

        @Override
        public Integer call() throws Exception {
            ChainedOptionsBuilder b = new OptionsBuilder().include(pattern).forks(forks)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(iterations).measurementTime(TimeValue.seconds(2))
                    .jvmArgsAppend("-Dorg.bytedeco.javacpp.nopointergc=true");
            if (gc) b.addProfiler("gc");
            if (jsonFile != null) b.resultFormat(ResultFormatType.JSON).result(jsonFile);
            new Runner(b.build()).run();
            return 0;
        }
    }
}
