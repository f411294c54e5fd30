package io.sightline.station.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sightline}: the station's command line. Each command that produces figures accepts
 * {@code --json} and then prints one JSON object as the last line of standard output. Errors go to
 * standard error with a non-zero exit code and name the bad input.
 */
@Command(name = "sightline", mixinStandardHelpOptions = true, version = "Sightline 0.1.0",
        description = "Inline visual inspection station: cameras -> Disruptor ring -> OpenCV -> batched TensorFlow -> decisions and reject signals.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, DatasetCommand.class, TrainTrendCommand.class, EvalTrendCommand.class, CalibrateCommand.class, JournalCommand.class, ConfigCommand.class, TlsCommand.class, ModelCommand.class, ModelsCommand.class, RunCommand.class, ServeCommand.class, ReviewCommand.class, BenchCommand.class, DevicesCommand.class, CommandLine.HelpCommand.class},
        commandListHeading = "%nCommands:%n")
public final class SightlineCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // into a file or a pipe, every redrawn progress line becomes a line of its own (see Progress)
        System.setErr(Progress.lines(System.err));
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** Runs the CLI with the given streams (null: the process's own). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new SightlineCli());
        if (out != null) cli.setOut(out);
        if (err != null) cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter stderr = commandLine.getErr();
            stderr.println("sightline " + commandLine.getCommandName() + ": " + describe(ex));
            if (Boolean.getBoolean("sightline.debug")) ex.printStackTrace(stderr);
            stderr.flush();
            return 1;
        });
        return cli.execute(args);
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null || msg.isBlank() ? ex.toString() : msg;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
