package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Results, reject signals and trend alarms as JSON to Kafka, for plants that gather many
 * stations: topics {@code PREFIX.rejects}, {@code PREFIX.results}, {@code PREFIX.trend}, each
 * record keyed by line ({@code line-L}) so a line's records stay in order. Idempotent producer,
 * {@code acks=all}; each record is delivered (acknowledged) before the next, from the sink's
 * bounded buffer (see {@link BufferedSink}), so a broker that is down never blocks the station.
 * Over TLS and SASL ({@link Security}) a refused password or an untrusted broker certificate is a
 * sink that is down like any other, its health carrying Kafka's reason.
 */
public final class KafkaSink extends BufferedSink<ProducerRecord<String, String>> {
    private final String prefix;
    private final KafkaProducer<String, String> producer;

    /**
     * @param bootstrap e.g. {@code 127.0.0.1:9092}
     * @param topicPrefix e.g. {@code sightline}
     */
    public KafkaSink(String bootstrap, String clientId, String topicPrefix, int capacity) {
        this(bootstrap, clientId, topicPrefix, capacity, Security.NONE);
    }

    /**
     * How the sink meets the brokers: TLS when {@code tls} (trusting the certificates in
     * {@code trust}, PEM or a PKCS12 store; null: the JVM's trust store), and SASL with a user name
     * and password ({@code mechanism} SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN) when {@code username}
     * is set. Together: Kafka's SASL_SSL.
     */
    public record Security(boolean tls, Path trust, String username, char[] password, String mechanism) {
        /** PLAINTEXT: brokers on loopback or an isolated network. */
        public static final Security NONE = new Security(false, null, null, null, null);
        /** The SASL mechanisms the sink speaks. */
        public static final java.util.List<String> MECHANISMS = java.util.List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN");

        public Security {
            if ((username == null) != (password == null)) throw new IllegalArgumentException("Kafka credentials need both a user name and a password");
            if (username != null && !MECHANISMS.contains(mechanism)) {
                throw new IllegalArgumentException("Kafka SASL mechanism: expected one of " + MECHANISMS + ", got " + mechanism);
            }
            if (trust != null && !tls) throw new IllegalArgumentException("a Kafka trust file is given but TLS is off");
        }

        String protocol() {
            return username == null ? (tls ? "SSL" : "PLAINTEXT") : (tls ? "SASL_SSL" : "SASL_PLAINTEXT");
        }

        /** Sets the client properties for this security on {@code p} (a producer's or, in tests, a consumer's). */
        public void apply(Properties p) {
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol());
            if (trust != null) {
                String name = trust.getFileName().toString().toLowerCase(Locale.ROOT);
                p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, name.endsWith(".p12") || name.endsWith(".pfx") ? "PKCS12" : "PEM");
                p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trust.toString());
            }
            if (username != null) {
                p.put(SaslConfigs.SASL_MECHANISM, mechanism);
                String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule";
                p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaas(username) + "\" password=\""
                        + jaas(new String(password)) + "\";");
            }
        }

        private static String jaas(String s) {
            return s.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }

    /**
     * @param security TLS and SASL credentials (see {@link Security})
     */
    public KafkaSink(String bootstrap, String clientId, String topicPrefix, int capacity, Security security) {
        super("sightline-kafka-" + clientId, capacity);
        this.prefix = topicPrefix;
        Properties p = new Properties();
        security.apply(p);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try {
            this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Kafka bootstrap '" + bootstrap + "' is not usable: " + e.getMessage(), e);
        }
        startDelivery();
    }

    @Override
    protected void deliver(ProducerRecord<String, String> record) throws Exception {
        producer.send(record).get(15, TimeUnit.SECONDS);
    }

    /**
     * Sends the whole batch, then waits for every acknowledgement (the producer keeps per-key
     * order). When some fail, the acknowledged ones are taken out of the batch before throwing, so
     * the retry sends only the rest: a new topic whose metadata is late (auto-created on first use)
     * fails its first records while another topic's are already acknowledged, and retrying the
     * whole batch sent those twice.
     */
    @Override
    protected void deliverAll(java.util.List<ProducerRecord<String, String>> batch) throws Exception {
        java.util.List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>(batch.size());
        for (ProducerRecord<String, String> r : batch) {
            try {
                acks.add(producer.send(r));
            } catch (RuntimeException e) {
                acks.add(java.util.concurrent.CompletableFuture.failedFuture(e));
            }
        }
        Exception first = null;
        java.util.List<ProducerRecord<String, String>> failed = new java.util.ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                failed.add(batch.get(i));
                if (first == null) first = e;
            }
        }
        if (first != null) {
            batch.clear();
            batch.addAll(failed);
            throw first;
        }
    }

    private void send(String topic, int line, String json) {
        offer(new ProducerRecord<>(prefix + "." + topic, "line-" + line, json));
    }

    @Override
    public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        send("rejects", line, String.format(Locale.ROOT, "{\"line\":%d,\"part\":%d,\"reason\":\"%s\",\"score\":%s}", line, partId,
                reason.reason(), Float.isNaN(defectScore) ? "null" : Float.toString(defectScore)));
    }

    @Override
    public void result(int line, long partId, Outcome outcome, float defectScore) {
        send("results", line, String.format(Locale.ROOT, "{\"line\":%d,\"part\":%d,\"decision\":\"%s\",\"reason\":\"%s\",\"score\":%s}",
                line, partId, outcome.decision(), outcome.reason(),
                Float.isNaN(defectScore) ? "null" : Float.toString(defectScore)));
    }

    @Override
    public void trendAlarm(TrendAlarm a) {
        send("trend", a.line(), String.format(Locale.ROOT, "{\"line\":%d,\"detector\":\"%s\",\"part\":%d,\"raised\":%b,\"class\":%s,\"forecast\":%s}",
                a.line(), a.detector(), a.partIndex(), a.raised(), a.defectClassJson(), a.forecastJson()));
    }

    @Override
    public void close() {
        super.close();
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
