package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.postprocess.security.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT sink over TLS with a user name and password, against a real Mosquitto broker the test
 * starts on loopback with a TLS listener (a self-signed certificate made here) and a password file
 * ({@code mosquitto_passwd}). A wrong password or an untrusted certificate is an output that is
 * down, with the reason in its health, and its signals wait in the buffer.
 */
class MqttTlsTest {
    private static final char[] KEYSTORE_PASSWORD = "keystore-pass".toCharArray();

    @TempDir
    Path tmp;
    private Process broker;
    private int port;
    private TlsFiles.SelfSigned server;
    private final List<String> arrivals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startTlsBroker() throws Exception {
        String binary = MqttSinkContractTest.mosquitto();
        Assumptions.assumeTrue(binary != null, "mosquitto is not installed (apt-get install mosquitto): skipping the MQTT TLS test");
        Path passwd = Path.of(Path.of(binary).getParent().getParent().toString(), "bin", "mosquitto_passwd");
        Assumptions.assumeTrue(Files.isExecutable(passwd), "mosquitto_passwd is not installed (package mosquitto): skipping");
        server = TlsFiles.selfSigned(tmp.resolve("broker"), List.of("127.0.0.1", "localhost"), KEYSTORE_PASSWORD, Duration.ofDays(1));
        Path passwords = tmp.resolve("passwords");
        Process p = new ProcessBuilder(passwd.toString(), "-b", "-c", passwords.toString(), "station", "right-password")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
        port = LoopbackPorts.free();
        Path conf = tmp.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "user root", // started as root, mosquitto would switch to its own user and not read the files of this test
                "persistence false",
                "listener " + port + " 127.0.0.1",
                "certfile " + server.certPem(),
                "keyfile " + server.keyPem(),
                "allow_anonymous false",
                "password_file " + passwords, ""));
        broker = new ProcessBuilder(binary, "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
        MqttClient subscriber = connectWithRetry("right-password");
        subscriber.subscribe("tls/#", 1, (topic, message) -> arrivals.add(topic));
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private SSLContext trustingTheBroker() {
        return TlsFiles.clientContext(server.certPem(), null, null);
    }

    private MqttClient connectWithRetry(String password) throws Exception {
        MqttClient c = new MqttClient("ssl://127.0.0.1:" + port, "tls-subscriber", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setSocketFactory(trustingTheBroker().getSocketFactory());
        o.setUserName("station");
        o.setPassword(password.toCharArray());
        o.setConnectionTimeout(5);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                c.connect(o);
                return c;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("mosquitto did not start: " + Files.readString(tmp.resolve("mosquitto.log")), e);
                Thread.sleep(50);
            }
        }
    }

    private MqttSink sink(String id, SSLContext tls, String password) {
        return new MqttSink("ssl://127.0.0.1:" + port, id, "tls", 1000, new MqttSink.Security(tls, "station", password.toCharArray()));
    }


    @Test
    void deliversOverTlsWithTheRightPassword() throws Exception {
        try (MqttSink sink = sink("tls-right", trustingTheBroker(), "right-password")) {
            sink.reject(1, 42, Outcome.REJECT_DEFECT, 0.9f, System.nanoTime());
            sink.result(2, 43, Outcome.PASS, 0.1f);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (arrivals.size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(List.of("tls/line/1/reject", "tls/line/2/result"), arrivals);
            assertTrue(sink.health().up(), sink.health().toString());
        }
    }

    @Test
    void aWrongPasswordIsAnOutputDownThatSaysSoAndBuffers() throws Exception {
        try (MqttSink sink = sink("tls-wrong", trustingTheBroker(), "wrong-password")) {
            sink.reject(1, 42, Outcome.REJECT_DEFECT, 0.9f, System.nanoTime());
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null, 20);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("refused") && h.lastError().contains("ssl://127.0.0.1:" + port), h.lastError());
            assertEquals(1, h.buffered(), "the reject waits for the broker to take it");
            assertTrue(arrivals.isEmpty());
        }
    }

    @Test
    void aBrokerCertificateTheStationDoesNotTrustIsAnOutputDownThatSaysSo() throws Exception {
        TlsFiles.SelfSigned stranger = TlsFiles.selfSigned(tmp.resolve("stranger"), List.of("127.0.0.1"), KEYSTORE_PASSWORD, Duration.ofDays(1));
        SSLContext trustsAnother = TlsFiles.clientContext(stranger.certPem(), null, null);
        try (MqttSink sink = sink("tls-untrusted", trustsAnother, "right-password")) {
            sink.result(1, 7, Outcome.PASS, 0.1f);
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null, 20);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("TLS") && h.lastError().contains("ssl://127.0.0.1:" + port), h.lastError());
            assertEquals(1, h.buffered());
            assertTrue(arrivals.isEmpty());
        }
    }
}
