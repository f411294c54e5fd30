package io.sightline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's figures follow from the runs, and its files are what they claim to be. */
class PipelineReportTest {

    @Test
    void summaryRatiosComeFromTheRuns(@TempDir Path dir) throws Exception {
        PipelineReport report = report(true);
        Map<String, Object> s = report.summary();
        // ideal: 2 cores / (100 + 300 + 600 µs) = 2000 frames/s
        assertEquals(2000.0, s.get("idealFps"));
        assertEquals(1800.0, s.get("sustainedFps"));
        assertEquals(0.9, s.get("efficiency"));
        assertEquals(900.0, s.get("naiveFps"));
        assertEquals(2.0, s.get("speedupVsNaive"));
        // floor: 40 GFLOP/s / 20 MFLOPs = 2000 frames/s
        assertEquals(2000.0, s.get("floorFps"));
        assertEquals(0.9, s.get("sustainedOverFloor"));
        assertEquals(12.5, s.get("p99Ms"));
        assertEquals(List.of(700.0, 900.0, 1100.0), s.get("naiveRuns"));
        assertEquals(1200.0, s.get("strongFps"));
        assertEquals(1.5, s.get("speedupVsStrong"));
        assertEquals("fp32", s.get("precision"));
        assertEquals(List.of("sustainedFps", "idealFps", "efficiency", "naiveFps", "speedupVsNaive", "floorFps"),
                List.copyOf(s.keySet()).subList(0, 6), "the contract's fields lead, in order");

        List<Path> written = report.write(dir.resolve("report"));
        assertEquals(3, written.size());
        String md = Files.readString(dir.resolve("report/report.md"));
        assertTrue(md.contains("| **Sightline**, max sustainable | **1800** |"), md);
        assertTrue(md.contains("efficiency 0.90"), md);
        assertTrue(md.contains("Sightline is 2.00x"), md);
        assertTrue(md.contains("Sightline is 1.50x; strong p99 20.0 ms"), md);
        assertTrue(md.contains("median of 3 runs: [700, 900, 1100]"), md);
        assertTrue(md.contains("| 1800 | 1799 |"), "every step is listed: " + md);
        assertTrue(md.contains("2 (late 2)"), "fail-safe reasons of a failed step: " + md);
        assertTrue(md.contains("| 32 | 50 |"), "the batch histogram at the sustained rate: " + md);
        for (String png : new String[] {"latency.png", "throughput.png"}) {
            BufferedImage image = ImageIO.read(dir.resolve("report").resolve(png).toFile());
            assertNotNull(image, png + " is a PNG");
            assertEquals(900, image.getWidth());
            assertEquals(560, image.getHeight());
        }
    }

    @Test
    void theNaiveRivalIsTheMedianOfItsRuns() {
        RateSearch.Result a = new RateSearch.Result(700, null, List.of());
        RateSearch.Result b = new RateSearch.Result(1100, null, List.of());
        RateSearch.Result c = new RateSearch.Result(900, null, List.of());
        assertEquals(900, PipelineReport.median(List.of(a, b, c)).maxSustainableFps());
        assertEquals(700, PipelineReport.median(List.of(b, a)).maxSustainableFps(), "the lower middle of an even count");
        assertNull(PipelineReport.median(List.of()));
    }

    @Test
    void withoutTheNaiveRunItsFiguresAreNull(@TempDir Path dir) throws Exception {
        PipelineReport report = report(false);
        assertNull(report.summary().get("naiveFps"));
        assertNull(report.summary().get("speedupVsNaive"));
        report.write(dir);
        assertTrue(Files.size(dir.resolve("throughput.png")) > 0);
    }

    private static PipelineReport report(boolean withNaive) {
        long[] batches = new long[33];
        batches[32] = 50;
        batches[5] = 7;
        StepResult pass1 = step("sightline", 900, 899, 0, 5, batches);
        StepResult pass2 = step("sightline", 1800, 1799, 0, 12.5, batches);
        StepResult fail = step("sightline", 2000, 1900, 2, 80, batches);
        RateSearch.Result sightline = new RateSearch.Result(1800, pass2, List.of(pass1, fail, pass2));
        RateSearch.Result naive = withNaive
                ? new RateSearch.Result(900, step("naive", 900, 900, 0, 30, new long[0]), List.of(step("naive", 900, 900, 0, 30, new long[0])))
                : null;
        List<StageCosts.Cost> costs = List.of(new StageCosts.Cost("capture", 100, 1000),
                new StageCosts.Cost("preprocess", 300, 1000), new StageCosts.Cost("inference (batch 32)", 600, 3200));
        Map<String, String> setup = new LinkedHashMap<>();
        setup.put("lines", "2");
        RateSearch.Result strong = withNaive
                ? new RateSearch.Result(1200, step("strong", 1200, 1200, 0, 20, batches), List.of(step("strong", 1200, 1200, 0, 20, batches)))
                : null;
        return new PipelineReport("2026-11-24", "test machine", "./sightline bench pipeline", setup, 2, 50, sightline, naive,
                costs, 40e9, 20_000_000L, strong, withNaive ? List.of(700.0, 900.0, 1100.0) : List.of(), "fp32");
    }

    private static StepResult step(String who, double offered, double decidedFps, long failSafe, double p99, long[] batches) {
        return new StepResult(who, offered, 8, 1000, 1000, failSafe, failSafe == 0 ? Map.of() : Map.of("late", failSafe),
                decidedFps, p99 / 2, p99, p99 * 1.5, p99 * 2, 20, batches, 0.9, 0, true);
    }
}
