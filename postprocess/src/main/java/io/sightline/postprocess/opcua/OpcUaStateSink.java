package io.sightline.postprocess.opcua;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.trend.TrendAlarm;

/**
 * Publishes the station's state on its own OPC UA server ({@link OpcUaStationServer} with
 * {@link OpcUaStationServer#STATION_VARIABLES}): the last result and the counters after every
 * part, trend alarms in {@code Errors}. Setting a variable is an in-memory update; clients read
 * or subscribe to them.
 */
public final class OpcUaStateSink implements RejectSink {
    private final OpcUaStationServer server;
    private final boolean ownsServer;
    private long passed;
    private long rejected;
    private long failSafe;

    public OpcUaStateSink(OpcUaStationServer server) {
        this(server, false);
    }

    /** @param ownsServer close the server with the sink */
    public OpcUaStateSink(OpcUaStationServer server, boolean ownsServer) {
        this.server = server;
        this.ownsServer = ownsServer;
        server.set("State", "Running");
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        // counted with its result
    }

    @Override
    public synchronized void result(int line, long partId, Outcome outcome, float defectScore) {
        if (outcome == Outcome.PASS) passed++;
        else if (outcome.isFailSafe()) failSafe++;
        else rejected++;
        server.set("LastResult/Line", line);
        server.set("LastResult/Part", partId);
        server.set("LastResult/Decision", outcome.decision());
        server.set("LastResult/Reason", outcome.reason());
        server.set("LastResult/Score", Float.isNaN(defectScore) ? -1.0 : (double) defectScore);
        server.set("Counters/Passed", passed);
        server.set("Counters/Rejected", rejected);
        server.set("Counters/FailSafe", failSafe);
    }

    @Override
    public synchronized void trendAlarm(TrendAlarm a) {
        TrendAlarm.Forecast f = a.forecast();
        String forecast = f == null ? "" : String.format(java.util.Locale.ROOT, ": expected %.2f %% of the next %d parts rejected (%.0f %% interval"
                + " %.2f-%.2f %%, limit %.2f %%)", 100 * f.rate(), f.horizonParts(), 100 * f.level(), 100 * f.lower(), 100 * f.upper(),
                100 * f.limitRate());
        server.set("Errors", a.raised() ? "trend alarm on line " + a.line() + " (" + a.detector() + ", part " + a.partIndex() + ")" + forecast : "");
    }

    @Override
    public SinkHealth health() {
        return SinkHealth.UP;
    }

    @Override
    public void close() {
        server.set("State", "Stopped");
        if (ownsServer) {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("OPC UA server did not stop: " + e.getMessage(), e);
            }
        }
    }
}
