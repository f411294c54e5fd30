package io.sightline.station.cli;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code run} verifies before the first frame is accepted, in order, one log line each. A
 * failed check ends the start-up with every result so far; a check that only warns (an output not
 * reachable yet: it buffers until it is) is reported and the start goes on.
 */
final class StartupChecks {
    private static final Logger LOG = LoggerFactory.getLogger("startup");

    /** Thrown when a check fails: the station refuses to run. */
    static final class Failed extends IllegalStateException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A check's work; returns what it found, for the log line. */
    interface Check<T> {
        T run() throws Exception;
    }

    private final List<String> passed = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final boolean logged;

    /** Checks that log each result and name the failed check ({@code run}). */
    StartupChecks() {
        this(true);
    }

    /**
     * @param logged false: each check just runs and a failure is its own exception, unwrapped and not
     *               logged (the demo, whose errors are its options' messages)
     */
    StartupChecks(boolean logged) {
        this.logged = logged;
    }

    /** Whether results are logged (and outputs given time to come up). */
    boolean logged() {
        return logged;
    }

    /**
     * Runs one check; its failure stops the start-up.
     *
     * @throws Failed naming the check and why
     */
    <T> T require(String what, Check<T> check) throws Exception {
        return require(what, check, r -> r instanceof CharSequence c ? c.toString() : null);
    }

    /**
     * Runs one check and logs what it found as {@code describe} puts it (null: nothing more than ok).
     *
     * @throws Failed naming the check and why
     */
    <T> T require(String what, Check<T> check, java.util.function.Function<T, String> describe) throws Exception {
        if (!logged) return check.run();
        try {
            T result = check.run();
            String found = describe.apply(result);
            String line = what + ": ok" + (found == null ? "" : " (" + found + ")");
            passed.add(line);
            LOG.info("start-up check {}", line);
            return result;
        } catch (Exception e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
            LOG.error("start-up check {}: FAILED: {}", what, why);
            throw new Failed("start-up check failed: " + what + ": " + why + " (the station did not start; " + passed.size()
                    + " check(s) had passed)", e);
        }
    }

    /** Records a warning: the start goes on, and the warning is in the summary. */
    void warn(String what, String why) {
        warnings.add(what + ": " + why);
        if (logged) LOG.warn("start-up check {}: {}", what, why);
    }

    List<String> passed() {
        return List.copyOf(passed);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
