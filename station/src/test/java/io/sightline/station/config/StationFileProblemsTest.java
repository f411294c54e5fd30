package io.sightline.station.config;

import static io.sightline.station.config.ConfigFiles.assertProblem;
import static io.sightline.station.config.ConfigFiles.bad;
import static io.sightline.station.config.ConfigFiles.read;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad station files: each problem names the file, the line, the key path and what was expected,
 * and a file with several problems reports them all.
 */
class StationFileProblemsTest {
    @TempDir
    Path dir;

    /** Lines 1-5; a test appends its own keys from line 6 on. */
    private static final String HEAD = """
            model: models/m
            trend: {detectors: none}
            lines:
              - views:
                  - source: file:parts.avi
            """;

    @Test
    void anUnknownKeyListsTheKnownOnesAndSuggestsTheNearest() {
        ConfigException e = bad(dir, HEAD + """
                pipeline:
                  ring_size: 64
                """);
        ConfigProblem p = assertProblem(e, 7, "pipeline.ring_size", "expected one of the keys ring-size, workers, inference-threads, max-batch",
                "got 'ring_size'", "did you mean 'ring-size'?");
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().endsWith(p.toString()));

        ConfigException top = bad(dir, HEAD + "modle: x\nfrobnicate: 1\n");
        assertProblem(top, 6, "modle", "did you mean 'model'?", "station, model, calibration");
        ConfigProblem far = assertProblem(top, 7, "frobnicate", "got 'frobnicate'");
        assertFalse(far.message().contains("did you mean"), far.toString());
    }

    @Test
    void wrongTypesAreNamed() {
        ConfigException e = bad(dir, HEAD + """
                camera: [25]
                decision: {threshold: high}
                pipeline: {ring-size: "128", workers: [2]}
                server: {enabled: yes please, port: 80.5}
                reject-images: {max-mb: {a: 1}}
                """);
        assertProblem(e, 6, "camera", "expected a map with keys fps, overrun", "got a list of 1");
        assertProblem(e, 7, "decision.threshold", "expected a score in (0, 1]", "got 'high'");
        assertProblem(e, 8, "pipeline.ring-size", "expected a power of two from 4 to 65536", "got \"128\" (a quoted string)");
        assertProblem(e, 8, "pipeline.workers", "expected auto or an integer from 1 to 64", "got a list of 1");
        assertProblem(e, 9, "server.enabled", "expected true or false", "got 'yes please'");
        assertProblem(e, 9, "server.port", "expected a TCP port", "got 80.5");
        assertProblem(e, 10, "reject-images.max-mb", "got a map");
        assertEquals(7, e.problems().size(), e.getMessage());
    }

    @Test
    void valuesOutOfRangeAreNamedWithTheRange() {
        ConfigException e = bad(dir, HEAD + """
                camera: {fps: 0, overrun: sometimes}
                decision: {threshold: 1.5}
                pipeline: {ring-size: 100, inference-threads: 300, max-batch: 0}
                reject: {delay-ms: 600001, sinks: {buffer: 0}}
                preprocess: {roi: [0, -1, 10, 10]}
                station: {name: Press 7}
                """);
        assertProblem(e, 6, "camera.fps", "above 0 and at most 10000", "got 0");
        assertProblem(e, 6, "camera.overrun", "resync", "catch-up", "got 'sometimes'");
        assertProblem(e, 7, "decision.threshold", "(0, 1]", "got 1.5");
        assertProblem(e, 8, "pipeline.ring-size", "power of two", "got 100");
        assertProblem(e, 8, "pipeline.inference-threads", "up to 256", "got 300");
        assertProblem(e, 8, "pipeline.max-batch", "1 to 1024", "got 0");
        assertProblem(e, 9, "reject.delay-ms", "0 to 600000", "got 600001");
        assertProblem(e, 9, "reject.sinks.buffer", "1 to 10000000", "got 0");
        assertProblem(e, 10, "preprocess.roi", "4 integers", "x and y >= 0");
        assertProblem(e, 11, "station.name", "a-z, 0-9", "got 'Press 7'");
    }

    @Test
    void maxBatchMayNotExceedTheRing() {
        ConfigException e = bad(dir, HEAD + "pipeline: {ring-size: 8, max-batch: 16}\n");
        assertProblem(e, 6, "pipeline.max-batch", "at most pipeline.ring-size (8)", "got 16");
        // the default batch shrinks to a small ring instead
        assertEquals(8, read(dir, HEAD + "pipeline: {ring-size: 8}\n").pipeline().maxBatch());
    }

    @Test
    void linesAndViewsAreChecked() {
        ConfigException e = bad(dir, """
                model: models/m
                trend: {detectors: none}
                lines:
                  - name: a
                    views:
                      - {name: top, source: file:parts.avi}
                      - {name: top, source: webcam:0}
                      - {source: "watch:in?settle=soon"}
                      - {name: x}
                  - name: a
                    views: {name: x}
                    threshold: 0
                    trend: [lstm, ewmaa, lstm]
                  - views: []
                  -
                  - {views: [{source: file:missing.avi}, {source: "folder:parts.avi"}]}
                  - {views: [{source: usb:0}, {source: "usb:0?fps=5"}]}
                """);
        assertProblem(e, 7, "lines[0].views[1].name", "a name no other view of this line has", "got 'top'", "also lines[0].views[0]");
        assertProblem(e, 7, "lines[0].views[1].source", "expected a frame source URI", "file:PATH", "got 'webcam:0'");
        assertProblem(e, 8, "lines[0].views[2].source", "settle", "soon");
        assertProblem(e, 9, "lines[0].views[3].source", "got nothing (the key is missing)");
        assertProblem(e, 10, "lines[1].name", "a name no other line has", "also lines[0]");
        assertProblem(e, 11, "lines[1].views", "a list of 1 to 16 cameras", "got a map");
        assertProblem(e, 12, "lines[1].threshold", "(0, 1]", "got 0");
        assertProblem(e, 13, "lines[1].trend", "lstm, ewma, cusum, pchart", "got 'ewmaa'", "did you mean 'ewma'?");
        assertProblem(e, 13, "lines[1].trend", "each detector once", "lstm twice");
        assertProblem(e, 14, "lines[2].views", "got an empty list");
        assertProblem(e, 15, "lines[3]", "expected a line", "got null");
        assertProblem(e, 16, "lines[4].views[0].source", "an existing video file", "no such file: " + dir.resolve("missing.avi"));
        assertProblem(e, 16, "lines[4].views[1].source", "an existing folder of images", "is a file");
        assertProblem(e, 17, "lines[5].views[1].source", "a camera no other view uses", "also lines[5].views[0].source");
    }

    @Test
    void linesAreRequiredAndLimited() {
        ConfigException missing = bad(dir, "model: models/m\n");
        assertProblem(missing, 1, "lines", "a list of 1 to 64 lines", "got nothing (the key is missing)");
        StringBuilder many = new StringBuilder("model: models/m\ntrend: {detectors: none}\nlines:\n");
        for (int i = 0; i < 65; i++) many.append("  - views: [{source: file:parts.avi}]\n");
        assertProblem(bad(dir, many.toString()), 4, "lines", "a list of 1 to 64 lines", "got a list of 65");
        assertEquals(64, read(dir, many.substring(0, many.lastIndexOf("  - "))).lines().size());
    }

    @Test
    void aDuplicateKeyIsAnError() {
        ConfigException e = bad(dir, HEAD + """
                server:
                  port: 8080
                  port: 8081
                camera: {fps: 5}
                camera: {fps: 6}
                """);
        assertProblem(e, 8, "server.port", "each key once", "first on line 7");
        assertProblem(e, 10, "camera", "each key once", "first on line 9");
    }

    @Test
    void severalProblemsAreAllReportedInTheFilesOrder() {
        ConfigException e = bad(dir, """
                model: models/m
                camera: {fps: -1}
                lines:
                  - views: [{source: nowhere}]
                pipeline: {workers: 0}
                server: {port: 99999}
                """);
        assertEquals(4, e.problems().size(), e.getMessage());
        String[] lines = e.getMessage().split("\n");
        assertEquals("station config " + e.file() + ": 4 problems", lines[0]);
        assertTrue(lines[1].startsWith(e.file() + ":2: camera.fps: expected"), lines[1]);
        assertTrue(lines[2].startsWith(e.file() + ":4: lines[0].views[0].source: expected"), lines[2]);
        assertTrue(lines[3].startsWith(e.file() + ":5: pipeline.workers: expected"), lines[3]);
        assertTrue(lines[4].startsWith(e.file() + ":6: server.port: expected"), lines[4]);
    }

    @Test
    void yamlSyntaxErrorsNameTheFileAndLine() {
        ConfigException e = bad(dir, HEAD + """
                camera:
                  fps: 25
                 overrun: resync
                """);
        assertEquals(1, e.problems().size());
        ConfigProblem p = e.problems().get(0);
        assertEquals(8, p.line(), e.getMessage());
        assertTrue(p.message().startsWith("expected valid YAML, got "), p.toString());
        assertTrue(e.getMessage().contains(e.file() + ":8: expected valid YAML"), e.getMessage());

        ConfigException tab = bad(dir, HEAD + "camera:\n\tfps: 25\n");
        assertEquals(7, tab.problems().get(0).line(), tab.getMessage());
        ConfigException twoDocs = bad(dir, HEAD + "---\nmodel: x\n");
        assertTrue(twoDocs.getMessage().contains("expected valid YAML"), twoDocs.getMessage());
    }

    @Test
    void anEmptyFileOrOneThatIsNotAMapIsAnError() {
        assertProblem(bad(dir, ""), 1, "", "a station config", "got an empty file");
        assertTrue(bad(dir, "# only a comment\n").getMessage().contains(":1: expected a station config (a map with at least 'lines'), got an empty file"));
        ConfigException list = bad(dir, "- a\n- b\n");
        assertProblem(list, 1, "", "expected a station config (a map with at least 'lines')", "got a list of 2");
        assertEquals(1, list.problems().size(), list.getMessage());
    }

    @Test
    void aMissingFileAFolderAndBadBytesAreNamed() throws Exception {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> StationFileReader.read(missing));
        assertEquals("station config " + missing + ": 1 problem\n" + missing + ": expected a station config file, got no such file", e.getMessage());
        ConfigException folder = assertThrows(ConfigException.class, () -> StationFileReader.read(dir));
        assertTrue(folder.getMessage().endsWith(dir + ": expected a station config file, got a folder"), folder.getMessage());
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        ConfigException bytes = assertThrows(ConfigException.class, () -> StationFileReader.read(latin1));
        assertTrue(bytes.getMessage().contains("expected UTF-8 text"), bytes.getMessage());
    }

    @Test
    void theModelPackageMustExistAndHoldModelJson() throws Exception {
        assertProblem(bad(dir, HEAD.replace("models/m", "models/none")), 1, "model", "a model package folder with model.json",
                dir.resolve("models/none") + " (no such folder)");
        Files.createDirectories(dir.resolve("models/empty"));
        assertProblem(bad(dir, HEAD.replace("models/m", "models/empty")), 1, "model",
                dir.resolve("models/empty") + " (it has no model.json)");
        Files.writeString(dir.resolve("file"), "x");
        assertProblem(bad(dir, HEAD.replace("models/m", "file")), 1, "model", "(a file, not a folder)");
        Files.createDirectories(dir.resolve("models/broken"));
        Files.writeString(dir.resolve("models/broken/model.json"), "{\"format\": 1");
        assertProblem(bad(dir, HEAD.replace("models/m", "models/broken")), 1, "model", "a valid model package", "not valid JSON");
        Path colour = dir.resolve("models/colour");
        Files.createDirectories(colour);
        Files.writeString(colour.resolve("model.json"), Files.readString(dir.resolve("models/m/model.json"))
                .replace("\"inputChannels\" : 1", "\"inputChannels\" : 3"));
        // a colour model takes gray sources (replicated) and colour ones, a gray model colour ones (converted)
        assertEquals("file:" + dir.resolve("parts.avi"), read(dir, HEAD.replace("models/m", "models/colour")).lines().get(0).views().get(0)
                .source());
        StationFile colourFile = read(dir, HEAD.replace("models/m", "models/colour").replace("parts.avi", "parts.avi?colour=true"));
        assertEquals("file:" + dir.resolve("parts.avi") + "?colour=true", colourFile.lines().get(0).views().get(0).source(),
                "the path resolved, the option kept");
        assertEquals(1, read(dir, HEAD.replace("parts.avi", "parts.avi?colour=true")).lines().size());
        // but a line's views share its preprocessing: a gray view beside a colour one is named
        assertProblem(bad(dir, HEAD.replace("parts.avi", "parts.avi?colour=true") + "      - {name: side, source: file:parts.avi}\n"), 6,
                "lines[0].views[1].source", "a source delivering colour (BGR) frames, as this line's first view does",
                "which delivers gray");
        Path four = dir.resolve("models/four");
        Files.createDirectories(four);
        Files.writeString(four.resolve("model.json"), Files.readString(dir.resolve("models/m/model.json"))
                .replace("\"inputChannels\" : 1", "\"inputChannels\" : 4"));
        assertProblem(bad(dir, HEAD.replace("models/m", "models/four")), 1, "model", "1 input channel) or BGR colour (3)",
                "with 4 input channels");
    }

    @Test
    void theCalibrationFileMustExistAndBeACalibration() throws Exception {
        assertProblem(bad(dir, HEAD + "calibration: cal.yaml\n"), 6, "calibration", "a calibration file", dir.resolve("cal.yaml") + " (no such file)");
        Files.writeString(dir.resolve("cal.yaml"), "format: something-else\n");
        assertProblem(bad(dir, HEAD + "calibration: cal.yaml\n"), 6, "calibration", "a valid calibration file", "something-else");
        Files.writeString(dir.resolve("cal.yaml"), "format: sightline-calibration/1\nthreshold: {model: other-cnn 9, threshold: 0.3}\n");
        assertProblem(bad(dir, HEAD + "calibration: cal.yaml\n"), 6, "calibration", "calibrated for the model 'synthetic-flange-cnn 1'",
                "got one for 'other-cnn 9'");
        Files.writeString(dir.resolve("cal.yaml"), "format: sightline-calibration/1\nthreshold: {model: synthetic-flange-cnn 1, threshold: 0.3}\n");
        assertEquals(dir.resolve("cal.yaml"), read(dir, HEAD + "calibration: cal.yaml\n").calibration());
        assertNull(read(dir, HEAD + "calibration: null\n").calibration());
    }

    @Test
    void theTrendModelIsNeededOnlyWhenALineRunsLstm() {
        String noLstm = HEAD.replace("trend: {detectors: none}", "trend: {detectors: [cusum], model: no/such}");
        assertEquals(dir.resolve("no/such"), read(dir, noLstm).trend().model());
        ConfigException e = bad(dir, noLstm + "  - {views: [{source: file:parts.avi}], trend: [lstm]}\n");
        assertProblem(e, 2, "trend.model", "the trend LSTM package", dir.resolve("no/such") + " (no such folder)");
    }

    @Test
    void outputsAreCheckedWithoutBeingContacted() {
        ConfigException e = bad(dir, HEAD + """
                reject:
                  sinks:
                    mqtt: {uri: "mqtt://broker", topic: "a/#"}
                    modbus: {host: "plc 1", port: 0, unit: 256}
                    kafka: {bootstrap: "k1"}
                    opcua: {url: "http://plc"}
                    opcua-server: {port: 70000}
                    amqp: {uri: x}
                """);
        assertProblem(e, 8, "reject.sinks.mqtt.uri", "tcp://127.0.0.1:1883", "got 'mqtt://broker'");
        assertProblem(e, 8, "reject.sinks.mqtt.topic", "without wildcards", "got 'a/#'");
        assertProblem(e, 9, "reject.sinks.modbus.host", "host name or IP address", "got 'plc 1'");
        assertProblem(e, 9, "reject.sinks.modbus.port", "1 to 65535", "got 0");
        assertProblem(e, 9, "reject.sinks.modbus.unit", "0 to 255", "got 256");
        assertProblem(e, 10, "reject.sinks.kafka.bootstrap", "HOST:PORT", "got 'k1'");
        assertProblem(e, 11, "reject.sinks.opcua.url", "opc.tcp://", "got 'http://plc'");
        assertProblem(e, 12, "reject.sinks.opcua-server.port", "1 to 65535", "got 70000");
        assertProblem(e, 13, "reject.sinks.amqp", "one of the keys buffer, mqtt, modbus, kafka, opcua, opcua-server");
        StationFile.Mqtt mqtt = read(dir, HEAD + "station: {name: press-7}\nreject: {sinks: {mqtt: {uri: \"tcp://b:1883\"}}}\n").reject().sinks().mqtt();
        assertEquals(new StationFile.Mqtt("tcp://b:1883", "sightline/press-7"), mqtt);
        ConfigException missing = bad(dir, HEAD + "reject: {sinks: {mqtt: {topic: t}}}\n");
        assertProblem(missing, 6, "reject.sinks.mqtt.uri", "got nothing (the key is missing)");
    }

    @Test
    void mqttCredentialsNeedTlsAPasswordSourceAndNoSecretInTheFile() throws Exception {
        ConfigException e = bad(dir, HEAD + """
                reject:
                  sinks:
                    mqtt: {uri: "tcp://plant-broker:1883", username: press-7, password-env: "NOT A NAME", password: hunter2, tls-ca: ca.pem}
                """);
        assertProblem(e, 8, "reject.sinks.mqtt.password", "one of the keys");
        assertProblem(e, 8, "reject.sinks.mqtt.tls-ca", "not a TLS one");
        assertProblem(e, 8, "reject.sinks.mqtt.password-env", "environment variable's name", "got 'NOT A NAME'");
        ConfigException clear = bad(dir, HEAD + "reject: {sinks: {mqtt: {uri: \"tcp://b:1883\", username: u, password-env: P}}}\n");
        assertProblem(clear, 6, "reject.sinks.mqtt.username", "in clear", "insecure: true");
        ConfigException alone = bad(dir, HEAD + "reject: {sinks: {mqtt: {uri: \"ssl://b:8883\", username: u, tls-ca: missing.pem}}}\n");
        assertProblem(alone, 6, "reject.sinks.mqtt.username", "its password beside it");
        assertProblem(alone, 6, "reject.sinks.mqtt.tls-ca", "does not exist");
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        StationFile.Mqtt ok = read(dir, HEAD + "reject: {sinks: {mqtt: {uri: \"ssl://b:8883\", tls-ca: ca.pem, username: u, password-file: pw}}}\n")
                .reject().sinks().mqtt();
        assertEquals(new StationFile.SinkAuth(dir.resolve("ca.pem"), "u", dir.resolve("pw"), null, false), ok.auth());
        StationFile.Mqtt trusted = read(dir, HEAD + "reject: {sinks: {mqtt: {uri: \"tcp://b:1883\", username: u, password-env: P, insecure: true}}}\n")
                .reject().sinks().mqtt();
        assertEquals("P", trusted.auth().passwordEnv());
        ConfigException kafka = bad(dir, HEAD + "reject: {sinks: {kafka: {bootstrap: \"k:9093\", username: u, password-file: pw, sasl-mechanism: GSSAPI}}}\n");
        assertProblem(kafka, 6, "reject.sinks.kafka.username", "expected TLS for credentials", "tls is not true");
        assertProblem(kafka, 6, "reject.sinks.kafka.sasl-mechanism", "SCRAM-SHA-256", "got 'GSSAPI'");
        StationFile.Kafka secure = read(dir, HEAD + "reject: {sinks: {kafka: {bootstrap: \"k:9093\", tls: true, tls-ca: ca.pem, username: u, password-env: P}}}\n")
                .reject().sinks().kafka();
        assertEquals(new StationFile.Kafka("k:9093", "sightline", true, "SCRAM-SHA-256",
                new StationFile.SinkAuth(dir.resolve("ca.pem"), "u", null, "P", false)), secure);
    }

    @Test
    void modelSignersMustBePublicKeyFiles() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("notes.txt"), "not a key");
        ConfigException e = bad(dir, HEAD + "model-signers: [missing.pub, notes.txt]\n");
        assertProblem(e, 6, "model-signers", "PEM public key", "does not exist");
        assertProblem(e, 6, "model-signers", "PEM public key", "holds no public key");
        ConfigException notAList = bad(dir, HEAD + "model-signers: {a: b}\n");
        assertProblem(notAList, 6, "model-signers", "a list of public key files");
    }

    @Test
    void nullIsAnErrorWhereTheDefaultIsNotNull() {
        ConfigException e = bad(dir, HEAD + """
                journal:
                  path: null
                  fsync: ~
                server: {port: }
                """);
        assertProblem(e, 7, "journal.path", "a path or none", "got null");
        assertProblem(e, 8, "journal.fsync", "true or false", "got null");
        assertProblem(e, 9, "server.port", "got null (no value)");
        // a section whose keys are all commented out is an empty section
        assertEquals(200, read(dir, HEAD + "reject:\n  # delay-ms: 500\n").reject().delayMillis());
    }

    @Test
    void javaTagsAreRefused() {
        ConfigException e = bad(dir, HEAD + "station: {name: !!javax.script.ScriptEngineManager [x]}\n");
        assertProblem(e, 6, "", "expected valid YAML", "Global tag is not allowed");
    }

    @Test
    void theServerNeedsATokenWhenItListensBeyondThisMachine() throws Exception {
        Map<String, String> env = Map.of("SIGHTLINE_TOKEN", "0123456789abcdef-from-env", "SHORT", "abc");
        ConfigException none = bad(dir, HEAD + "server: {bind: 0.0.0.0}\n");
        assertProblem(none, 6, "server.tokens", "at least 16 characters", "server.bind 0.0.0.0 is not a loopback address", "got none");
        assertProblem(none, 6, "server.tls", "expected TLS", "or server.insecure: true", "got neither");
        assertProblem(bad(dir, HEAD + "server: {bind: 192.168.1.5, token: null, insecure: true}\n"), 6, "server.tokens", "not a loopback address");
        for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "\"::1\""}) {
            assertNull(read(dir, HEAD + "server: {bind: " + loopback + "}\n").server().token(), loopback);
        }
        // off: no token needed
        assertFalse(read(dir, HEAD + "server: {enabled: false, bind: 0.0.0.0}\n").server().enabled());

        Path f = ConfigFiles.write(dir, HEAD + "server: {bind: 0.0.0.0, token: \"env:SIGHTLINE_TOKEN\", insecure: true}\n");
        assertEquals("0123456789abcdef-from-env", StationFileReader.read(f, env::get).server().token());
        assertFalse(StationFileReader.read(f, env::get).server().toString().contains("from-env"), "the token is never printed");

        Files.writeString(dir.resolve("token.txt"), "  fedcba9876543210-from-file \n");
        StationFile fromFile = read(dir, HEAD + "server: {bind: \"::\", token: file:token.txt, insecure: true}\n");
        assertEquals("fedcba9876543210-from-file", fromFile.server().token());
        assertEquals("literal-token-0123", read(dir, HEAD + "server: {bind: 10.0.0.1, token: literal-token-0123, insecure: true}\n").server().token());

        Path unset = ConfigFiles.write(dir, HEAD + "server: {bind: 0.0.0.0, token: \"env:NOT_SET\", insecure: true}\n");
        ConfigException e1 = assertThrows(ConfigException.class, () -> StationFileReader.read(unset, env::get));
        assertProblem(e1, 6, "server.token", "environment variable NOT_SET to hold the token", "got it unset");
        assertEquals(1, e1.problems().size(), e1.getMessage());
        Path shortEnv = ConfigFiles.write(dir, HEAD + "server: {token: \"env:SHORT\"}\n");
        ConfigException e2 = assertThrows(ConfigException.class, () -> StationFileReader.read(shortEnv, env::get));
        assertProblem(e2, 6, "server.token", "at least 16 characters", "got 3 characters");
        assertFalse(e2.getMessage().contains("abc"), "the token is never printed: " + e2.getMessage());
        ConfigException e3 = bad(dir, HEAD + "server: {bind: 0.0.0.0, token: file:no-token.txt, insecure: true}\n");
        assertProblem(e3, 6, "server.token", "a file holding the token", "no such file: " + dir.resolve("no-token.txt"));
        ConfigException e4 = bad(dir, HEAD + "server: {token: secret}\n");
        assertProblem(e4, 6, "server.token", "at least 16 characters", "got 6 characters");
        assertFalse(e4.getMessage().contains("secret"), e4.getMessage());
        assertProblem(bad(dir, HEAD + "server: {token: \"env:1X\"}\n"), 6, "server.token", "env:NAME");
    }
}
