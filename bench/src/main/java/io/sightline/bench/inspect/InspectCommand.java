package io.sightline.bench.inspect;


import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.bench.BenchPaths;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.natives.Natives;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.station.Station;
import io.sightline.station.StationConfig;
import io.sightline.station.cli.ServeCommand;
import io.sightline.station.inspect.Inspector;
import io.sightline.station.telemetry.StationStats;
import io.sightline.station.web.StationMetrics;
import io.sightline.station.web.StationServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline bench inspect}: the inspection API under load from closed-loop HTTP clients in
 * the same process, on loopback.
 *
 * <pre>
 *   1 alone:       sightline serve's worker and server (no cameras); N clients POST a part's PNG for S s
 *   2 line alone:  a station, one synthetic camera at F parts/s, its server up; S s without clients
 *   3 beside line: the same station, N clients for S s: their requests ride in its batches
 *   figures:       requests, requests/s, p50/p99 ms and errors (non-200) per client phase; the line's
 *                  capture-to-decision p99 and fail-safe parts in 2 and in 3
 * </pre>
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The inspection API under load (POST /api/inspect from N clients): alone (serve), and beside a running line,"
                + " with the line's p99 before and during.")
public final class InspectCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--seconds", paramLabel = "S", description = "each phase's length (default: ${DEFAULT-VALUE})")
    double seconds = 10;

    @Option(names = "--clients", paramLabel = "N", description = "concurrent clients, each sending its next request when answered (default: ${DEFAULT-VALUE})")
    int clients = 4;

    @Option(names = "--fps", paramLabel = "F", description = "the line's parts per second in phases 2 and 3 (default: ${DEFAULT-VALUE})")
    double fps = 100;

    @Option(names = "--frame", paramLabel = "WxH", description = "the camera's frame size and the images' (default: ${DEFAULT-VALUE})")
    String frame = "640x512";

    @Option(names = "--json", description = "print one JSON object with the figures as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || clients < 1 || clients > 64 || !(fps > 0)) {
            throw new IllegalArgumentException("--seconds > 0, --clients 1 to 64 and --fps > 0 expected, got " + seconds + ", " + clients + ", " + fps);
        }
        String[] wh = frame.toLowerCase(Locale.ROOT).split("x");
        if (wh.length != 2) throw new IllegalArgumentException("--frame: expected WIDTHxHEIGHT, got '" + frame + "'");
        int width = Integer.parseInt(wh[0]);
        int height = Integer.parseInt(wh[1]);
        Natives.loadAll();
        Path modelDir = BenchPaths.defaultModel();
        byte[] png = InspectLoad.partPng(width, height);
        Map<String, Object> out = new LinkedHashMap<>();

        System.err.printf(Locale.ROOT, "bench inspect: phase 1/3, the API alone (serve): %d clients for %.0f s%n", clients, seconds);
        try (ServeCommand.Serving s = ServeCommand.start(null, modelDir, new int[] {width, height}, null, 0.5f, 0, 16)) {
            Map<String, Object> alone = InspectLoad.closedLoop(s.server().url() + "api/inspect?line=0", png, clients, seconds);
            alone.put("meanBatch", s.worker().batches() == 0 ? 0 : (double) s.worker().requests() / s.worker().batches());
            out.put("alone", alone);
        }

        try (ModelPackage model = ModelPackage.load(modelDir)) {
            List<FrameSource> cams = List.of(new SyntheticPartCamera("bench-0", new SyntheticPartCamera.Options(width, height, 0.1, 5, 8)));
            StationConfig config = StationConfig.defaults(model.dir()).withLines(1).withFps(fps);
            RejectSink sink = new RejectSink() {
                @Override
                public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {}
            };
            try (Station station = Station.create(config, model, cams, sink); StationMetrics metrics = new StationMetrics(station)) {
                station.start();
                try (StationServer server = new StationServer(station, metrics, StationServer.Options.loopback(0))) {
                    Inspector inspector = station.inspector(List.of("0"), 16L << 20);
                    server.serveInspections(inspector);
                    Thread.sleep(2_000); // past the first, slower frames after a start
                    System.err.printf(Locale.ROOT, "bench inspect: phase 2/3, the line alone at %.0f parts/s for %.0f s%n", fps, seconds);
                    Histogram h0 = station.latencyHistogramMicros();
                    StationStats s0 = station.snapshot();
                    Thread.sleep((long) (seconds * 1000));
                    Histogram h1 = station.latencyHistogramMicros();
                    StationStats s1 = station.snapshot();
                    System.err.printf(Locale.ROOT, "bench inspect: phase 3/3, %d clients beside the line for %.0f s%n", clients, seconds);
                    Map<String, Object> beside = InspectLoad.closedLoop(server.url() + "api/inspect?line=0", png, clients, seconds);
                    Histogram h2 = station.latencyHistogramMicros();
                    StationStats s2 = station.snapshot();
                    beside.put("lineFps", fps);
                    beside.put("lineP99MsBefore", p99Ms(h1, h0));
                    beside.put("lineP99MsDuring", p99Ms(h2, h1));
                    beside.put("lineFailsafeBefore", s1.failSafe() - s0.failSafe());
                    beside.put("lineFailsafeDuring", s2.failSafe() - s1.failSafe());
                    beside.put("linePartsDuring", s2.captured() - s1.captured());
                    out.put("besideLine", beside);
                }
                StationStats end = station.stop(Duration.ofSeconds(30));
                out.put("lineBalanced", end.captured() == end.passed() + end.rejected() + end.failSafe() + end.inFlight());
            }
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("clients", clients);
        setup.put("seconds", seconds);
        setup.put("frame", width + "x" + height);
        setup.put("imageBytes", png.length);
        setup.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("setup", setup);
        print(out);
        if (json) System.out.println(JSON.writeValueAsString(out));
        return 0;
    }

    private static double p99Ms(Histogram later, Histogram earlier) {
        Histogram d = later.copy();
        d.subtract(earlier);
        return d.getTotalCount() == 0 ? 0 : d.getValueAtPercentile(99) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> out) {
        Map<String, Object> a = (Map<String, Object>) out.get("alone");
        Map<String, Object> b = (Map<String, Object>) out.get("besideLine");
        System.out.printf(Locale.ROOT, "inspection API, %s clients, %s frames:%n", ((Map<?, ?>) out.get("setup")).get("clients"),
                ((Map<?, ?>) out.get("setup")).get("frame"));
        System.out.printf(Locale.ROOT, "  alone (serve):      %6s requests  %7s req/s  p50 %6s ms  p99 %6s ms  errors %s  mean batch %.1f%n",
                a.get("requests"), a.get("rps"), a.get("p50Ms"), a.get("p99Ms"), a.get("errors"), (double) a.get("meanBatch"));
        System.out.printf(Locale.ROOT, "  beside the line:    %6s requests  %7s req/s  p50 %6s ms  p99 %6s ms  errors %s%n",
                b.get("requests"), b.get("rps"), b.get("p50Ms"), b.get("p99Ms"), b.get("errors"));
        System.out.printf(Locale.ROOT, "  the line at %s parts/s: p99 %s ms before, %s ms during; fail-safe %s before, %s during%n",
                b.get("lineFps"), b.get("lineP99MsBefore"), b.get("lineP99MsDuring"), b.get("lineFailsafeBefore"), b.get("lineFailsafeDuring"));
    }
}
