package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.trend.model.BsdataTrend;
import io.sightline.postprocess.trend.model.SeriesFolds;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval-trend --bsdata-series}: the grouped split on BSData's real index (../shared/data/bsdata,
 * CC BY-SA 4.0; skipped when absent) and the refusals. The fold models take minutes each to train:
 * the README's run measures them, not this test.
 */
class EvalTrendBsdataSeriesTest {
    @Test
    void realSeriesSplitIntoThreeFoldsThatShareNoImage() throws Exception {
        List<BsdataTrend.Image> images = BsdataSeriesRun.images(io.sightline.station.BsdataTest.bsdata());
        SeriesFolds split = SeriesFolds.split(images, 3, 42);
        assertEquals(15, split.groups().size(), "27 series, 12 pairs of them on the same images");
        Set<String> all = new HashSet<>();
        for (int k = 0; k < 3; k++) {
            List<String> scored = split.seriesOf(k);
            assertEquals(9, scored.size(), "fold " + k);
            all.addAll(scored);
            for (BsdataTrend.Image b : split.trainingImages(images, k)) {
                assertTrue(java.util.Collections.disjoint(b.series(), scored), b.file() + " trains the fold that scores it");
            }
            assertEquals(69, split.trainingImages(images, k).stream().filter(b -> b.series().isEmpty()).count());
        }
        assertEquals(27, all.size());
        List<BsdataTrend.Series> series = BsdataTrend.series(images, Map.of());
        assertEquals(26, series.stream().filter(s -> s.changeAt() >= 0).count(), "one series never pits");
        for (BsdataTrend.Series s : series) {
            assertEquals(69, s.scores().length);
            assertTrue(s.baseline() >= 13 && (s.changeAt() < 0 || s.baseline() < s.changeAt()),
                    s.name() + ": baseline " + s.baseline() + " before the change at " + s.changeAt());
        }
    }

    @Test
    void refusesBadOptionsNamingThem(@TempDir Path tmp) {
        EvalTrendHistoryTest.Run r = EvalTrendHistoryTest.run("eval-trend", "--bsdata-series", "--folds", "1");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--folds") && r.err().contains("got 1"), r.err());
        r = EvalTrendHistoryTest.run("eval-trend", "--bsdata-series", "--bsdata", tmp.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(tmp.toString()) && r.err().contains("image_data.json"), r.err());
        r = EvalTrendHistoryTest.run("eval-trend", "--bsdata-series", "--image-model", tmp.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--image-model"), r.err());
        r = EvalTrendHistoryTest.run("eval-trend", "--bsdata-series", "--history", tmp.resolve("line.csv").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--history"), r.err());
        r = EvalTrendHistoryTest.run("eval-trend", "--bsdata-series", "--epochs", "0");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--epochs"), r.err());
        r = EvalTrendHistoryTest.run("eval-trend", "--bsdata-series", "--lstm-window", "0");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--lstm-window") && r.err().contains("got 0"), r.err());
        r = EvalTrendHistoryTest.run("eval-trend", "--tradeoff-chart", tmp.resolve("t.png").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--tradeoff-chart") && r.err().contains("--bsdata-series"), r.err());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("t.png")), "nothing drawn for a refused command");
    }

    @Test
    void heldOutAurocOverTheFoldsImages() {
        List<BsdataTrend.Image> images = List.of(new BsdataTrend.Image("a.jpg", false, List.of("s")),
                new BsdataTrend.Image("b.jpg", true, List.of("s")), new BsdataTrend.Image("c.jpg", true, List.of("s")),
                new BsdataTrend.Image("d.jpg", false, List.of("s")));
        assertEquals(1.0, BsdataSeriesRun.heldOutAuroc(images, Map.of("a.jpg", 0.1f, "b.jpg", 0.9f, "c.jpg", 0.8f, "d.jpg", 0.2f)));
        assertEquals(0.75, BsdataSeriesRun.heldOutAuroc(images, Map.of("a.jpg", 0.1f, "b.jpg", 0.9f, "c.jpg", 0.15f, "d.jpg", 0.2f)));
        assertEquals(1.0, BsdataSeriesRun.heldOutAuroc(images, Map.of("a.jpg", 0.1f, "b.jpg", 0.9f, "c.jpg", Float.NaN, "d.jpg", 0.2f)),
                "an unreadable image is left out");
        assertNull(BsdataSeriesRun.heldOutAuroc(images.subList(0, 1), Map.of("a.jpg", 0.1f)), "no pitting: no AUROC");
    }
}
