package io.sightline.station.config;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.station.cli.SightlineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sightline config check FILE [--json]}, run through the CLI's entry point. */
class ConfigCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theExampleIsValid() throws Exception {
        String example = ConfigFiles.project().resolve("config/station.example.yaml").toString();
        Run r = run("config", "check", example);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("valid: station example, 1 line(s), 1 camera(s) at 10 fps"), r.err());
        assertTrue(r.err().contains("top      file:" + ConfigFiles.project().resolve("config/parts.avi")), r.err());
        assertTrue(r.err().contains("model " + ConfigFiles.project().resolve("models/default") + " (synthetic-flange-cnn 1, 128x128x1)"), r.err());
        assertTrue(r.err().contains("server http://127.0.0.1:8080, token none"), r.err());
        assertEquals("", r.out());

        Run j = run("config", "check", example, "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode json = j.json();
        assertTrue(json.get("valid").asBoolean());
        assertEquals(0, json.get("problems").size());
        JsonNode s = json.get("summary");
        assertEquals("example", s.get("station").asText());
        assertEquals(1, s.get("cameras").asInt());
        assertEquals("top", s.get("lines").get(0).get("views").get(0).get("name").asText());
        assertEquals(0.5, s.get("lines").get(0).get("threshold").asDouble(), 1e-6);
        assertEquals(8080, s.get("server").get("port").asInt());
        assertFalse(s.get("server").get("token").asBoolean());
    }

    @Test
    void aBadFileListsEveryProblemAndExitsWith2() throws Exception {
        Path f = ConfigFiles.write(dir, ConfigFiles.MINIMAL + "pipeline: {ring_size: 64}\nserver: {port: -1}\n");
        Run r = run("config", "check", f.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(f + ":6: pipeline.ring_size: expected one of the keys"), r.err());
        assertTrue(r.err().contains("did you mean 'ring-size'?"), r.err());
        assertTrue(r.err().contains(f + ":7: server.port: expected a TCP port from 0 (any free port) to 65535, got -1"), r.err());

        Run j = run("config", "check", f.toString(), "--json");
        assertEquals(2, j.code());
        JsonNode json = j.json();
        assertFalse(json.get("valid").asBoolean());
        assertEquals(2, json.get("problems").size());
        assertTrue(json.get("problems").get(1).asText().startsWith(f + ":7: server.port: expected"), json.toString());
    }

    @Test
    void aMissingFileExitsWith2() throws Exception {
        Run r = run("config", "check", dir.resolve("none.yaml").toString(), "--json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected a station config file, got no such file"), r.err());
        assertFalse(r.json().get("valid").asBoolean());
    }

    @Test
    void configIsACommandOfTheCli() {
        Run r = run("--help");
        assertTrue(r.out().contains("config"), r.out());
        Run usage = run("config", "check");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required parameter: 'FILE'"), usage.err());
    }
}
