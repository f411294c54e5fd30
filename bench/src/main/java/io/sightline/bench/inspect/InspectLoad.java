package io.sightline.bench.inspect;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.CapturedFrame;
import io.sightline.capture.DefectKind;
import io.sightline.capture.SyntheticPartCamera;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Loopback clients of {@code POST /api/inspect} for the benchmarks, and what they saw: requests,
 * requests/s, p50/p99 latency, errors by status, and which model versions answered.
 *
 * <pre>
 *   closed loop  N clients, each sending its next request when the last is answered (the API's capacity)
 *   paced        one request every 1/rate s, whatever the answers do (a client system's steady traffic
 *                beside a line, which must not take the line past its capacity)
 * </pre>
 */
public final class InspectLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpRequest request;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Histogram latency = new Histogram(60_000_000L, 3);
    private final Map<String, Long> byStatus = new TreeMap<>();
    private final Map<String, Long> byModel = new TreeMap<>();
    private long ok;
    private long errors;

    private InspectLoad(String url, byte[] image) {
        this.request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
    }

    /** {@code clients} closed-loop clients for {@code seconds}; returns the figures. */
    public static Map<String, Object> closedLoop(String url, byte[] png, int clients, double seconds) throws InterruptedException {
        InspectLoad load = new InspectLoad(url, png);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() - end < 0) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r;
                    try {
                        r = load.http.send(load.request, HttpResponse.BodyHandlers.ofByteArray());
                    } catch (Exception e) {
                        r = null;
                    }
                    load.record(t0, r);
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        return load.figures((System.nanoTime() - start) / 1e9);
    }

    /** Paced requests at {@code rate} per second until {@link #stop}. */
    public static final class Paced implements AutoCloseable {
        private final InspectLoad load;
        private final double rate;
        private final Thread sender;
        private final List<CompletableFuture<?>> pending = new ArrayList<>();
        private volatile boolean running = true;
        private long start;

        public Paced(String url, byte[] png, double rate) {
            if (!(rate > 0 && rate <= 10_000)) throw new IllegalArgumentException("inspection requests per second: expected 0 to 10000, got " + rate);
            this.load = new InspectLoad(url, png);
            this.rate = rate;
            this.sender = new Thread(this::send, "bench-inspect-paced");
            this.sender.setDaemon(true);
        }

        public Paced start() {
            start = System.nanoTime();
            sender.start();
            return this;
        }

        private void send() {
            long period = (long) (1e9 / rate);
            long next = System.nanoTime();
            while (running) {
                long t0 = System.nanoTime();
                CompletableFuture<?> f = load.http.sendAsync(load.request, HttpResponse.BodyHandlers.ofByteArray())
                        .handle((r, e) -> {
                            load.record(t0, e == null ? r : null);
                            return null;
                        });
                synchronized (pending) {
                    pending.removeIf(CompletableFuture::isDone);
                    pending.add(f);
                }
                next += period;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        /** Stops sending, waits for the answers still due (at most their 30 s timeout), returns the figures. */
        public Map<String, Object> stop() throws InterruptedException {
            running = false;
            sender.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            List<CompletableFuture<?>> left;
            synchronized (pending) {
                left = new ArrayList<>(pending);
            }
            try {
                CompletableFuture.allOf(left.toArray(new CompletableFuture[0])).get(35, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // each one is recorded by its own handler, as an error where it failed
            }
            Map<String, Object> m = load.figures(seconds);
            m.put("offeredRps", rate);
            return m;
        }

        @Override
        public void close() throws InterruptedException {
            if (running) stop();
        }
    }

    private void record(long t0, HttpResponse<byte[]> r) {
        long micros = (System.nanoTime() - t0) / 1000;
        String model = null;
        if (r != null && r.statusCode() == 200) {
            try {
                JsonNode v = JSON.readTree(r.body()).path("model").path("version");
                model = v.isMissingNode() ? "?" : v.asText();
            } catch (java.io.IOException e) {
                model = "unreadable answer";
            }
        }
        synchronized (this) {
            latency.recordValue(Math.min(micros, 60_000_000L));
            if (model != null) {
                ok++;
                byModel.merge(model, 1L, Long::sum);
            } else {
                errors++;
                byStatus.merge(r == null ? "no answer" : Integer.toString(r.statusCode()), 1L, Long::sum);
            }
        }
    }

    private synchronized Map<String, Object> figures(double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", ok + errors);
        m.put("rps", Math.round(ok / Math.max(1e-9, seconds) * 10) / 10.0);
        m.put("p50Ms", latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(50) / 1000.0);
        m.put("p99Ms", latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99) / 1000.0);
        m.put("errors", errors);
        m.put("errorsByStatus", new LinkedHashMap<>(byStatus));
        m.put("answeredByModelVersion", new LinkedHashMap<>(byModel));
        return m;
    }

    /** A rendered good part of {@code width x height}, as PNG. */
    public static byte[] partPng(int width, int height) {
        try (SyntheticPartCamera cam = new SyntheticPartCamera("bench-image", new SyntheticPartCamera.Options(width, height, 0, 11, 2))) {
            CapturedFrame f = cam.render(DefectKind.NONE);
            try (Mat m = new Mat(f.height(), f.width(), CV_8UC1, f.pixels(), f.stride()); BytePointer buf = new BytePointer()) {
                if (!opencv_imgcodecs.imencode(".png", m, buf)) throw new IllegalStateException("could not encode the part as PNG");
                byte[] b = new byte[(int) buf.limit()];
                buf.get(b);
                return b;
            }
        }
    }
}
