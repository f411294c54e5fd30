package io.sightline.station.cli;

import io.sightline.inference.ModelInfo;
import io.sightline.station.StationConfig;
import io.sightline.station.config.ConfigException;
import io.sightline.station.config.ConfigProblem;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.web.AccessToken;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sightline config ...}: the station's YAML config file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with a station config file (YAML).",
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {
    /** Exit code of a config with problems. */
    static final int INVALID = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code sightline config check FILE [--json]}: reads the file as the station would, checking every
     * value, that the model package, calibration and video files it names exist, and every source URI's
     * form, but opens no camera and contacts no output. Prints a summary (valid, exit 0) or every
     * problem as {@code FILE:LINE: key.path: expected WHAT, got VALUE} (exit 2).
     */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a station config file without starting anything: every value, the files it names (model package,",
                "calibration, video files), every source URI's form. No camera is opened and no output is contacted.",
                "Exit 0 when valid (a summary on standard error), 2 with every problem as FILE:LINE: key: expected ..., got ...."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the station config (YAML), e.g. config/station.example.yaml")
        Path file;

        @Option(names = "--json", description = "print one JSON object on the last line of standard output: valid, problems, summary")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            StationFile config;
            try {
                config = StationFileReader.read(file);
            } catch (ConfigException e) {
                err.println(e.getMessage());
                err.flush();
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("valid", false);
                    m.put("file", file.toString());
                    List<String> problems = new ArrayList<>();
                    for (ConfigProblem p : e.problems()) problems.add(p.toString());
                    m.put("problems", problems);
                    out.println(Json.line(m));
                    out.flush();
                }
                return INVALID;
            }
            printSummary(err, config);
            err.flush();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("valid", true);
                m.put("file", file.toString());
                m.put("problems", List.of());
                m.put("summary", summary(config));
                out.println(Json.line(m));
                out.flush();
            }
            return 0;
        }
    }

    /** What a valid config sets up, as JSON-ready maps (no token: only whether one is set). */
    static Map<String, Object> summary(StationFile c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("station", c.name());
        m.put("source", c.source().toString());
        List<Map<String, Object>> lines = new ArrayList<>();
        float[] thresholds = c.thresholds();
        for (int i = 0; i < c.lines().size(); i++) {
            StationFile.Line l = c.lines().get(i);
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("name", l.name());
            lm.put("threshold", thresholds[i]);
            lm.put("trend", c.trendDetectors(i));
            List<Map<String, Object>> views = new ArrayList<>();
            for (StationFile.View v : l.views()) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("name", v.name());
                vm.put("source", v.source());
                views.add(vm);
            }
            lm.put("views", views);
            lines.add(lm);
        }
        m.put("lines", lines);
        m.put("cameras", c.cameraCount());
        m.put("fps", c.camera().fps());
        m.put("overrun", c.camera().overrun().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("model", c.model().toString());
        m.put("calibration", c.calibration() == null ? null : c.calibration().toString());
        m.put("threshold", c.threshold());
        m.put("roi", c.roi() == null ? null : c.roi().toArray());
        StationConfig sc = c.toStationConfig();
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("ringSize", sc.ringSize());
        pipeline.put("workers", sc.workers());
        pipeline.put("inferenceThreads", sc.inferenceThreads());
        pipeline.put("maxBatch", sc.maxBatch());
        m.put("pipeline", pipeline);
        m.put("trendModel", c.usesLstm() ? c.trend().model().toString() : null);
        m.put("rejectDelayMs", c.reject().delayMillis());
        m.put("rejectLog", c.reject().log() == null ? null : c.reject().log().toString());
        StationFile.Sinks s = c.reject().sinks();
        Map<String, Object> sinks = new LinkedHashMap<>();
        if (s.mqtt() != null) sinks.put("mqtt", s.mqtt().uri());
        if (s.modbus() != null) sinks.put("modbus", s.modbus().host() + ":" + s.modbus().port() + ":" + s.modbus().unit());
        if (s.kafka() != null) sinks.put("kafka", s.kafka().bootstrap());
        if (s.opcua() != null) sinks.put("opcua", s.opcua().url());
        if (s.opcuaServer() != null) sinks.put("opcua-server", s.opcuaServer().port());
        m.put("sinks", sinks);
        Map<String, Object> journal = new LinkedHashMap<>();
        journal.put("path", c.journal().path() == null ? null : c.journal().path().toString());
        journal.put("fsync", c.journal().fsync());
        m.put("journal", journal);
        m.put("rejectImages", c.rejectImages().dir() == null ? null : c.rejectImages().dir().toString());
        m.put("review", c.review().dir() == null ? null : c.review().dir().toString());
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("enabled", c.server().enabled());
        server.put("bind", c.server().bind());
        server.put("port", c.server().port());
        server.put("token", !c.server().tokens().isEmpty());
        Map<String, Object> roles = new LinkedHashMap<>();
        for (AccessToken.Role r : AccessToken.Role.values()) {
            roles.put(r.label(), c.server().tokens().stream().filter(t -> t.role() == r).count());
        }
        server.put("tokens", roles);
        server.put("tls", c.server().tls() != null);
        server.put("insecure", c.server().insecure());
        m.put("server", server);
        return m;
    }

    /** The few lines a person checks before starting a station with this file. */
    static void printSummary(PrintWriter err, StationFile c) {
        StationConfig sc = c.toStationConfig();
        err.printf(Locale.ROOT, "%s: valid: station %s, %d line(s), %d camera(s) at %s fps (%s)%n", c.source(), c.name(), c.lines().size(),
                c.cameraCount(), num(c.camera().fps()), c.camera().overrun().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        float[] thresholds = c.thresholds();
        for (int i = 0; i < c.lines().size(); i++) {
            StationFile.Line l = c.lines().get(i);
            List<String> trend = c.trendDetectors(i);
            err.printf(Locale.ROOT, "  line %d %s: threshold %s%s, trend %s%n", i, l.name(), num(thresholds[i]),
                    l.threshold() != null ? " (its own)" : "", trend.isEmpty() ? "none" : String.join(",", trend));
            for (StationFile.View v : l.views()) err.printf("    %-8s %s%n", v.name(), v.source());
        }
        String model = c.model().toString();
        try {
            ModelInfo info = ModelInfo.read(c.model().resolve(ModelInfo.FILE_NAME));
            model += " (" + info.name() + " " + info.version() + ", " + info.inputWidth() + "x" + info.inputHeight() + "x" + info.inputChannels() + ")";
        } catch (RuntimeException ignored) {
            // checked by the reader; the summary does without the details
        }
        err.println("  model " + model);
        err.println("  calibration " + (c.calibration() == null ? "none" : c.calibration()));
        err.printf(Locale.ROOT, "  roi %s, ring %d, workers %d%s, inference threads %d%s, max batch %d%n",
                c.roi() == null ? "camera default" : java.util.Arrays.toString(c.roi().toArray()), sc.ringSize(), sc.workers(),
                c.pipeline().workers() == null ? " (auto)" : "", sc.inferenceThreads(), c.pipeline().inferenceThreads() == null ? " (auto)" : "",
                sc.maxBatch());
        if (c.usesLstm()) err.println("  trend model " + c.trend().model());
        StationFile.Sinks s = c.reject().sinks();
        List<String> sinks = new ArrayList<>();
        if (s.mqtt() != null) sinks.add("mqtt " + s.mqtt().uri() + " " + s.mqtt().topic() + "/...");
        if (s.modbus() != null) sinks.add("modbus " + s.modbus().host() + ":" + s.modbus().port() + " unit " + s.modbus().unit());
        if (s.kafka() != null) sinks.add("kafka " + s.kafka().bootstrap() + " " + s.kafka().topicPrefix() + ".*");
        if (s.opcua() != null) sinks.add("opcua " + s.opcua().url() + " " + s.opcua().security());
        if (s.opcuaServer() != null) sinks.add("opcua-server :" + s.opcuaServer().port() + " " + s.opcuaServer().security());
        err.printf("  reject delay %d ms, log %s, sinks %s%n", c.reject().delayMillis(), c.reject().log() == null ? "none" : c.reject().log(),
                sinks.isEmpty() ? "none" : String.join(", ", sinks) + " (buffer " + s.buffer() + ")");
        err.println("  journal " + (c.journal().path() == null ? "none" : c.journal().path() + (c.journal().fsync() ? " (fsync)" : "")));
        err.println("  reject images " + (c.rejectImages().dir() == null ? "none"
                : c.rejectImages().dir() + " (" + c.rejectImages().maxMb() + " MB, " + num(c.rejectImages().maxDays()) + " days)"));
        err.println("  review " + (c.review().dir() == null ? "none" : c.review().dir() + " (band " + c.review().band() + ", "
                + c.review().perHour() + " per line per hour, " + c.review().maxMb() + " MB)"));
        StationFile.Server sv = c.server();
        long read = sv.tokens().stream().filter(t -> t.role() == AccessToken.Role.READ).count();
        long operate = sv.tokens().size() - read;
        err.println("  server " + (sv.enabled() ? (sv.tls() != null ? "https://" : "http://") + (sv.bind().contains(":") ? "[" + sv.bind() + "]"
                : sv.bind()) + ":" + sv.port() + (sv.port() == 0 ? " (any free port)" : "") + (sv.insecure() ? " (insecure: plain HTTP allowed)" : "")
                + ", " + (sv.tokens().isEmpty() ? "token none" : "tokens " + read + " read, " + operate + " operate") : "off"));
    }

    private static String num(double v) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
    }
}
