package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.postprocess.security.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink over SASL_SSL (TLS, and SCRAM-SHA-256 credentials written at format time)
 * against a real KRaft broker the test starts on loopback with a self-signed certificate. A wrong
 * password or an untrusted broker certificate is an output that is down, its health carrying the
 * reason, its signals buffered.
 */
class KafkaTlsTest {
    private static final String KEYSTORE_PASSWORD = "broker-keystore";
    @TempDir
    static Path tmp;
    private static KafkaTestBroker broker;
    private static TlsFiles.SelfSigned certificate;

    @BeforeAll
    static void startBroker() throws Exception {
        certificate = TlsFiles.selfSigned(tmp.resolve("tls"), List.of("127.0.0.1"), KEYSTORE_PASSWORD.toCharArray(), Duration.ofDays(1));
        int port = LoopbackPorts.free();
        broker = KafkaTestBroker.start(tmp, port, "SASL_SSL://127.0.0.1:" + port, "SASL_SSL", List.of(
                "sasl.enabled.mechanisms=SCRAM-SHA-256",
                "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type=PKCS12", "ssl.keystore.location=" + certificate.keystore(),
                "ssl.keystore.password=" + KEYSTORE_PASSWORD, "ssl.key.password=" + KEYSTORE_PASSWORD),
                List.of("SCRAM-SHA-256=[name=station,password=right-password]"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    private static KafkaSink.Security security(Path trust, String password) {
        return new KafkaSink.Security(true, trust, "station", password.toCharArray(), "SCRAM-SHA-256");
    }


    @Test
    void deliversOverSaslSslWithTheRightPassword() throws Exception {
        try (KafkaSink sink = new KafkaSink("127.0.0.1:" + broker.port, "tls-right", "secure", 100, security(certificate.certPem(), "right-password"))) {
            sink.reject(3, 99, Outcome.REJECT_DEFECT, 0.8f, System.nanoTime());
            SinkHealth h = HealthWait.until(sink, x -> x.up() && x.buffered() == 0, 90);
            assertTrue(h.up() && h.buffered() == 0, h.toString());
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + broker.port);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "tls-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        security(certificate.certPem(), "right-password").apply(p);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("secure.rejects"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String got = null;
            while (got == null && System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(500))) got = r.value();
            }
            assertTrue(got != null && got.contains("\"part\":99"), "record read back over SASL_SSL: " + got);
        }
    }

    @Test
    void aWrongPasswordIsAnOutputDownThatSaysSoAndBuffers() throws Exception {
        try (KafkaSink sink = new KafkaSink("127.0.0.1:" + broker.port, "tls-wrong", "secure", 100, security(certificate.certPem(), "wrong"))) {
            sink.result(1, 5, Outcome.PASS, 0.1f);
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null, 60);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("Authentication failed"), h.lastError());
            assertEquals(1, h.buffered());
        }
    }

    @Test
    void aBrokerCertificateTheStationDoesNotTrustIsAnOutputDownThatSaysSo() throws Exception {
        TlsFiles.SelfSigned stranger = TlsFiles.selfSigned(tmp.resolve("stranger"), List.of("127.0.0.1"), "x".toCharArray(), Duration.ofDays(1));
        try (KafkaSink sink = new KafkaSink("127.0.0.1:" + broker.port, "tls-stranger", "secure", 100, security(stranger.certPem(), "right-password"))) {
            sink.result(1, 6, Outcome.PASS, 0.1f);
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null && x.lastError().contains("SSL"), 30);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("SSL handshake failed"), h.lastError());
            assertEquals(1, h.buffered());
        }
    }
}
