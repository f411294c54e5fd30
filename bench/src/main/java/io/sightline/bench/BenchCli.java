package io.sightline.bench;

import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
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
        description = "Benchmarks that print figures: JMH per stage, the open-loop end-to-end run with its rivals, and the"
                + " fault and overload scenarios, and the model quality panel.",
        subcommands = {BenchCli.Jmh.class, PipelineCommand.class, LifecycleCommand.class, io.sightline.bench.faults.FaultsCommand.class,
                io.sightline.bench.quality.QualityCommand.class, io.sightline.bench.inspect.InspectCommand.class,
                CommandLine.HelpCommand.class}, commandListHeading = "%nCommands:%n")
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
        String pattern = "io\\.sightline\\..*Benchmark";

        @Option(names = "--forks", description = "JVM forks (default: ${DEFAULT-VALUE})")
        int forks = 1;

        @Option(names = "--iterations", description = "measurement iterations of 2 s (default: ${DEFAULT-VALUE})")
        int iterations = 5;

        @Option(names = "--gc", description = "add -prof gc (allocation per operation)")
        boolean gc;

        @Option(names = "--json", paramLabel = "FILE", description = "also write JMH's JSON results to FILE")
        String jsonFile;

        @Option(names = {"-p", "--param"}, paramLabel = "NAME=V1,V2", description = "override a benchmark parameter, as JMH's -p "
                + "(e.g. -p precision=fp32,bf16 -p batch=16); repeatable")
        java.util.List<String> params = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ChainedOptionsBuilder b = new OptionsBuilder().include(pattern).forks(forks)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(iterations).measurementTime(TimeValue.seconds(2))
                    .jvmArgsAppend("-Dorg.bytedeco.javacpp.nopointergc=true");
            if (gc) b.addProfiler("gc");
            for (String p : params) {
                int eq = p.indexOf('=');
                if (eq <= 0 || eq == p.length() - 1) throw new IllegalArgumentException("-p " + p + ": expected NAME=VALUE[,VALUE...]");
                b.param(p.substring(0, eq), p.substring(eq + 1).split(","));
            }
            if (jsonFile != null) b.resultFormat(ResultFormatType.JSON).result(jsonFile);
            Collection<RunResult> results = new Runner(b.build()).run();
            printTable(results);
            return 0;
        }

        /**
         * A compact table after JMH's own: the score per operation, per frame where an operation is
         * a batch, and the allocation per operation when {@code --gc} was given.
         */
        private static void printTable(Collection<RunResult> results) {
            System.out.printf(Locale.ROOT, "%n%-44s %-12s %14s %14s %12s%n", "benchmark", "params", "per op", "per frame",
                    "alloc B/op");
            for (RunResult r : results) {
                BenchmarkParams p = r.getParams();
                Result<?> primary = r.getPrimaryResult();
                String name = p.getBenchmark().replaceFirst("^io\\.sightline\\.", "");
                String params = p.getParamsKeys().stream().map(k -> k + "=" + p.getParam(k)).collect(Collectors.joining(","));
                String batch = p.getParamsKeys().contains("batch") ? p.getParam("batch") : null;
                String perFrame = batch == null ? "" : String.format(Locale.ROOT, "%.1f %s", primary.getScore() / Integer.parseInt(batch),
                        primary.getScoreUnit());
                Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                if (alloc == null) alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm"); // JMH before 1.36
                System.out.printf(Locale.ROOT, "%-44s %-12s %14s %14s %12s%n", name, params,
                        String.format(Locale.ROOT, "%.1f %s", primary.getScore(), primary.getScoreUnit()), perFrame,
                        alloc == null ? "-" : String.format(Locale.ROOT, "%.1f", alloc.getScore()));
            }
        }
    }
}
