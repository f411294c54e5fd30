package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: a running station (synthetic cameras, default model, journal,
 * trend), its metrics and server with a token, and headless Debian chromium opening the page with
 * the token in its URL through the DevTools protocol. The page must load and run without a single
 * error (a request that lacked the token would be one), show counters that move, the cameras'
 * images and the trend charts; its screenshot is kept at {@code station/target/dashboard.png}.
 */
class DashboardBrowserTest {
    static final String TOKEN = "browser-test-token-0123456789";
    static final int WIDTH = 1600;
    static final int HEIGHT = 1000;
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;
    static Path chromium;
    static TestStation test;
    static StationMetrics metrics;
    static StationServer server;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> found = Chromium.find();
        Assumptions.assumeTrue(found.isPresent(),
                "the dashboard's browser test needs Debian's chromium on the PATH: apt-get install --no-install-recommends chromium");
        chromium = found.get();
        test = new TestStation(tmp, 2, 640, 512, 20, -1, 0.25);
        test.station.enableReview(new io.sightline.station.review.ReviewQueue.Settings(tmp.resolve("review"), 0.05f, 5, 1L << 30),
                List.of("press-a", "press-b"));
        test.station.start();
        // a candidate that rejects every part: the panel shows its disagreements
        test.station.models().startShadow(io.sightline.station.models.ModelCopies.asVersion(tmp.resolve("candidate"), "2"), 1e-6f, 1,
                "browser test");
        metrics = new StationMetrics(test.station);
        server = new StationServer(test.station, metrics, StationServer.Options.loopback(0).withToken(TOKEN)
                .withJournal(test.journalFile).withName("browser-test"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (metrics != null) metrics.close();
        if (test != null) test.close();
    }

    @Test
    void theDashboardShowsTheRunningStationWithoutErrors() throws Exception {
        Path profile = tmp.resolve("chromium-profile");
        Chromium browser = Chromium.launch(chromium, profile, WIDTH, HEIGHT);
        try {
            browser.call("Runtime.enable", Map.of());
            browser.call("Log.enable", Map.of());
            browser.call("Page.enable", Map.of());
            browser.call("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height", HEIGHT, "deviceScaleFactor", 1,
                    "mobile", false));
            int mark = browser.eventCount();
            browser.call("Page.navigate", Map.of("url", server.url() + "?token=" + TOKEN));
            browser.awaitEvent("Page.loadEventFired", mark, WAIT);

            String captured = "(() => { const e = document.getElementById('captured-line-0');"
                    + " return e && /^[0-9,]+$/.test(e.textContent) ? Number(e.textContent.replace(/,/g, '')) : -1; })()";
            long first = browser.waitFor("line 0's captured counter", captured, v -> v.asLong() > 0, WAIT).asLong();
            long second = browser.waitFor("line 0's captured counter going up from " + first, captured, v -> v.asLong() > first, WAIT)
                    .asLong();
            assertTrue(second > first, "the captured counter moves: " + first + " then " + second);
            assertTrue(second <= test.station.lineCounters().capturedCount(0), "the page shows no more than the station counted");

            for (int camera = 0; camera < 2; camera++) {
                String image = "(() => { const i = document.getElementById('camera-img-" + camera + "');"
                        + " return i && i.complete ? i.naturalWidth : 0; })()";
                int width = browser.waitFor("camera " + camera + "'s image", image, v -> v.asInt() > 0, WAIT).asInt();
                assertEquals(640, width, "the camera's frame at its own width (640 px and less are shown whole)");
                browser.waitFor("camera " + camera + "'s decision", "document.getElementById('camera-decision-" + camera + "').textContent",
                        v -> List.of("PASS", "REJECT").contains(v.asText()) || v.asText().startsWith("FAIL-SAFE"), WAIT);
            }

            for (int line = 0; line < 2; line++) {
                String chart = "(() => { const c = document.getElementById('trend-chart-line-" + line + "');"
                        + " const ch = c instanceof HTMLCanvasElement ? Chart.getChart(c) : null;"
                        + " return ch ? { width: c.width, height: c.height, datasets: ch.data.datasets.map(d => d.label),"
                        + " points: ch.data.datasets[0].data.filter(p => p.y !== null).length } : null; })()";
                JsonNode c = browser.waitFor("line " + line + "'s trend chart with points", chart,
                        v -> v.isObject() && v.path("points").asInt() > 0, WAIT);
                assertTrue(c.path("width").asInt() > 0 && c.path("height").asInt() > 0, "the chart's canvas is drawn: " + c);
                assertEquals("[\"cusum\",\"ewma\",\"limit\",\"alarm raised\",\"alarm cleared\"]", c.path("datasets").toString());
            }

            browser.waitFor("the shadow's rows, one per line", "document.querySelectorAll('#shadow-body tr').length", v -> v.asInt() == 2,
                    WAIT);
            browser.waitFor("the shadow's status with the candidate", "document.getElementById('shadow-status').textContent",
                    v -> v.asText().startsWith("synthetic-flange-cnn 2 sha256:") && v.asText().contains("disagreements kept"), WAIT);
            browser.waitFor("the review queue's rows", "document.querySelectorAll('#review-body tr').length", v -> v.asInt() == 2, WAIT);
            assertTrue(browser.evaluate("document.getElementById('review-status').textContent").asText()
                    .startsWith(tmp.resolve("review").toString()), "the review queue's folder is shown");
            assertEquals("press-a", browser.evaluate("document.querySelector('#review-body tr td').textContent").asText());
            browser.waitFor("rows in the rejects table", "document.querySelectorAll('#rejects-body tr').length",
                    v -> v.asInt() > 0, WAIT);
            assertEquals("UP", browser.evaluate("document.getElementById('sink-status').textContent").asText());
            assertEquals("0.500", browser.evaluate("document.getElementById('threshold-line-1').textContent").asText());
            assertEquals("live", browser.evaluate("document.getElementById('connection').textContent").asText());
            assertEquals("one outcome per part", browser.evaluate("document.getElementById('balance').textContent").asText(),
                    "a running station's counters never show more outcomes than parts");

            // the whole page in one picture: the viewport made as tall as the page
            JsonNode layout = browser.call("Page.getLayoutMetrics", Map.of());
            int pageHeight = (int) Math.ceil(layout.path("cssContentSize").path("height").asDouble(HEIGHT));
            int shotHeight = Math.max(HEIGHT, Math.min(pageHeight, 4000));
            browser.call("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height", shotHeight, "deviceScaleFactor", 1,
                    "mobile", false));
            browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            byte[] png = Base64.getDecoder().decode(browser.call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
            Path shot = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("dashboard.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, png);
            assertPng(png, WIDTH, shotHeight);

            assertEquals(List.of(), browser.errors(), "the page ran without exceptions, console errors or failed requests");
        } finally {
            browser.close();
        }
        assertTrue(browser.stopped(), "chromium and every process it started have ended");
        assertFalse(Files.exists(profile), "chromium's user data folder is deleted");
    }

    /** A PNG of the given size, with more in it than one colour (a blank page compresses to a few KB). */
    static void assertPng(byte[] png, int width, int height) {
        assertTrue(png.length > 8, "a PNG has a signature");
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        for (int i = 0; i < 8; i++) assertEquals(signature[i], png[i], "PNG signature byte " + i);
        ByteBuffer b = ByteBuffer.wrap(png);
        assertEquals(0x49484452, b.getInt(12), "the first chunk is IHDR");
        assertEquals(width, b.getInt(16), "PNG width");
        assertEquals(height, b.getInt(20), "PNG height");
        assertTrue(png.length > 50_000, "a dashboard with two camera images is more than a blank page: " + png.length + " bytes");
    }
}
