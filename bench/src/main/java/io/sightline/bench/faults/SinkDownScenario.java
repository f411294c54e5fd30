package io.sightline.bench.faults;

import io.sightline.capture.FrameSource;
import io.sightline.postprocess.BufferedSink;
import io.sightline.postprocess.CompositeSink;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.KafkaSink;
import io.sightline.postprocess.ModbusPlc;
import io.sightline.postprocess.ModbusSink;
import io.sightline.postprocess.MqttSink;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.opcua.OpcUaSink;
import io.sightline.postprocess.opcua.OpcUaStationServer;
import io.sightline.station.StationAttachments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The reject sink's far end is down for 30 s (full length): the PLC's Modbus TCP server
 * ({@code sink-down-modbus}, j2mod in-process on loopback), the MQTT broker ({@code sink-down-mqtt},
 * a Mosquitto process on loopback), the Kafka broker ({@code sink-down-kafka}, a KRaft broker process
 * on loopback) or the PLC's OPC UA server ({@code sink-down-opcua}, Milo in-process on loopback) is
 * stopped, then started again on the same port. The station runs with its decision journal and the
 * real {@link ModbusSink} / {@link MqttSink} / {@link KafkaSink} / {@link OpcUaSink}.
 *
 * <p>What must happen: every outcome is still recorded and journaled, and decided on time (the sink
 * never blocks the decision thread, so there is no fail-safe at all); the sink reports itself down,
 * then up; what it buffered is delivered after the restart (or, past its bound, counted as dropped),
 * and the far end ends up with every part's result.
 */
final class SinkDownScenario implements FaultScenario {
    enum Kind {
        MODBUS("sink-down-modbus", "the PLC's Modbus TCP server is down for 30 s, then back on the same port", 2),
        MQTT("sink-down-mqtt", "the MQTT broker (Mosquitto) is down for 30 s, then back on the same port", 2),
        /*
         * The Kafka producer holds a record for its delivery timeout (10 s) before the send fails, so
         * a shorter outage never shows the sink down: a shortened run keeps 14 s of it.
         */
        KAFKA("sink-down-kafka", "the Kafka broker (KRaft) is down for 30 s, then back on the same port", 14),
        OPCUA("sink-down-opcua", "the PLC's OPC UA server is down for 30 s, then a new one on the same port", 2);

        final String scenario;
        final String fault;
        final double minFaultSeconds;

        Kind(String scenario, String fault, double minFaultSeconds) {
            this.scenario = scenario;
            this.fault = fault;
            this.minFaultSeconds = minFaultSeconds;
        }
    }

    static final double FPS_PER_LINE = 50;
    static final int BUFFER = 20_000;

    private final Kind kind;

    SinkDownScenario(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind.scenario;
    }

    @Override
    public String fault() {
        return kind.fault;
    }

    @Override
    public String missingRequirement() {
        if (kind == Kind.MQTT && MosquittoBroker.binary() == null) {
            return "mosquitto is not installed (apt-get install mosquitto): the MQTT broker cannot be started";
        }
        if (kind == Kind.KAFKA && KafkaBroker.classpath() == null) {
            return "the Kafka server jar (kafka_2.13) is not on the class path: build with mvn package";
        }
        return null;
    }

    @Override
    public ScenarioResult run(FaultContext ctx) throws Exception {
        Timeline t = new Timeline(ctx.seconds(5, 2), ctx.seconds(30, kind.minFaultSeconds), ctx.seconds(10, 2));
        Path dir = ctx.newDir(name() + "-");
        FarEnd remote;
        BufferedSink<?> sink;
        if (kind == Kind.MODBUS) {
            LoopbackModbusPlc plc = new LoopbackModbusPlc();
            remote = plc;
            sink = new ModbusSink(new ModbusPlc("127.0.0.1", plc.port, 1), BUFFER);
        } else if (kind == Kind.MQTT) {
            MosquittoBroker broker = new MosquittoBroker(dir, "sightline/faults");
            remote = broker;
            sink = new MqttSink(broker.uri(), "sightline-faults-station", "sightline/faults", BUFFER);
        } else if (kind == Kind.KAFKA) {
            KafkaBroker broker = new KafkaBroker(dir, "sightline-faults");
            remote = broker;
            sink = new KafkaSink(broker.bootstrap(), "sightline-faults-station", "sightline-faults", BUFFER);
        } else {
            LoopbackOpcUaPlc plc = new LoopbackOpcUaPlc();
            remote = plc;
            sink = new OpcUaSink(plc.endpointUrl(), OpcUaStationServer.NAMESPACE_URI, LoopbackOpcUaPlc.FOLDER, BUFFER);
        }
        Path journalFile = dir.resolve("journal.db");
        DecisionJournal journal = DecisionJournal.open(journalFile, new String[] {"line-0", "line-1"},
                ctx.model().info().name() + " " + ctx.model().info().version(), "none", false);
        OutcomeLog log = new OutcomeLog(t);
        HealthWatch health = new HealthWatch(sink, log, t);
        try (remote; sink; journal) {
            List<FrameSource> sources = new ArrayList<>();
            for (int i = 0; i < FaultContext.LINES; i++) {
                sources.add(new TriggeredCamera("triggered:line-" + i, ctx.replay(i), t, FPS_PER_LINE, FPS_PER_LINE));
            }
            health.start();
            StationRun.Figures f = StationRun.run(ctx.config(FPS_PER_LINE, FaultContext.RELAXED_DEADLINE_MILLIS), ctx.model(),
                    sources, StationAttachments.of(new CompositeSink(List.of(log, sink))).withJournal(journal), t, new StationRun.Hooks() {
                        @Override
                        public void atFaultStart() throws Exception {
                            remote.stop();
                        }

                        @Override
                        public void atFaultEnd() throws Exception {
                            remote.start();
                        }
                    });
            // every signal offered is delivered or dropped before the far end is checked
            long offered = log.total() + rejects(log);
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sink.delivered() + sink.health().dropped() < offered && System.nanoTime() - limit < 0) Thread.sleep(10);
            // the last acknowledged messages reach the subscriber: at once for most, but a
            // subscriber may still be reconnecting to a restarted far end when the sink is done
            long captured = f.stats().captured();
            long rejectsOffered = rejects(log);
            limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((remote.results().size() < captured || remote.rejects().size() < rejectsOffered)
                    && sink.health().dropped() == 0 && System.nanoTime() - limit < 0) {
                Thread.sleep(10);
            }
            Thread.sleep(200); // repeats still on their way
            health.stop();
            SinkHealth h = sink.health();
            long journaled = journal.appended();
            boolean allResults = remote.results().size() == captured;
            boolean sideRecovered = health.wentDown() && health.upAgainNanos() != 0 && health.drainedNanos() != 0
                    && (allResults || h.dropped() > 0) && journaled == captured;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("sinkWentDown", health.wentDown());
            d.put("sinkUpAgainMs", health.upAgainNanos() == 0 ? null : StationRun.round((health.upAgainNanos() - t.faultEnd()) / 1e6));
            d.put("sinkRecoveryMs", health.drainedNanos() == 0 ? null : StationRun.round((health.drainedNanos() - t.faultEnd()) / 1e6));
            d.put("maxBuffered", health.maxBuffered());
            d.put("offered", offered);
            d.put("delivered", sink.delivered());
            d.put("dropped", h.dropped());
            d.put("resultsReceived", remote.results().size());
            d.put("rejectsReceived", remote.rejects().size());
            d.put("receivedWithRepeats", remote.received());
            d.put("journaled", journaled);
            d.put("conflictingRecords", remote.conflicts());
            d.put("missingResults", missing(remote.results()));
            d.put("lastSinkError", health.lastError());
            String notes = String.format(Locale.ROOT, "sink down %s, up again %s ms after the restart, backlog of up to %d"
                            + " signals delivered %s ms after it (%d delivered, %d dropped); the far end has %d of %d results;"
                            + " %d journaled", health.wentDown() ? "seen" : "NOT seen",
                    d.get("sinkUpAgainMs"), health.maxBuffered(), d.get("sinkRecoveryMs"), sink.delivered(), h.dropped(),
                    remote.results().size(), captured, journaled);
            return StationRun.result(this, f, log, t, Set.of(), sideRecovered, notes, d);
        } finally {
            health.stop();
        }
    }

    /** Up to 20 parts ("line/part") below the highest part id received on their line whose result did not arrive. */
    static List<String> missing(Set<String> received) {
        long[] max = new long[FaultContext.LINES];
        for (String r : received) {
            String[] lp = r.split("/");
            int line = Integer.parseInt(lp[0]);
            max[line] = Math.max(max[line], Long.parseLong(lp[1]));
        }
        List<String> out = new ArrayList<>();
        for (int line = 0; line < max.length; line++) {
            for (long p = 0; p < max[line] && out.size() < 20; p++) {
                if (!received.contains(line + "/" + p)) out.add(line + "/" + p);
            }
        }
        return out;
    }

    private static long rejects(OutcomeLog log) {
        long n = 0;
        for (Outcome o : Outcome.values()) if (o.isReject()) n += log.count(o);
        return n;
    }

    /**
     * Watches the sink's health every 5 ms: whether it went down during the outage, when it was up
     * again after the restart, and when everything offered so far had been delivered (or dropped).
     */
    private static final class HealthWatch {
        private final BufferedSink<?> sink;
        private final OutcomeLog log;
        private final Timeline t;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean wentDown;
        private volatile long upAgainNanos;
        private volatile long drainedNanos;
        private volatile long maxBuffered;
        private volatile String lastError;

        HealthWatch(BufferedSink<?> sink, OutcomeLog log, Timeline t) {
            this.sink = sink;
            this.log = log;
            this.t = t;
            this.thread = new Thread(this::watch, "faults-sink-health");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void watch() {
            while (running) {
                long now = System.nanoTime();
                long offered = log.total() + rejects(log);
                SinkHealth h = sink.health();
                long done = sink.delivered() + h.dropped();
                maxBuffered = Math.max(maxBuffered, offered - done);
                if (h.lastError() != null) lastError = h.lastError();
                if (t.started()) {
                    Timeline.Phase p = t.phaseAt(now);
                    if (p == Timeline.Phase.FAULT && !h.up()) wentDown = true;
                    if (p == Timeline.Phase.AFTER) {
                        if (h.up() && upAgainNanos == 0) upAgainNanos = now;
                        if (upAgainNanos != 0 && drainedNanos == 0 && done >= offered) drainedNanos = now;
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(1_000);
        }

        boolean wentDown() {
            return wentDown;
        }

        long upAgainNanos() {
            return upAgainNanos;
        }

        long drainedNanos() {
            return drainedNanos;
        }

        long maxBuffered() {
            return maxBuffered;
        }

        String lastError() {
            return lastError;
        }
    }
}
