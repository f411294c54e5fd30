package io.sightline.postprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against a real broker in KRaft mode ({@link KafkaTestBroker}), started by the
 * test as a separate process on loopback from the Kafka server jar (Maven Central).
 */
class KafkaSinkContractTest extends RejectSinkContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    private static KafkaTestBroker broker;
    private static int port;
    private static int run;
    private String prefix;


    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.plaintext(tmp);
        port = broker.port;
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
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
                    else {
                        out.add("trend " + j.get("line").asInt() + " " + j.get("detector").asText());
                        if (!j.get("forecast").isNull()) out.add(RejectSinkContract.forecast(j.get("line").asInt(), j.get("forecast")));
                        if (!j.get("class").isNull()) out.add("class " + j.get("line").asInt() + " " + j.get("class").asText());
                    }
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

    @Override
    protected boolean carriesClass() {
        return true;
    }

    @Override
    protected boolean carriesForecast() {
        return true;
    }
}
