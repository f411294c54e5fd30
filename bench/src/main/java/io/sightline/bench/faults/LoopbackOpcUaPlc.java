package io.sightline.bench.faults;

import io.sightline.postprocess.opcua.OpcUaSink;
import io.sightline.postprocess.opcua.OpcUaStationServer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A PLC stand-in for the station's OPC UA client sink: the real {@link OpcUaStationServer} (Eclipse
 * Milo) on 127.0.0.1 holding the variables {@link OpcUaSink} writes, recording every result and
 * reject record (each time its sequence number is written, the last of its request). It can be
 * closed, which drops the sink's session and refuses connections, and started again on the same
 * port: a new server, as a PLC that was switched off and on, whose variables start from zero.
 */
final class LoopbackOpcUaPlc implements FarEnd {
    static final String FOLDER = "PLC";

    final int port;
    private final Set<String> results = ConcurrentHashMap.newKeySet();
    private final Set<String> rejects = ConcurrentHashMap.newKeySet();
    private final AtomicLong writes = new AtomicLong();
    private OpcUaStationServer server;

    LoopbackOpcUaPlc() throws Exception {
        this.port = LoopbackModbusPlc.freePort();
        start();
    }

    String endpointUrl() {
        return "opc.tcp://127.0.0.1:" + port + "/sightline";
    }

    /** Starts a server on the port (again). */
    @Override
    public synchronized void start() throws Exception {
        if (server != null) return;
        OpcUaStationServer s = new OpcUaStationServer("127.0.0.1", port, FOLDER, OpcUaSink.PLC_VARIABLES, true);
        s.onChange("LastResult/Seq", v -> {
            writes.incrementAndGet();
            results.add(s.get("LastResult/Line") + "/" + s.get("LastResult/Part"));
        });
        s.onChange("LastReject/Seq", v -> {
            writes.incrementAndGet();
            rejects.add(s.get("LastReject/Line") + "/" + s.get("LastReject/Part"));
        });
        server = s;
    }

    /** Shuts the server down: its sessions end and the port refuses connections. */
    @Override
    public synchronized void stop() throws Exception {
        if (server == null) return;
        server.close();
        server = null;
    }

    /** Distinct (line/part) results received. */
    @Override
    public Set<String> results() {
        return results;
    }

    @Override
    public Set<String> rejects() {
        return rejects;
    }

    /** Result and reject records written, repeats included. */
    @Override
    public long received() {
        return writes.get();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
