package io.sightline.station.config;

import static io.sightline.station.config.ConfigFiles.MINIMAL;
import static io.sightline.station.config.ConfigFiles.assertProblem;
import static io.sightline.station.config.ConfigFiles.bad;
import static io.sightline.station.config.ConfigFiles.project;
import static io.sightline.station.config.ConfigFiles.read;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.station.StationConfig;
import io.sightline.station.TriggerSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The station YAML file: the example, the defaults, relative paths, and every kind of bad input
 * named with its file, line, key path and what was expected. Real files in a temporary folder; no
 * native library is loaded.
 */
class StationFileReaderTest {
    @TempDir
    Path dir;

    @Test
    void theExampleParsesAndMapsToTheStationConfig() {
        Path example = project().resolve("config/station.example.yaml");
        StationFile f = StationFileReader.read(example);
        Path root = project();
        assertEquals(example, f.source());
        assertEquals("example", f.name());
        assertEquals(root.resolve("models/default"), f.model());
        assertNull(f.calibration());
        assertEquals(1, f.lines().size());
        StationFile.Line line = f.lines().get(0);
        assertEquals("line-0", line.name());
        assertEquals(List.of(new StationFile.View("top", "file:" + root.resolve("config/parts.avi"))), line.views());
        assertNull(line.threshold());
        assertNull(line.trend());
        assertEquals(List.of("lstm", "cusum"), f.trendDetectors(0));
        assertTrue(f.usesLstm());
        assertEquals(root.resolve("models/trend"), f.trend().model());
        assertEquals(root.resolve("sightline-out/rejects.log"), f.reject().log());
        assertEquals(List.of(), f.reject().sinks().names());
        assertEquals(100_000, f.reject().sinks().buffer());
        assertEquals(new StationFile.Journal(root.resolve("sightline-out/journal.db"), false), f.journal());
        assertEquals(new StationFile.RejectImages(root.resolve("sightline-out/reject-images"), 500, 30), f.rejectImages());
        assertEquals(new StationFile.Server(true, "127.0.0.1", 8080, null), f.server());
        assertArrayEquals(new float[] {0.5f}, f.thresholds());

        StationConfig c = f.toStationConfig();
        StationConfig d = StationConfig.defaults(f.model());
        assertEquals(1, c.lines());
        assertEquals(10.0, c.fpsPerLine());
        assertEquals(root.resolve("models/default"), c.modelDir());
        assertEquals(0.5f, c.rejectThreshold());
        assertNull(c.roi());
        assertEquals(128, c.ringSize());
        assertEquals(d.workers(), c.workers());
        assertEquals(d.inferenceThreads(), c.inferenceThreads());
        assertEquals(16, c.maxBatch());
        assertEquals(200, c.rejectDelayMillis());
        assertEquals(-1, c.maxFramesPerLine());
        assertEquals(TriggerSchedule.Overrun.RESYNC, c.overrun());
    }

    @Test
    void theExampleDocumentsEveryKeyTheReaderKnows() throws Exception {
        String text = Files.readString(project().resolve("config/station.example.yaml"));
        for (String key : StationFileReader.ROOT_KEYS) assertTrue(text.contains("\n" + key + ":"), key);
        for (String key : List.of("name:", "fps:", "overrun:", "views:", "source:", "threshold:", "trend:", "roi:", "ring-size:", "workers:",
                "inference-threads:", "max-batch:", "detectors:", "delay-ms:", "log:", "sinks:", "buffer:", "mqtt:", "modbus:", "kafka:",
                "opcua:", "opcua-server:", "path:", "fsync:", "dir:", "max-mb:", "max-days:", "enabled:", "bind:", "port:", "token:",
                "topic-prefix:", "unit:", "bootstrap:", "url:", "uri:", "topic:", "limit:", "trend-model:")) {
            assertTrue(text.contains(key), key);
        }
    }

    @Test
    void aMinimalFileGetsEveryDefault() {
        StationFile f = read(dir, MINIMAL);
        assertEquals("sightline", f.name());
        assertEquals(25.0, f.camera().fps());
        assertEquals(TriggerSchedule.Overrun.RESYNC, f.camera().overrun());
        assertEquals("line-0", f.lines().get(0).name());
        assertEquals("top", f.lines().get(0).views().get(0).name());
        assertNull(f.roi());
        assertEquals(0.5f, f.threshold());
        assertEquals(new StationFile.Pipeline(128, null, null, 16, "auto"), f.pipeline());
        assertEquals(List.of(), f.trend().detectors());
        assertFalse(f.usesLstm());
        assertEquals(200, f.reject().delayMillis());
        assertEquals(dir.resolve("sightline-out/rejects.log"), f.reject().log());
        assertEquals(dir.resolve("sightline-out/journal.db"), f.journal().path());
        assertEquals(dir.resolve("sightline-out/reject-images"), f.rejectImages().dir());
        assertEquals(new StationFile.Server(true, "127.0.0.1", 8080, null), f.server());
        StationConfig c = f.toStationConfig();
        assertEquals(StationConfig.DEFAULT_FPS, c.fpsPerLine());
        assertEquals(StationConfig.DEFAULT_RING_SIZE, c.ringSize());
        assertEquals(StationConfig.DEFAULT_MAX_BATCH, c.maxBatch());
        assertEquals(StationConfig.DEFAULT_REJECT_DELAY_MILLIS, c.rejectDelayMillis());
    }

    @Test
    void theTrendLimitAndALinesOwnTrendModelAreRead() throws Exception {
        Path own = dir.resolve("trend-line-1");
        Files.createDirectories(own);
        Files.copy(project().resolve("models/trend/model.json"), own.resolve("model.json"));
        StationFile f = read(dir, """
                model: models/m
                trend: {detectors: [lstm], model: %s, limit: 3x}
                lines:
                  - views: [{source: file:parts.avi}]
                  - views: [{source: file:parts.avi}]
                    trend-model: trend-line-1
                """.formatted(project().resolve("models/trend")));
        assertEquals(io.sightline.postprocess.trend.TrendLimit.multiple(3), f.trend().limit());
        assertEquals(project().resolve("models/trend"), f.trendModel(0));
        assertEquals(own, f.trendModel(1));
        assertEquals(io.sightline.postprocess.trend.TrendLimit.absolute(0.05), read(dir, MINIMAL.replace("detectors: none", "detectors: none, limit: 0.05"))
                .trend().limit());

        ConfigException e = bad(dir, MINIMAL.replace("detectors: none", "detectors: none, limit: 5%"));
        assertProblem(e, 2, "trend.limit", "expected a reject rate in (0, 1) such as 0.05, or a multiple", "'5%'");
        e = bad(dir, MINIMAL + "    trend-model: nowhere\n");
        assertProblem(e, 6, "lines[0].trend-model", "expected the trend LSTM package", "no such folder");
    }

    @Test
    void everySettingIsRead() {
        StationFile f = read(dir, """
                station: {name: press-7}
                model: models/m
                camera: {fps: 500, overrun: catch-up}
                lines:
                  - name: left
                    views:
                      - {name: top, source: file:parts.avi}
                      - {name: side, source: "usb:0?width=1280&height=1024"}
                    threshold: 0.62
                    trend: [ewma]
                  - views: [{source: "gige:192.168.10.20?exposure=800"}]
                    trend: none
                preprocess: {roi: [10, 20, 300, 400]}
                decision: {threshold: 0.3}
                pipeline: {ring-size: 1024, workers: 3, inference-threads: 0, max-batch: 64}
                trend: {detectors: [cusum, pchart]}
                reject:
                  delay-ms: 0
                  log: none
                  sinks:
                    buffer: 5
                    mqtt: {uri: "tcp://10.0.0.2:1883", topic: plant/press-7}
                    modbus: {host: plc.local, port: 5020, unit: 3}
                    kafka: {bootstrap: "k1:9092,k2:9093", topic-prefix: press7}
                    opcua: {url: "opc.tcp://10.0.0.3:4840/plc", security: None/None}
                    opcua-server: {port: 4850, security: [None/None]}
                journal: {path: none, fsync: true}
                reject-images: {dir: none, max-mb: 20, max-days: 0.5}
                server: {enabled: false, bind: "::1", port: 0}
                """);
        assertEquals("press-7", f.name());
        assertEquals(new StationFile.Camera(500, TriggerSchedule.Overrun.CATCH_UP), f.camera());
        assertEquals(2, f.lines().size());
        assertEquals(3, f.cameraCount());
        assertEquals(List.of(new StationFile.View("top", "file:" + dir.resolve("parts.avi")),
                new StationFile.View("side", "usb:0?width=1280&height=1024")), f.lines().get(0).views());
        assertEquals("line-1", f.lines().get(1).name());
        assertEquals("top", f.lines().get(1).views().get(0).name());
        assertArrayEquals(new float[] {0.62f, 0.3f}, f.thresholds());
        assertEquals(List.of("ewma"), f.trendDetectors(0));
        assertEquals(List.of(), f.trendDetectors(1));
        assertEquals(new StationFile.Roi(10, 20, 300, 400), f.roi());
        assertEquals(new StationFile.Pipeline(1024, 3, 0, 64, "auto"), f.pipeline());
        assertEquals(new StationFile.Reject(0, null, new StationFile.Sinks(5, new StationFile.Mqtt("tcp://10.0.0.2:1883", "plant/press-7"),
                new StationFile.Modbus("plc.local", 5020, 3), new StationFile.Kafka("k1:9092,k2:9093", "press7"),
                new StationFile.OpcUa("opc.tcp://10.0.0.3:4840/plc"), new StationFile.OpcUaServer(4850))), f.reject());
        assertEquals(List.of("mqtt", "modbus", "kafka", "opcua", "opcua-server"), f.reject().sinks().names());
        assertEquals(new StationFile.Journal(null, true), f.journal());
        assertEquals(new StationFile.RejectImages(null, 20, 0.5), f.rejectImages());
        assertEquals(new StationFile.Server(false, "::1", 0, null), f.server());
        StationConfig c = f.toStationConfig();
        assertEquals(2, c.lines());
        assertEquals(0.3f, c.rejectThreshold());
        assertArrayEquals(new int[] {10, 20, 300, 400}, c.roi());
        assertEquals(3, c.workers());
        assertEquals(0, c.inferenceThreads());
        assertEquals(64, c.maxBatch());
        assertEquals(TriggerSchedule.Overrun.CATCH_UP, c.overrun());
    }

    @Test
    void parseReadsTextAsIfItWereTheNominalFile() {
        ConfigFiles.write(dir, MINIMAL);
        Path nominal = dir.resolve("never-written.yaml");
        StationFile f = StationFileReader.parse(MINIMAL, nominal);
        assertEquals(nominal, f.source());
        assertEquals(dir.resolve("models/m"), f.model());
        ConfigException e = assertThrows(ConfigException.class, () -> StationFileReader.parse("lines: 3\n", nominal));
        assertTrue(e.getMessage().contains(nominal + ":1: lines: expected a list of 1 to 64 lines"), e.getMessage());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesFolder() throws Exception {
        Path sub = dir.resolve("etc/station");
        Files.createDirectories(sub);
        ConfigFiles.model(dir);
        ConfigFiles.video(dir, "videos/a.avi");
        Files.createDirectories(dir.resolve("images"));
        Path file = sub.resolve("s.yaml");
        Files.writeString(file, """
                model: ../../models/m
                trend: {detectors: [lstm], model: ../../models/m}
                lines:
                  - views:
                      - {name: a, source: file:../../videos/a.avi}
                      - {name: b, source: folder:../../images}
                      - {name: c, source: "watch:incoming?settle=0&existing=1"}
                      - {name: d, source: "file:/abs/elsewhere.avi"}
                      - {name: e, source: "usb:seq:frames/f_%04d.png?fps=5"}
                journal: {path: out/j.db}
                reject: {log: ../log/rejects.log}
                reject-images: {dir: out/images}
                """);
        Path abs = Files.createTempFile(dir, "v", ".avi");
        Files.writeString(file, Files.readString(file).replace("/abs/elsewhere.avi", abs.toString()));
        StationFile f = StationFileReader.read(file);
        assertEquals(dir.resolve("models/m"), f.model());
        assertEquals(dir.resolve("models/m"), f.trend().model());
        List<StationFile.View> v = f.lines().get(0).views();
        assertEquals("file:" + dir.resolve("videos/a.avi"), v.get(0).source());
        assertEquals("folder:" + dir.resolve("images"), v.get(1).source());
        assertEquals("watch:" + sub.resolve("incoming") + "?settle=0&existing=1", v.get(2).source());
        assertEquals("file:" + abs, v.get(3).source());
        assertEquals("usb:seq:" + sub.resolve("frames/f_%04d.png") + "?fps=5", v.get(4).source());
        assertEquals(sub.resolve("out/j.db"), f.journal().path());
        assertEquals(dir.resolve("etc/log/rejects.log"), f.reject().log());
        assertEquals(sub.resolve("out/images"), f.rejectImages().dir());
    }
}
