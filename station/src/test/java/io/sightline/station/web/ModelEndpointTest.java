package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.station.models.ModelCopies;
import io.sightline.station.models.ModelStore;
import io.sightline.station.models.ModelVersion;
import io.sightline.station.web.AccessToken.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/models/live} on a running station: token rules, a swap, a refusal, a rollback, and /api/state's model. */
class ModelEndpointTest {
    static final String READ = "model-read-token-0123456789abcdef";
    static final String OPERATE = "model-operate-token-0123456789abcdef";
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static HttpResponse<String> post(StationServer s, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url()).resolve("/api/models/live")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postTo(StationServer s, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url()).resolve(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] auth(String token) {
        return new String[] {"Content-Type", "application/json", "Authorization", "Bearer " + token};
    }

    @Test
    void swapsRefusesAndRollsBackWithTheOperateToken(@TempDir Path tmp) throws Exception {
        ModelStore store = ModelStore.open(tmp.resolve("store"), true);
        store.add(ModelCopies.DEFAULT, null);
        store.add(ModelCopies.asVersion(tmp.resolve("pkg2"), "2"), null);
        String label1 = ModelVersion.of(ModelCopies.DEFAULT).label();
        String label2 = ModelVersion.of(store.versionDir("v2")).label();
        ObjectMapper json = new ObjectMapper();
        try (TestStation test = new TestStation(tmp, 1, 320, 256, 100, -1, 0.2)) {
            test.station.models().useStore(store);
            test.station.start();
            try (StationMetrics metrics = new StationMetrics(test.station);
                 StationServer server = new StationServer(test.station, metrics, StationServer.Options.loopback(0)
                         .withTokens(List.of(new AccessToken(Role.READ, READ), AccessToken.operate(OPERATE))))) {
                assertEquals(401, post(server, "{\"model\":\"v2\"}", "Content-Type", "application/json").statusCode());
                HttpResponse<String> r = post(server, "{\"model\":\"v2\"}", auth(READ));
                assertEquals(403, r.statusCode(), r.body());
                r = post(server, "{\"model\":\"v2\"}", "Content-Type", "text/plain", "Authorization", "Bearer " + OPERATE);
                assertEquals(415, r.statusCode(), r.body());
                r = post(server, "{\"model\":5}", auth(OPERATE));
                assertTrue(r.statusCode() == 400 && r.body().contains("model: expected a store version or a package folder, got 5"), r.body());
                r = post(server, "{\"model\":\"v2\",\"rollback\":true}", auth(OPERATE));
                assertTrue(r.statusCode() == 400 && r.body().contains("one of the two"), r.body());
                assertEquals(label1, test.station.models().live().label(), "nothing changed yet");

                r = post(server, "{\"model\":\"v2\",\"by\":\"dave\"}", auth(OPERATE));
                assertEquals(200, r.statusCode(), r.body());
                JsonNode body = json.readTree(r.body());
                assertEquals(label2, body.get("label").asText());
                assertEquals("dave via http 127.0.0.1 (token)", body.get("requestedBy").asText());
                assertEquals(label2, test.station.models().live().label());

                r = post(server, "{\"model\":\"" + ModelCopies.broken(tmp.resolve("broken")) + "\"}", auth(OPERATE));
                assertEquals(422, r.statusCode(), r.body());
                assertTrue(r.body().contains("does not match its SHA-256") && r.body().contains(label2 + " keeps running"), r.body());

                HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(server.url()).resolve("/api/state"))
                        .header("Authorization", "Bearer " + READ).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode model = json.readTree(state.body()).get("model");
                assertEquals(label2, model.get("label").asText());
                assertEquals(1, model.get("swaps").asInt());
                assertEquals(1, model.get("refused").asInt());

                r = post(server, "{\"rollback\":true}", auth(OPERATE));
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(label1, test.station.models().live().label());

                // a shadow run of v2 behind the live v1
                r = postTo(server, "/api/models/shadow", "{\"model\":\"v2\",\"sample\":0}", auth(OPERATE));
                assertTrue(r.statusCode() == 400 && r.body().contains("sample: expected every n-th frame, n from 1 to 1000, got 0"), r.body());
                r = postTo(server, "/api/models/shadow", "{\"model\":\"v2\",\"sample\":1}", auth(READ));
                assertEquals(403, r.statusCode(), r.body());
                r = postTo(server, "/api/models/shadow", "{\"model\":\"v2\",\"sample\":1}", auth(OPERATE));
                assertEquals(200, r.statusCode(), r.body());
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                JsonNode shadow = null;
                while (System.nanoTime() - end < 0) {
                    HttpResponse<String> st = http.send(HttpRequest.newBuilder(URI.create(server.url()).resolve("/api/state"))
                            .header("Authorization", "Bearer " + READ).build(), HttpResponse.BodyHandlers.ofString());
                    shadow = json.readTree(st.body()).get("model").get("shadow");
                    if (shadow.get("framesScored").asLong() >= 20) break;
                    Thread.sleep(50);
                }
                assertTrue(shadow.get("framesScored").asLong() >= 20, shadow.toString());
                assertEquals(label2, shadow.get("candidate").asText());
                assertEquals(1, shadow.get("lines").size());
                String metricsText = http.send(HttpRequest.newBuilder(URI.create(server.url()).resolve("/metrics"))
                        .header("Authorization", "Bearer " + READ).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metricsText.contains("sightline_shadow_agreement{line=\"0\"}"), "the agreement is a metric: " + metricsText.lines().filter(x -> x.contains("shadow")).toList());
                assertTrue(metricsText.contains("sightline_shadow_decisions{candidate=\"reject\",line=\"0\",live=\"pass\"}"), "the confusion too");
                r = postTo(server, "/api/models/shadow", "{\"stop\":true}", auth(OPERATE));
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(json.readTree(r.body()).get("stopped").get("framesScored").asLong() >= 20, r.body());
                assertNull(test.station.models().shadow());
            }
            assertEquals(0, test.station.stop(Duration.ofSeconds(10)).failSafe());
        }
    }
}
