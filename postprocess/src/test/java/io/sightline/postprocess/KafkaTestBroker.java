package io.sightline.postprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker in KRaft mode, started as a separate process on loopback from the Kafka
 * server jar on the test class path, its log and data in a folder of the test's.
 */
final class KafkaTestBroker implements AutoCloseable {
    final int port;
    private final Process process;

    private KafkaTestBroker(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** A broker whose clients use a PLAINTEXT listener on {@link #port}. */
    static KafkaTestBroker plaintext(Path dir) throws Exception {
        int port = LoopbackPorts.free();
        return start(dir, port, "PLAINTEXT://127.0.0.1:" + port, "PLAINTEXT", List.of(), List.of());
    }

    /**
     * @param clientListener e.g. {@code SASL_SSL://127.0.0.1:PORT}, beside the PLAINTEXT listener the broker talks to itself on
     * @param clientProtocol the security protocol of that listener
     * @param more further server.properties lines
     * @param scram SCRAM credentials written at format time, as {@code kafka-storage format --add-scram} takes them
     */
    static KafkaTestBroker start(Path dir, int port, String clientListener, String clientProtocol, List<String> more, List<String> scram)
            throws Exception {
        int internal = clientProtocol.equals("PLAINTEXT") ? -1 : LoopbackPorts.free();
        int controller = LoopbackPorts.free();
        String listeners = clientListener + (internal < 0 ? "" : ",INTERNAL://127.0.0.1:" + internal);
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller", "node.id=1", "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=" + listeners + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=" + listeners, "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=" + clientListener.substring(0, clientListener.indexOf(':')) + ":" + clientProtocol
                        + (internal < 0 ? "" : ",INTERNAL:PLAINTEXT") + ",CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("logs"),
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "num.partitions=1", "auto.create.topics.enable=true",
                "group.initial.rebalance.delay.ms=0"));
        if (internal >= 0) lines.add("inter.broker.listener.name=INTERNAL");
        lines.addAll(more);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n", lines) + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> format = new ArrayList<>(List.of(java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString()));
        for (String s : scram) format.addAll(List.of("--add-scram", s));
        Process f = new ProcessBuilder(format).redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
        }
        Process broker = new ProcessBuilder(java, "-Xmx512m", "-cp", cp, "-Dlog4j.configuration=none", "kafka.Kafka", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
        return new KafkaTestBroker(port, broker);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
