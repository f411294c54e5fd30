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
 */
final class ProcessSignals implements AutoCloseable {
    enum Event { STOP, RELOAD }

    /** A signal received: which one and what it asks for. */
    record Received(String signal, Event event) {}

    private final BlockingQueue<Received> events = new LinkedBlockingQueue<>();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    /** Installs the handlers; a signal the platform does not have is left alone. */
    static ProcessSignals install() {
        ProcessSignals s = new ProcessSignals();
        s.handle("TERM", Event.STOP);
        s.handle("INT", Event.STOP);
        s.handle("HUP", Event.RELOAD);
        return s;
    }

    private void handle(String name, Event event) {
        try {
            Signal signal = new Signal(name);
            SignalHandler old = Signal.handle(signal, sig -> events.add(new Received("SIG" + name, event)));
            installed.add(signal);
            previous.add(old);
        } catch (IllegalArgumentException unavailable) {
            // not on this platform (or the JVM keeps it): the default handling stays
        }
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
