package io.sightline.station.cli;

import io.sightline.station.telemetry.StationStats;
import java.io.PrintStream;

/** The demo's live figures, one status line per second: by the {@link Progress} rule (redrawn in place on a terminal, a line each otherwise). */
final class StatusLine {
    private final Progress out;
    private long lastCaptured;
    private double lastElapsed;

    StatusLine(PrintStream out) {
        this.out = new Progress(out);
    }

    /** Prints at most once a second. */
    void printEverySecond(StationStats s) {
        if (s.elapsedSeconds() - lastElapsed >= 1.0 || lastElapsed == 0 && s.elapsedSeconds() >= 1.0) print(s);
    }

    void print(StationStats s) {
        double dt = s.elapsedSeconds() - lastElapsed;
        double rate = dt > 0 ? (s.captured() - lastCaptured) / dt : 0;
        lastCaptured = s.captured();
        lastElapsed = s.elapsedSeconds();
        String line = String.format("[%6.1fs] captured %7d  pass %7d  reject %6d  fail-safe %5d  in flight %4d | %7.1f parts/s  p99 %7.2f ms  batch %5.2f",
                s.elapsedSeconds(), s.captured(), s.passed(), s.rejected(), s.failSafe(), s.inFlight(), rate,
                s.latencyP99Ms(), s.meanBatch());
        out.step(line);
    }

    void finish() {
        out.end();
    }
}
