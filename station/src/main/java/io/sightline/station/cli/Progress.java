package io.sightline.station.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Progress on standard error, by one rule for every command: on a terminal each step redraws its
 * line in place (a carriage return); into a file or a pipe each step is a line of its own, so that a
 * log holds one line per step and never one enormous line of redraws.
 *
 * <pre>
 *                        terminal                       file or pipe
 *   {@link #step}             \r text (redrawn)              text \n
 *   {@link #transientStep}    \r text (redrawn)              nothing (too many for a log)
 *   {@link #line}             \r text, cleared, \n           text \n
 *   {@link #end}              \n after a redrawn line        nothing
 * </pre>
 *
 * Code that writes its own carriage returns goes through {@link #lines(PrintStream)}, which the
 * command line puts in front of a standard error that is not a terminal.
 */
final class Progress {
    private final PrintStream out;
    private final boolean redraw;
    private int shown = -1; // length of the redrawn line on screen, -1: none

    /** Progress on {@code out}, redrawn when this process has a terminal. */
    Progress(PrintStream out) {
        this(out, terminal());
    }

    Progress(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /** Whether standard error is a terminal (the JVM has a console). */
    static boolean terminal() {
        return System.console() != null;
    }

    boolean redraws() {
        return redraw;
    }

    /** One step: redrawn over the last on a terminal, else a line of its own. */
    void step(String text) {
        if (redraw) redrawn(text);
        else out.println(text);
        out.flush();
    }

    /** A step worth showing only on a terminal (one per training batch, say); nothing otherwise. */
    void transientStep(String text) {
        if (!redraw) return;
        redrawn(text);
        out.flush();
    }

    /** A line that stays (an epoch's figures): on a terminal it replaces the redrawn step line. */
    void line(String text) {
        if (redraw && shown >= 0) out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        else out.print(text);
        out.println();
        shown = -1;
        out.flush();
    }

    /** Ends a redrawn line (the next output starts on a line of its own). */
    void end() {
        if (redraw && shown >= 0) out.println();
        shown = -1;
        out.flush();
    }

    private void redrawn(String text) {
        out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        shown = text.length();
    }

    /**
     * {@code err} as it should be written to by code that redraws with carriage returns: unchanged on a
     * terminal, else a stream that turns each redraw into a new line ({@link CarriageReturnsAsLines}).
     */
    static PrintStream lines(PrintStream err) {
        return terminal() ? err : new PrintStream(new CarriageReturnsAsLines(err), true, Charset.defaultCharset());
    }

    /**
     * A carriage return that would redraw a line becomes the end of that line: one at the start of a
     * line is dropped, one in a line ends it, one before a newline is that newline.
     */
    static final class CarriageReturnsAsLines extends OutputStream {
        private final OutputStream out;
        private boolean lineStarted;
        private boolean pendingReturn;

        CarriageReturnsAsLines(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            if (b == '\r') {
                pendingReturn = true;
                return;
            }
            if (pendingReturn) {
                pendingReturn = false;
                if (b != '\n' && lineStarted) {
                    out.write('\n');
                    lineStarted = false;
                }
            }
            out.write(b);
            lineStarted = b != '\n';
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int i = off; i < off + len; i++) write(b[i]);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            out.flush();
        }
    }
}
