package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.DefectKind;
import io.sightline.inference.ModelInfo;
import io.sightline.station.DefectBoxStationTest;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.inspect.TestImages;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sightline serve}: the inspection API with no cameras, on a real TensorFlow model with a
 * defect map (every cell the same, so its box is the whole input: exactly the ROI in frame pixels),
 * and with a station config's lines, thresholds and server section (a read token, the body limit).
 */
class ServeCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int W = 640;
    static final int H = 480;
    static final int[] ROI = {100, 60, 320, 240};

    static Path mapModel(Path dir, float decisionBias) {
        ModelInfo info = ModelInfo.of("serve-test", "7", List.of("ok", "scratch"), 64, 48, 1, 0.5f, 0.25f);
        return DefectBoxStationTest.uniformMapModel(dir.resolve("model"), info, decisionBias);
    }

    @Test
    void servesTheModelAloneWithItsBoxInFramePixelsAndTheMapPng(@TempDir Path tmp) throws Exception {
        try (ServeCommand.Serving s = ServeCommand.start(null, mapModel(tmp, 6f), new int[] {W, H}, ROI, 0.5f, 0, 4)) {
            String url = s.server().url() + "api/inspect";
            HttpResponse<byte[]> r = TestImages.post(url + "?line=0", TestImages.part(W, H, DefectKind.NONE, 1, ".png"), "Content-Type", "image/png");
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            JsonNode j = JSON.readTree(r.body());
            assertEquals("reject", j.get("decision").asText(), "every cell is sigmoid(6): " + j);
            assertEquals(1 / (1 + Math.exp(-6)), j.get("score").asDouble(), 1e-4);
            JsonNode box = j.get("defectBox");
            assertEquals(List.of(ROI[0], ROI[1], ROI[2], ROI[3]), List.of(box.get("x").asInt(), box.get("y").asInt(), box.get("width").asInt(),
                    box.get("height").asInt()), "a uniform map's box is the whole input: the ROI in frame pixels");
            assertEquals("7", j.get("model").get("version").asText());

            HttpResponse<byte[]> png = TestImages.post(url + "?map=png", TestImages.part(W, H, DefectKind.NONE, 2, ".png"), "Content-Type", "image/png");
            assertEquals(200, png.statusCode());
            var image = ImageIO.read(new ByteArrayInputStream(png.body()));
            assertNotNull(image, "the overlay is a PNG");
            assertEquals(64 * 8, image.getWidth(), "the 64 px input drawn 8 times as large");
            int rgb = image.getRGB(0, 0);
            assertEquals(0xff00ff, rgb & 0xffffff, "the box's magenta at its corner (the whole input)");

            var state = TestImages.HTTP.send(HttpRequest.newBuilder(URI.create(s.server().url() + "api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, state.statusCode());
            assertTrue(state.body().contains("serve"), state.body());
            assertEquals(2, s.inspector().queue().answered());
        }
    }

    @Test
    void withAConfigItTakesItsLinesThresholdsTokenAndBodyLimit(@TempDir Path tmp) throws Exception {
        Path model = mapModel(tmp, -6f); // score sigmoid(-6) = 0.0025
        Path token = tmp.resolve("read.token");
        Files.writeString(token, "serve-read-token-0123456789\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Files.write(tmp.resolve("parts.avi"), new byte[] {0});
        Path yaml = tmp.resolve("station.yaml");
        Files.writeString(yaml, """
                model: model
                trend: {detectors: none}
                preprocess: {roi: [100, 60, 320, 240]}
                decision: {threshold: 0.5}
                lines:
                  - name: press-a
                    views: [{source: file:parts.avi}]
                  - name: press-b
                    threshold: 0.001
                    views: [{source: file:parts.avi}]
                server:
                  port: 0
                  inspect-max-mb: 1
                  tokens: [{role: read, file: read.token}]
                """);
        StationFile file = StationFileReader.read(yaml);
        try (ServeCommand.Serving s = ServeCommand.start(file, null, new int[] {W, H}, null, 0.5f, 0, 4)) {
            String url = s.server().url() + "api/inspect";
            byte[] png = TestImages.part(W, H, DefectKind.NONE, 3, ".png");
            String auth = "Bearer serve-read-token-0123456789";
            assertEquals(401, TestImages.post(url + "?line=press-a", png, "Content-Type", "image/png").statusCode(), "no token");
            JsonNode a = JSON.readTree(TestImages.post(url + "?line=press-a", png, "Content-Type", "image/png", "Authorization", auth).body());
            JsonNode b = JSON.readTree(TestImages.post(url + "?line=press-b", png, "Content-Type", "image/png", "Authorization", auth).body());
            assertEquals("pass", a.get("decision").asText(), a.toString());
            assertEquals("reject", b.get("decision").asText(), "press-b's own threshold 0.001: " + b);
            HttpResponse<byte[]> none = TestImages.post(url, png, "Content-Type", "image/png", "Authorization", auth);
            assertEquals(400, none.statusCode(), "two lines: ?line is needed");
            assertTrue(new String(none.body(), StandardCharsets.UTF_8).contains("press-a"));
            byte[] big = new byte[(1 << 20) + 1];
            HttpResponse<byte[]> tooBig = TestImages.HTTP.send(HttpRequest.newBuilder(URI.create(url + "?line=press-a")).expectContinue(true)
                    .header("Content-Type", "image/png").header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(413, tooBig.statusCode(), "server.inspect-max-mb: 1");
        }
    }

    @Test
    void badOptionsAreNamed() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ServeCommand.frameSize("1280*1024"));
        assertTrue(e.getMessage().contains("--frame"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ServeCommand.roi("1,2,3"));
        assertTrue(e.getMessage().contains("--roi"), e.getMessage());
    }
}
