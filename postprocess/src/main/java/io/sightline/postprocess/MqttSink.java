package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
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
 * and buffers within its bound. So does one whose broker refuses it (a wrong password, a
 * certificate the station does not trust): its health says why, and the signals wait. The ejector must not depend on a broker: MQTT is for reporting.
 */
public final class MqttSink extends BufferedSink<String[]> {
    private final String prefix;
    private final MqttAsyncClient client;
    private final MqttConnectOptions options;

    /**
     * @param brokerUri e.g. {@code tcp://127.0.0.1:1883}
     * @param topicPrefix e.g. {@code sightline/station-1}
     * @param capacity signals held while the broker cannot take them
     * @throws IllegalArgumentException when the URI is malformed (an unreachable broker is not an error)
     */
    public MqttSink(String brokerUri, String clientId, String topicPrefix, int capacity) {
        this(brokerUri, clientId, topicPrefix, capacity, Security.NONE);
    }

    /**
     * How the sink authenticates: TLS (for {@code ssl://} brokers; null there means the JVM's
     * default trust) and a user name with its password (null: anonymous).
     */
    public record Security(SSLContext tls, String username, char[] password) {
        /** Plain TCP, anonymous: a broker on loopback or an isolated network. */
        public static final Security NONE = new Security(null, null, null);

        public Security {
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("MQTT credentials need both a user name and a password");
            }
        }
    }

    /**
     * @param security TLS and credentials; with credentials over {@code tcp://} the password crosses
     *     the network in clear, which the station's config refuses unless told it is on purpose
     * @throws IllegalArgumentException when the URI is malformed, or TLS is given for a plain URI
     */
    public MqttSink(String brokerUri, String clientId, String topicPrefix, int capacity, Security security) {
        super("sightline-mqtt-" + clientId, capacity);
        this.prefix = topicPrefix;
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
        boolean tlsUri = brokerUri.startsWith("ssl://") || brokerUri.startsWith("wss://");
        if (security.tls() != null && !tlsUri) {
            throw new IllegalArgumentException("MQTT broker URI '" + brokerUri + "' is not a TLS URI (ssl:// or wss://) but TLS is configured");
        }
        if (security.tls() != null) {
            options.setSocketFactory(security.tls().getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        if (security.username() != null) {
            options.setUserName(security.username());
            options.setPassword(security.password().clone());
        }
        startDelivery();
    }

    @Override
    protected void deliver(String[] message) throws MqttException {
        if (!client.isConnected()) {
            try {
                client.connect(options).waitForCompletion(TimeUnit.SECONDS.toMillis(6));
            } catch (MqttException e) {
                // MqttException's own message is the bare reason code's text: the health needs the why
                throw new IllegalStateException(connectFailure(e), e);
            }
        }
        MqttMessage m = new MqttMessage(message[1].getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        client.publish(message[0], m).waitForCompletion(TimeUnit.SECONDS.toMillis(5));
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        offer(new String[] {prefix + "/line/" + line + "/reject", String.format(Locale.ROOT,
                "{\"line\":%d,\"part\":%d,\"reason\":\"%s\",\"score\":%s,\"deadlineInUs\":%d}", line, partId, reason.reason(),
                score(defectScore), (deadlineNanos - System.nanoTime()) / 1000)});
    }

    @Override
    public void result(int line, long partId, Outcome outcome, float defectScore) {
        offer(new String[] {prefix + "/line/" + line + "/result", String.format(Locale.ROOT,
                "{\"line\":%d,\"part\":%d,\"decision\":\"%s\",\"reason\":\"%s\",\"score\":%s}", line, partId,
                outcome.decision(), outcome.reason(), score(defectScore))});
    }

    @Override
    public void trendAlarm(TrendAlarm a) {
        offer(new String[] {prefix + "/line/" + a.line() + "/trend", String.format(Locale.ROOT,
                "{\"line\":%d,\"detector\":\"%s\",\"part\":%d,\"raised\":%b,\"value\":%s,\"limit\":%s,\"rule\":\"%s\",\"class\":%s,\"forecast\":%s}",
                a.line(), a.detector(), a.partIndex(), a.raised(), num(a.value()), num(a.limit()), a.rule().replace("\"", "'"),
                a.defectClassJson(), a.forecastJson())});
    }

    /** Why the broker could not be used, in words: refused credentials, an untrusted certificate, or no answer. */
    private String connectFailure(MqttException e) {
        String uri = client.getServerURI();
        if (e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION) {
            return "broker " + uri + " refused the user name or password (" + e.getMessage() + ")";
        }
        if (e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED) {
            return "broker " + uri + " refused the connection: not authorized (" + e.getMessage() + ")";
        }
        Throwable root = e;
        boolean tls = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            tls |= t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException;
            root = t;
        }
        if (tls) return "TLS with broker " + uri + " failed (is its certificate the one the station trusts?): " + root;
        return "cannot reach " + uri + ": " + e.getMessage() + (root != e ? " (" + root + ")" : "");
    }

    private static String score(float s) {
        return Float.isNaN(s) ? "null" : Float.toString(s);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    @Override
    public SinkHealth health() {
        SinkHealth h = super.health();
        return new SinkHealth(client.isConnected(), h.buffered(), h.dropped(), h.lastError());
    }

    /** Stops taking signals, delivers what waits for up to 5 s if the broker is there, disconnects. */
    @Override
    public void close() {
        super.close();
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
