package io.sightline.bench.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A real Mosquitto broker process on 127.0.0.1 (a free port), with a subscriber that records every
 * result and reject the station publishes. The broker can be stopped (SIGTERM) and started again on
 * the same port; it persists its sessions, so the subscriber's persistent session (clean session
 * off, QoS 1) keeps what the station publishes before the subscriber is back: the count is of what
 * the station delivered, not of a race between the two clients' reconnects.
 */
final class MosquittoBroker implements FarEnd {
    private static final Pattern PART = Pattern.compile("\"line\":(\\d+),\"part\":(\\d+)");

    final int port;
    private final Path dir;
    private final String binary;
    private final Set<String> results = ConcurrentHashMap.newKeySet();
    private final Set<String> rejects = ConcurrentHashMap.newKeySet();
    private final AtomicLong messages = new AtomicLong();
    private final String topicPrefix;
    private Process process;
    private MqttClient subscriber;

    /** Where Mosquitto is installed, or null. */
    static String binary() {
        for (String d : new String[] {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"}) {
            if (Files.isExecutable(Path.of(d, "mosquitto"))) return d + "/mosquitto";
        }
        return null;
    }

    MosquittoBroker(Path dir, String topicPrefix) throws Exception {
        this.binary = binary();
        if (binary == null) throw new IllegalStateException("mosquitto is not installed (apt-get install mosquitto)");
        this.dir = dir;
        this.topicPrefix = topicPrefix;
        this.port = LoopbackModbusPlc.freePort();
        Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "persistence true\npersistence_location " + dir + "/\nautosave_interval 0\nmax_queued_messages 0\n"
                // run as root, Mosquitto would drop to user mosquitto, which cannot save its sessions in our folder
                + "user " + System.getProperty("user.name") + "\n");
        start();
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker (again) and (re)connects the subscriber. */
    @Override
    public synchronized void start() throws Exception {
        if (process != null) return;
        process = new ProcessBuilder(binary, "-c", dir.resolve("mosquitto.conf").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        if (subscriber == null) {
            subscriber = new MqttClient(uri(), "sightline-faults-subscriber", new MemoryPersistence());
            subscriber.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received(topic, message);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setConnectionTimeout(5);
        o.setMaxInflight(1000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                subscriber.connect(o);
                break;
            } catch (Exception e) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("mosquitto did not start on port " + port + ": "
                            + Files.readString(dir.resolve("mosquitto.log")), e);
                }
                Thread.sleep(50);
            }
        }
        subscriber.subscribe(topicPrefix + "/#", 1);
    }

    private void received(String topic, MqttMessage message) {
        messages.incrementAndGet();
        Matcher m = PART.matcher(new String(message.getPayload(), StandardCharsets.UTF_8));
        if (!m.find()) return;
        String id = m.group(1) + "/" + m.group(2);
        if (topic.endsWith("/result")) results.add(id);
        else if (topic.endsWith("/reject")) rejects.add(id);
    }

    /** Stops the broker (SIGTERM: it saves its sessions) and waits for it to exit. */
    @Override
    public synchronized void stop() throws Exception {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
        try {
            if (subscriber.isConnected()) subscriber.disconnectForcibly(100, 100);
        } catch (Exception ignored) {
            // the broker is gone already
        }
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

    /** Messages received, repeats included. */
    @Override
    public long received() {
        return messages.get();
    }

    @Override
    public void close() throws Exception {
        stop();
        if (subscriber != null) subscriber.close(true);
    }
}
