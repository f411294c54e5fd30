package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.postprocess.security.TlsFiles;
import io.sightline.station.web.AccessToken.Role;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The station server over real TLS handshakes on loopback, with a self-signed certificate and a
 * read and an operate token: a client that trusts the certificate reads the state with the read
 * token; one that trusts another certificate, or only the JVM's CAs, fails the handshake; no token
 * is 401; the read token on the threshold endpoint is 403 naming the role; the operate token changes
 * the threshold.
 */
class StationServerTlsTest {
    static final String READ = "read-token-0123456789abcdef";
    static final String OPERATE = "operate-token-0123456789abcdef";
    static final char[] PASSWORD = "keystore-password-for-the-test".toCharArray();
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> calls = new CopyOnWriteArrayList<>();

    @TempDir
    static Path tmp;
    static TestStation test;
    static StationMetrics metrics;
    static StationServer server;
    static TlsFiles.SelfSigned cert;
    static TlsFiles.SelfSigned otherCert;
    static HttpClient trusting;

    @BeforeAll
    static void serveOverTls() throws Exception {
        test = new TestStation(tmp, 1, 320, 256, 100, 10, 0.3);
        test.station.start();
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!test.station.camerasFinished() && System.nanoTime() - limit < 0) Thread.sleep(5);
        test.station.stop(Duration.ofSeconds(30));
        metrics = new StationMetrics(test.station);
        cert = TlsFiles.selfSigned(Files.createDirectories(tmp.resolve("tls")), List.of("127.0.0.1", "localhost"), PASSWORD, Duration.ofDays(1));
        otherCert = TlsFiles.selfSigned(Files.createDirectories(tmp.resolve("other")), List.of("127.0.0.1"), PASSWORD, Duration.ofDays(1));
        ThresholdControl control = (line, threshold, by) -> {
            calls.add(line + " " + threshold + " " + by);
            return "every line: threshold " + threshold;
        };
        server = new StationServer(test.station, metrics, StationServer.Options.loopback(0)
                .withTokens(List.of(new AccessToken(Role.READ, READ), AccessToken.operate(OPERATE)))
                .withTls(TlsFiles.serverContext(cert.keystore(), PASSWORD)).withThresholds(control).withName("tls-test"));
        trusting = client(TlsFiles.clientContext(cert.certPem(), null, null));
    }

    @AfterAll
    static void close() throws Exception {
        if (server != null) server.close();
        if (metrics != null) metrics.close();
        if (test != null) test.close();
    }

    static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpResponse<String> get(HttpClient client, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url()).resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> postThreshold(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url()).resolve("/api/thresholds")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"threshold\":0.6}"));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return trusting.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void aClientThatTrustsTheCertificateReadsTheStateWithAReadToken() throws Exception {
        assertTrue(server.tls());
        assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
        HttpResponse<String> state = get(trusting, "/api/state", READ);
        assertEquals(200, state.statusCode(), state.body());
        JsonNode json = JSON.readTree(state.body());
        assertEquals("tls-test", json.get("station").asText());
        assertEquals(200, get(trusting, "/metrics", READ).statusCode());
        assertEquals(200, get(trusting, "/api/state", OPERATE).statusCode(), "operate includes read");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        IOException jvmTrust = assertThrows(IOException.class, () -> get(client(SSLContext.getDefault()), "/api/state", READ));
        assertTrue(causedByHandshake(jvmTrust), jvmTrust.toString());
        IOException wrong = assertThrows(IOException.class,
                () -> get(client(TlsFiles.clientContext(otherCert.certPem(), null, null)), "/api/state", READ));
        assertTrue(causedByHandshake(wrong), wrong.toString());
    }

    @Test
    void plainHttpToTheHttpsPortGetsNoState() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/state"))
                .header("Authorization", "Bearer " + READ).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = plain.send(r, HttpResponse.BodyHandlers.ofString());
            assertNotEquals(200, response.statusCode(), response.body());
        } catch (IOException | InterruptedException expected) {
            // the TLS server drops a connection that does not start with a handshake
        }
    }

    @Test
    void withoutATokenTheAnswerIs401() throws Exception {
        HttpResponse<String> none = get(trusting, "/api/state", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, get(trusting, "/metrics", READ + "x").statusCode(), "a wrong token");
        assertEquals(401, postThreshold(null).statusCode());
    }

    @Test
    void aReadTokenMayNotChangeAThresholdAndAnOperateTokenMay() throws Exception {
        calls.clear();
        HttpResponse<String> read = postThreshold(READ);
        assertEquals(403, read.statusCode(), read.body());
        assertTrue(read.body().contains("needs a token with role operate") && read.body().contains("this one has role read"), read.body());
        assertEquals(List.of(), calls, "a read token never reaches the station");
        HttpResponse<String> operate = postThreshold(OPERATE);
        assertEquals(200, operate.statusCode(), operate.body());
        assertEquals(List.of("null 0.6 http 127.0.0.1 (token)"), calls);
        // a browser on the page sends its own https origin: accepted
        HttpResponse<String> sameOrigin = trusting.send(HttpRequest.newBuilder(URI.create(server.url()).resolve("/api/thresholds"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + OPERATE)
                .header("Origin", "https://127.0.0.1:" + server.port()).POST(HttpRequest.BodyPublishers.ofString("{\"threshold\":0.7}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sameOrigin.statusCode(), sameOrigin.body());
    }

    @Test
    void offLoopbackPlainHttpNeedsInsecureInSoManyWords() throws Exception {
        StationServer.Options network = StationServer.Options.loopback(0).withBind("0.0.0.0").withToken(OPERATE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StationServer.check(network));
        assertTrue(e.getMessage().contains("TLS is required") && e.getMessage().contains("server.insecure: true"), e.getMessage());
        assertNotNull(StationServer.check(network.withInsecure(true)));
        assertNotNull(StationServer.check(network.withTls(TlsFiles.serverContext(cert.keystore(), PASSWORD))));
        IllegalArgumentException noToken = assertThrows(IllegalArgumentException.class,
                () -> StationServer.check(StationServer.Options.loopback(0).withBind("0.0.0.0")
                        .withTls(TlsFiles.serverContext(cert.keystore(), PASSWORD))));
        assertTrue(noToken.getMessage().contains("token is required"), noToken.getMessage());
    }

    static boolean causedByHandshake(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLHandshakeException) return true;
        }
        return false;
    }
}
