package io.sightline.station.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A headless Debian {@code chromium} driven through the Chrome DevTools Protocol over the JDK's
 * own WebSocket client: launched with its own user data folder, connected to its page, and at
 * {@link #close()} stopped with every process it started and its folder deleted.
 */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path userDataDir;
    private final Path log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new ArrayList<>();
    private List<ProcessHandle> processes = List.of();

    /** Debian's {@code chromium} on the PATH, if installed. */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "chromium");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * Starts chromium headless on an empty page, its DevTools on a free port, and connects to the page.
     *
     * @param userDataDir a folder of its own (deleted at close)
     */
    static Chromium launch(Path binary, Path userDataDir, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(userDataDir);
        Path log = userDataDir.resolveSibling(userDataDir.getFileName() + ".log");
        Process p = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--hide-scrollbars", "--window-size=" + width + "," + height, "--remote-debugging-port=0",
                "--user-data-dir=" + userDataDir, "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path portFile = userDataDir.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> lines = List.of();
            while (System.nanoTime() - deadline < 0) {
                if (Files.exists(portFile)) {
                    lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                    if (lines.size() >= 2) break;
                }
                if (!p.isAlive()) throw new IOException("chromium exited with " + p.exitValue() + ": " + tail(log));
                Thread.sleep(50);
            }
            if (lines.size() < 2) throw new IOException("chromium wrote no DevToolsActivePort within 60 s: " + tail(log));
            int port = Integer.parseInt(lines.get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = null;
            for (int attempt = 0; attempt < 100 && pageSocket == null; attempt++) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode target : JSON.readTree(list)) {
                    if ("page".equals(target.path("type").asText())) pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
                if (pageSocket == null) Thread.sleep(50);
            }
            if (pageSocket == null) throw new IOException("chromium shows no page target on port " + port);
            return new Chromium(p, userDataDir, log, http, URI.create(pageSocket));
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(p);
            deleteTree(userDataDir);
            throw e;
        }
    }

    private Chromium(Process process, Path userDataDir, Path log, HttpClient http, URI pageSocket) {
        this.process = process;
        this.userDataDir = userDataDir;
        this.log = log;
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                .buildAsync(pageSocket, new Listener()).join();
    }

    /** One protocol call; its {@code result}, or an exception naming the method and the protocol's error. */
    JsonNode call(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(params));
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(msg.toString(), true).join();
        JsonNode r;
        try {
            r = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + ": no reply from chromium (" + e + "); its log: " + tail(log), e);
        } finally {
            pending.remove(id);
        }
        if (r.has("error")) throw new IllegalStateException(method + " failed: " + r.get("error"));
        return r.path("result");
    }

    /** Evaluates a JavaScript expression in the page (promises awaited) and returns its value as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException("page threw evaluating " + expression + ": " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** Waits until the expression's value passes {@code test}; returns that value. */
    JsonNode waitFor(String description, String expression, Predicate<JsonNode> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() - deadline < 0) {
            last = evaluate(expression);
            if (test.test(last)) return last;
            Thread.sleep(100);
        }
        throw new AssertionError("the page never showed " + description + " within " + timeout.toSeconds() + " s (last: " + last
                + "); errors so far: " + errors());
    }

    /** Events received so far: a mark for {@link #awaitEvent}. */
    int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Waits for an event named {@code method}, the first one received after {@code mark} events. */
    JsonNode awaitEvent(String method, int mark, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (int i = mark; i < events.size(); i++) if (method.equals(events.get(i).path("method").asText())) return events.get(i);
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no " + method + " within " + timeout.toSeconds() + " s");
                events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** What went wrong in the page so far: uncaught exceptions, console errors, failed loads (the browser's log errors). */
    List<String> errors() {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (JsonNode e : events) {
                String method = e.path("method").asText();
                JsonNode p = e.path("params");
                if (method.equals("Runtime.exceptionThrown")) {
                    out.add("exception: " + p.path("exceptionDetails").path("exception").path("description").asText(p.toString()));
                } else if (method.equals("Runtime.consoleAPICalled")
                        && List.of("error", "assert").contains(p.path("type").asText())) {
                    out.add("console." + p.path("type").asText() + ": " + p.path("args"));
                } else if (method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
                    out.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText(""));
                }
            }
        }
        return out;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonNode m = JSON.readTree(message);
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.get(m.get("id").asInt());
                        if (f != null) f.complete(m);
                    } else {
                        synchronized (events) {
                            events.add(m);
                            events.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** Stops chromium and every process it started, then deletes its user data folder and log. */
    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // it is being stopped anyway
        }
        processes = stop(process);
        deleteTree(userDataDir);
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary folder's leftovers
        }
    }

    /** Stops the process and its descendants; returns them all, for {@link #stopped()}. */
    private static List<ProcessHandle> stop(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) c.destroyForcibly();
        }
        for (ProcessHandle c : children) {
            c.onExit().completeOnTimeout(c, 10, TimeUnit.SECONDS).join();
        }
        List<ProcessHandle> all = new ArrayList<>(children);
        all.add(p.toHandle());
        return all;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a file chromium left behind in a temporary folder; JUnit's @TempDir cleans up what is left
        }
    }

    /** After {@link #close()}: whether chromium and every process it had started have ended. */
    boolean stopped() {
        return !process.isAlive() && processes.stream().noneMatch(ProcessHandle::isAlive);
    }

    Path userDataDir() {
        return userDataDir;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
