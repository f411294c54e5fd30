package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Results, reject signals and trend alarms as JSON to an MQTT broker, QoS 1 (Eclipse Paho).
 *
 * <pre>
 *   reject / result / trendAlarm (any thread, never blocks)
 *      --offer--> bounded queue (capacity N; full: the signal is dropped, counted, health reports it)
 *      --publisher thread--> PREFIX/line/L/reject | PREFIX/line/L/result | PREFIX/line/L/trend   (QoS 1)
 *   broker down: the client reconnects by itself; the queue holds what waits
 * </pre>
 *
 * A station whose broker is unreachable at start-up starts anyway: the sink reports itself down
 * and buffers within its bound. The ejector must not depend on a broker: MQTT is for reporting.
 */
public final class MqttSink implements RejectSink {
    private static final long RETRY_MILLIS = 200;

    private final String prefix;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ArrayBlockingQueue<String[]> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread publisher;
    private volatile String lastError;
    private volatile boolean closed;

    /**
     * @param brokerUri e.g. {@code tcp://127.0.0.1:1883}
     * @param topicPrefix e.g. {@code sightline/station-1}
     * @param capacity signals held while the broker cannot take them
     * @throws IllegalArgumentException when the URI is malformed (an unreachable broker is not an error)
     */
    public MqttSink(String brokerUri, String clientId, String topicPrefix, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("MQTT buffer capacity must be at least 1, got " + capacity);
        this.prefix = topicPrefix;
        this.queue = new ArrayBlockingQueue<>(capacity);
        try {
            this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("MQTT broker URI '" + brokerUri + "' is not usable: " + e.getMessage(), e);
        }
        this.options = new MqttConnectOptions();
        options.setAutomaticReconnect(true);
        options.setCleanSession(false);
        options.setMaxInflight(1000);
        options.setConnectionTimeout(5);
        this.publisher = new Thread(this::publishLoop, "sightline-mqtt-" + clientId);
        publisher.setDaemon(true);
        publisher.start();
    }

    private void connectIfNeeded() {
        if (client.isConnected()) return;
        try {
            client.connect(options).waitForCompletion(TimeUnit.SECONDS.toMillis(6));
            lastError = null;
        } catch (MqttException e) {
            lastError = "cannot reach " + client.getServerURI() + ": " + e.getMessage();
        }
    }

    private void publishLoop() {
        String[] next = null;
        while (!closed || next != null || !queue.isEmpty()) {
            try {
                if (next == null) next = queue.poll(100, TimeUnit.MILLISECONDS);
                if (next == null) continue;
                connectIfNeeded();
                if (!client.isConnected()) {
                    if (closed) break;
                    Thread.sleep(RETRY_MILLIS);
                    continue;
                }
                MqttMessage message = new MqttMessage(next[1].getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                client.publish(next[0], message).waitForCompletion(TimeUnit.SECONDS.toMillis(5));
                delivered.incrementAndGet();
                next = null;
            } catch (MqttException e) {
                lastError = "publish to " + client.getServerURI() + " failed: " + e.getMessage();
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void offer(String topic, String json) {
        if (closed || !queue.offer(new String[] {topic, json})) dropped.incrementAndGet();
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        offer(prefix + "/line/" + line + "/reject", String.format(Locale.ROOT,
                "{\"line\":%d,\"part\":%d,\"reason\":\"%s\",\"score\":%s,\"deadlineInUs\":%d}", line, partId, reason.reason(),
                score(defectScore), (deadlineNanos - System.nanoTime()) / 1000));
    }

    @Override
    public void result(int line, long partId, Outcome outcome, float defectScore) {
        offer(prefix + "/line/" + line + "/result", String.format(Locale.ROOT,
                "{\"line\":%d,\"part\":%d,\"decision\":\"%s\",\"reason\":\"%s\",\"score\":%s}", line, partId,
                DecisionJournal.decision(outcome), outcome.reason(), score(defectScore)));
    }

    @Override
    public void trendAlarm(TrendAlarm a) {
        offer(prefix + "/line/" + a.line() + "/trend", String.format(Locale.ROOT,
                "{\"line\":%d,\"detector\":\"%s\",\"part\":%d,\"raised\":%b,\"value\":%s,\"limit\":%s,\"rule\":\"%s\"}", a.line(),
                a.detector(), a.partIndex(), a.raised(), num(a.value()), num(a.limit()), a.rule().replace("\"", "'")));
    }

    private static String score(float s) {
        return Float.isNaN(s) ? "null" : Float.toString(s);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    @Override
    public SinkHealth health() {
        return new SinkHealth(client.isConnected(), queue.size(), dropped.get(), lastError);
    }

    /** Messages the broker acknowledged (QoS 1). */
    public long delivered() {
        return delivered.get();
    }

    /** Stops taking signals, delivers what waits for up to 5 s if the broker is there, disconnects. */
    @Override
    public void close() {
        closed = true;
        try {
            publisher.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.interrupt();
        try {
            if (client.isConnected()) client.disconnect().waitForCompletion(2000);
        } catch (MqttException ignored) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // closing anyway
        }
    }
}
