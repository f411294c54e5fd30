package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.DefectKind;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.station.Station;
import io.sightline.station.inspect.Inspector;
import io.sightline.station.inspect.TestImages;
import io.sightline.station.telemetry.StationStats;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/inspect} on a running station (real model, synthetic cameras at 50 parts/s):
 * requests ride in the station's own batches; good requests in PNG, JPEG, BMP and multipart, and
 * every refusal (no token, unknown line, wrong type, corrupt image, wrong size, oversize body).
 */
class InspectApiTest {
    static final int WIDTH = 640;
    static final int HEIGHT = 512;
    static final long MAX_BODY = 1 << 20;
    static final String TOKEN = "read-token-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static TestStation test;
    static StationServer server;
    static String url;
    static Inspector inspector;

    @BeforeAll
    static void start() throws Exception {
        test = new TestStation(tmp, 1, WIDTH, HEIGHT, 50, -1, 0.2);
        test.station.start();
        server = new StationServer(test.station, new StationMetrics(test.station), StationServer.Options.loopback(0)
                .withTokens(List.of(new AccessToken(AccessToken.Role.READ, TOKEN))));
        inspector = test.station.inspector(List.of("press-1"), MAX_BODY);
        server.serveInspections(inspector);
        url = server.url() + "api/inspect";
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (test != null) test.close();
    }

    static HttpResponse<byte[]> inspect(String query, String type, byte[] body) throws Exception {
        return TestImages.post(url + query, body, "Content-Type", type, "Authorization", "Bearer " + TOKEN);
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static void assertError(int status, HttpResponse<byte[]> r, String mentions) throws Exception {
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), text);
        String message = json(r).path("error").asText();
        assertTrue(message.contains(mentions), "the message names '" + mentions + "': " + message);
    }

    @Test
    void aPngIsScoredAsTheLineWouldScoreIt() throws Exception {
        byte[] png = TestImages.part(WIDTH, HEIGHT, DefectKind.CRACK, 7, ".png");
        HttpResponse<byte[]> r = inspect("?line=press-1", "image/png", png);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode j = json(r);
        int[] roi = Station.defaultRoi(WIDTH, HEIGHT);
        var info = test.model.info();
        float expected = TestImages.referenceScore(test.model, new PreprocessSpec(roi[0], roi[1], roi[2], roi[3], info.inputWidth(),
                info.inputHeight(), info.normMean(), info.normStd()), png);
        assertEquals(expected, j.get("score").floatValue(), 1e-4, "the line's preprocessing and model, whatever the batch");
        assertEquals("press-1", j.get("line").asText());
        float threshold = j.get("threshold").floatValue();
        assertEquals(test.station.thresholds()[0], threshold);
        assertEquals(j.get("score").floatValue() >= threshold ? "reject" : "pass", j.get("decision").asText());
        assertEquals(info.classes().size(), j.get("classes").size());
        double sum = 0;
        for (JsonNode p : j.get("classes")) sum += p.asDouble();
        assertEquals(1.0, sum, 1e-3, "class probabilities add up");
        assertEquals(info.name(), j.get("model").get("name").asText());
        assertEquals(64, j.get("model").get("sha256").asText().length());
        assertTrue(j.get("batchRows").asInt() >= 1);
        assertTrue(j.get("score").floatValue() >= threshold, "a crack is rejected: " + j);
        assertTrue(j.get("defectBox").isNull(), "the default model has no defect map, so no box: " + j);
        assertEquals("reject", r.headers().firstValue("X-Sightline-Decision").orElseThrow());
    }

    @Test
    void jpegBmpAndMultipartAreTaken() throws Exception {
        assertEquals(200, inspect("?line=press-1", "image/jpeg", TestImages.part(WIDTH, HEIGHT, DefectKind.NONE, 3, ".jpg")).statusCode());
        assertEquals(200, inspect("?line=press-1", "image/bmp", TestImages.part(WIDTH, HEIGHT, DefectKind.NONE, 3, ".bmp")).statusCode());
        byte[] png = TestImages.part(WIDTH, HEIGHT, DefectKind.NONE, 4, ".png");
        HttpResponse<byte[]> plain = inspect("", "image/png", png); // one line: ?line may be left out
        HttpResponse<byte[]> multi = inspect("?line=press-1", "multipart/form-data; boundary=XyZ123",
                TestImages.multipart("XyZ123", "part.png", "application/octet-stream", png));
        assertEquals(200, multi.statusCode(), new String(multi.body(), StandardCharsets.UTF_8));
        assertEquals(json(plain).get("score").floatValue(), json(multi).get("score").floatValue(), 1e-4, "the same image, either way");
    }

    @Test
    void mapPngNeedsAModelWithAMap() throws Exception {
        assertError(400, inspect("?line=press-1&map=png", "image/png", TestImages.plain(WIDTH, HEIGHT, ".png")), "has no defect map");
        assertError(400, inspect("?line=press-1&map=jpeg", "image/png", TestImages.plain(WIDTH, HEIGHT, ".png")), "map: expected png");
    }

    @Test
    void noTokenIs401() throws Exception {
        HttpResponse<byte[]> r = TestImages.post(url + "?line=press-1", TestImages.plain(WIDTH, HEIGHT, ".png"), "Content-Type", "image/png");
        assertError(401, r, "token");
    }

    /** A large upload without a token still reads its 401 (the server does not reset a client that is still sending). */
    @Test
    void aLargeUploadWithoutATokenReadsIts401() throws Exception {
        byte[] big = new byte[3 << 20];
        new java.util.Random(4).nextBytes(big);
        for (int i = 0; i < 5; i++) assertError(401, TestImages.post(url + "?line=press-1", big, "Content-Type", "image/png"), "token");
    }

    @Test
    void unknownLineIs404NamingTheLines() throws Exception {
        assertError(404, inspect("?line=press-9", "image/png", TestImages.plain(WIDTH, HEIGHT, ".png")), "press-1");
    }

    @Test
    void wrongTypeIs415() throws Exception {
        assertError(415, inspect("?line=press-1", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)), "image/png");
        assertError(415, inspect("?line=press-1", "multipart/form-data; boundary=b0", TestImages.multipart("b0", "notes.txt", "text/plain",
                "x".getBytes(StandardCharsets.UTF_8))), "one part");
    }

    @Test
    void corruptImagesAre400() throws Exception {
        byte[] png = TestImages.part(WIDTH, HEIGHT, DefectKind.NONE, 5, ".png");
        assertError(400, inspect("?line=press-1", "image/png", Arrays.copyOf(png, png.length / 3)), "could not be decoded");
        assertError(400, inspect("?line=press-1", "image/png", TestImages.plain(WIDTH, HEIGHT, ".jpg")), "not a PNG");
        long answered = inspector.queue().answered();
        assertError(400, inspect("?line=press-1", "image/jpeg", "\u00ff\u00d8\u00ffgarbage".getBytes(StandardCharsets.ISO_8859_1)),
                "could not be decoded");
        assertEquals(answered, inspector.queue().answered(), "a refused image never reaches a worker");
    }

    @Test
    void wrongSizeIs422NamingBothSizes() throws Exception {
        HttpResponse<byte[]> r = inspect("?line=press-1", "image/png", TestImages.plain(320, 256, ".png"));
        assertError(422, r, "320x256");
        assertTrue(json(r).get("error").asText().contains(WIDTH + "x" + HEIGHT));
    }

    @Test
    void oversizeBodyIs413() throws Exception {
        byte[] big = new byte[(int) MAX_BODY + 1];
        big[0] = (byte) 0x89;
        // refused from its Content-Length before the body is read: the client waits for 100 Continue, as curl does for large bodies
        HttpResponse<byte[]> r = TestImages.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "?line=press-1"))
                .expectContinue(true).header("Content-Type", "image/png").header("Authorization", "Bearer " + TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(413, r, "at most " + MAX_BODY);
    }

    @Test
    void getIs405() throws Exception {
        var r = TestImages.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "?token=" + TOKEN)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, r.statusCode());
    }

    @Test
    void theLineKeepsEveryFrameAccountedFor() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(200, inspect("?line=press-1", "image/png", TestImages.part(WIDTH, HEIGHT, DefectKind.NONE, 100 + i, ".png")).statusCode());
        }
        StationStats s = test.station.snapshot();
        assertEquals(s.captured(), s.passed() + s.rejected() + s.failSafe() + s.inFlight(), "the counters balance");
        assertEquals(0, s.failSafe(), "no camera frame was late or failed because of the requests: " + s.failSafeByReason());
    }
}
