package io.sightline.postprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against a real broker in KRaft mode, started by the test as a separate process
 * on loopback from the Kafka server jar (Maven Central), its log in a temporary folder.
 */
class KafkaSinkContractTest extends RejectSinkContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    private static Process broker;
    private static int port;
    private static int run;
    private String prefix;


    @BeforeAll
    static void startBroker() throws Exception {
        port = io.sightline.postprocess.LoopbackPorts.free();
        int controller = io.sightline.postprocess.LoopbackPorts.free();
        Path config = tmp.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller", "node.id=1", "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", "log.dirs=" + tmp.resolve("logs"),
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "num.partitions=1", "auto.create.topics.enable=true",
                "group.initial.rebalance.delay.ms=0") + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process format = new ProcessBuilder(java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(tmp.resolve("format.log")));
        }
        broker = new ProcessBuilder(java, "-Xmx512m", "-cp", cp, "-Dlog4j.configuration=none", "kafka.Kafka", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("broker.log").toFile()).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(20, TimeUnit.SECONDS)) broker.destroyForcibly();
        }
    }

    @Override
    protected RejectSink newSink() {
        prefix = "sightline" + (++run);
        return new KafkaSink("127.0.0.1:" + port, "station-under-test-" + run, prefix, 10_000);
    }

    @Override
    protected List<String> received() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(prefix + ".rejects", prefix + ".results", prefix + ".trend"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int quiet = 0;
            while (System.nanoTime() < deadline && quiet < 3) {
                var records = c.poll(Duration.ofMillis(500));
                if (records.isEmpty() && !c.assignment().isEmpty()) quiet++;
                for (ConsumerRecord<String, String> r : records) {
                    JsonNode j = JSON.readTree(r.value());
                    if (!r.key().equals("line-" + j.get("line").asInt())) throw new AssertionError("record keyed " + r.key() + ": " + r.value());
                    if (r.topic().endsWith(".rejects")) out.add("reject " + j.get("line").asInt() + " " + j.get("part").asLong());
                    else if (r.topic().endsWith(".results")) out.add("result " + j.get("line").asInt() + " " + j.get("part").asLong() + " " + j.get("decision").asText());
                    else out.add("trend " + j.get("line").asInt() + " " + j.get("detector").asText());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    protected RejectSink newSinkToNowhere(int capacity) throws Exception {
        return new KafkaSink("127.0.0.1:" + io.sightline.postprocess.LoopbackPorts.free(), "station-nowhere", "nowhere", capacity);
    }
}
