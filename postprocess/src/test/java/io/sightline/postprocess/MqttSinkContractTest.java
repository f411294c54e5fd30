package io.sightline.postprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT sink against a real Mosquitto broker that the test starts on loopback (Debian package
 * {@code mosquitto}; CI installs it). Skips with a message when the broker is not installed.
 */
class MqttSinkContractTest extends RejectSinkContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Process broker;
    private int port;
    private MqttClient subscriber;

    static String mosquitto() {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"}) {
            if (Files.isExecutable(Path.of(dir, "mosquitto"))) return dir + "/mosquitto";
        }
        return null;
    }


    @BeforeEach
    void startBroker() throws Exception {
        String binary = mosquitto();
        Assumptions.assumeTrue(binary != null, "mosquitto is not installed (apt-get install mosquitto): skipping the MQTT sink's contract test");
        port = io.sightline.postprocess.LoopbackPorts.free();
        Path conf = tmp.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        broker = new ProcessBuilder(binary, "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
        subscriber = new MqttClient("tcp://127.0.0.1:" + port, "contract-subscriber", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setConnectionTimeout(5);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                subscriber.connect(o);
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("mosquitto did not start: " + Files.readString(tmp.resolve("mosquitto.log")), e);
                Thread.sleep(50);
            }
        }
        subscriber.subscribe("test/#", 1, (topic, message) -> {
            JsonNode j = JSON.readTree(message.getPayload());
            if (topic.endsWith("/reject")) arrivals.add("reject " + j.get("line").asInt() + " " + j.get("part").asLong());
            else if (topic.endsWith("/result")) arrivals.add("result " + j.get("line").asInt() + " " + j.get("part").asLong() + " " + j.get("decision").asText());
            else if (topic.endsWith("/trend")) {
                arrivals.add("trend " + j.get("line").asInt() + " " + j.get("detector").asText());
                if (!j.get("forecast").isNull()) arrivals.add(RejectSinkContract.forecast(j.get("line").asInt(), j.get("forecast")));
                if (!j.get("class").isNull()) arrivals.add("class " + j.get("line").asInt() + " " + j.get("class").asText());
            }
        });
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (subscriber != null && subscriber.isConnected()) subscriber.disconnect();
        if (subscriber != null) subscriber.close();
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    protected RejectSink newSink() {
        return new MqttSink("tcp://127.0.0.1:" + port, "station-under-test", "test", 10_000);
    }

    @Override
    protected RejectSink newSinkToNowhere(int capacity) throws Exception {
        return new MqttSink("tcp://127.0.0.1:" + io.sightline.postprocess.LoopbackPorts.free(), "station-nowhere", "test", capacity);
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
