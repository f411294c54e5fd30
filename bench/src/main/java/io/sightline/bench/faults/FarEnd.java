package io.sightline.bench.faults;

import java.util.List;
import java.util.Set;

/**
 * The far end of an output in a sink-down scenario (a PLC stand-in, a broker with its subscriber):
 * stopped and started again on the same address, counting what it received.
 */
interface FarEnd extends AutoCloseable {
    void stop() throws Exception;

    void start() throws Exception;

    /** Distinct (line/part) results received. */
    Set<String> results();

    /** Distinct (line/part) rejects received. */
    Set<String> rejects();

    /** Messages or writes received, repeats included. */
    long received();

    /** Records that contradict each other (the same part with two decisions); none by default. */
    default List<String> conflicts() {
        return List.of();
    }
}
