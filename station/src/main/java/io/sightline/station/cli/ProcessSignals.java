package io.sightline.station.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals a running station answers, turned into events for its main loop: {@code TERM} and
 * {@code INT} ask for a drain and a clean exit (the JVM's own handling would run the shutdown hooks
 * and exit 143 with frames still in the ring), {@code HUP} asks for a reload of the thresholds.
 * The handlers only queue the event; the main loop does the work, so nothing runs on the signal
 * thread. Closing puts the previous handlers back.
 *
 * <p>A process started with {@code HUP} ignored (under {@code nohup}, or after {@code trap '' HUP})
 * never sees it: the JVM leaves an ignored shutdown signal ignored and installs no handler. That is
 * detected at install ({@code SigIgn} in {@code /proc/self/status}, or the ignoring handler the JVM
 * hands back) so that {@code run} can say so at start, naming the other ways to reload.
 */
final class ProcessSignals implements AutoCloseable {
    enum Event { STOP, RELOAD }

    /** A signal received: which one and what it asks for. */
    record Received(String signal, Event event) {}

    private final BlockingQueue<Received> events = new LinkedBlockingQueue<>();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private boolean hupIgnored;

    /** Installs the handlers; a signal the platform does not have is left alone. */
    static ProcessSignals install() {
        ProcessSignals s = new ProcessSignals();
        s.hupIgnored = ignoredAtStart(1);
        s.handle("TERM", Event.STOP);
        s.handle("INT", Event.STOP);
        if (s.handle("HUP", Event.RELOAD) == SignalHandler.SIG_IGN) s.hupIgnored = true;
        return s;
    }

    /** Installs one handler; returns the one it replaced, or null when the signal is not available. */
    private SignalHandler handle(String name, Event event) {
        try {
            Signal signal = new Signal(name);
            SignalHandler old = Signal.handle(signal, sig -> events.add(new Received("SIG" + name, event)));
            installed.add(signal);
            previous.add(old);
            return old;
        } catch (IllegalArgumentException unavailable) {
            return null; // not on this platform (or the JVM keeps it): the default handling stays
        }
    }

    /**
     * What {@code run} says at start when SIGHUP cannot reload (it was ignored when the process
     * started, so it is never delivered), naming the other ways; null when SIGHUP works.
     *
     * @param server whether the config enables the dashboard server (and so its threshold endpoint)
     */
    String hupWarning(boolean server) {
        if (!hupIgnored) return null;
        return "SIGHUP is ignored by this process (started under nohup, or with the signal ignored), so it will never arrive and"
                + " does not reload the thresholds; reload them with the dashboard server's POST /api/thresholds"
                + (server ? "" : " (enable server in the config)") + ", or restart the station (SIGTERM drains first)";
    }

    /** Whether SIGHUP reloads: false when it was ignored at start. */
    boolean reloadsOnHup() {
        return !hupIgnored;
    }

    /** Whether {@code signal} is ignored in this process now, by {@code /proc/self/status}; false where it cannot be read. */
    private static boolean ignoredAtStart(int signal) {
        try {
            return ignored(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status")), signal);
        } catch (java.io.IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /**
     * Whether the {@code SigIgn} mask of a {@code /proc/PID/status} text has {@code signal} (1-based:
     * bit {@code signal - 1}); false without such a line.
     */
    static boolean ignored(String procStatus, int signal) {
        for (String line : procStatus.split("\n")) {
            if (!line.startsWith("SigIgn:")) continue;
            String hex = line.substring("SigIgn:".length()).trim();
            int digit = (signal - 1) / 4; // from the right
            if (digit >= hex.length()) return false;
            int nibble = Character.digit(hex.charAt(hex.length() - 1 - digit), 16);
            return nibble >= 0 && (nibble >> ((signal - 1) % 4) & 1) == 1;
        }
        return false;
    }

    /** The next signal within {@code millis}, or null. */
    Received poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) Signal.handle(installed.get(i), previous.get(i));
        installed.clear();
        previous.clear();
    }
}
