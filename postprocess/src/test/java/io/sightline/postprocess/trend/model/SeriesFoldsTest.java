package io.sightline.postprocess.trend.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The grouped split of wear series on a small made-up index shaped like BSData's (series in pairs that share images). */
class SeriesFoldsTest {
    /**
     * 7 groups: series s0..s9 in pairs (s0+s1, s2+s3, ...) whose images belong to both, plus the
     * singletons t0, t1; 4 images per series; and 5 images of no series.
     */
    static List<BsdataTrend.Image> index() {
        List<BsdataTrend.Image> images = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            for (int i = 0; i < 4; i++) {
                images.add(new BsdataTrend.Image("pair" + p + "_" + i + ".jpg", i == 3, List.of("s" + (2 * p), "s" + (2 * p + 1))));
            }
        }
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 4; i++) images.add(new BsdataTrend.Image("t" + t + "_" + i + ".jpg", false, List.of("t" + t)));
        }
        for (int i = 0; i < 5; i++) images.add(new BsdataTrend.Image("free" + i + ".jpg", true, List.of()));
        return images;
    }

    @Test
    void seriesThatShareImagesAreOneGroup() {
        List<List<String>> groups = SeriesFolds.groups(index());
        assertEquals(7, groups.size());
        assertTrue(groups.contains(List.of("s0", "s1")));
        assertTrue(groups.contains(List.of("t1")));
    }

    @Test
    void noSeriesInTwoFoldsAndEverySeriesScoredOnce() {
        List<BsdataTrend.Image> images = index();
        SeriesFolds split = SeriesFolds.split(images, 3, 42);
        Set<String> seen = new HashSet<>();
        int[] sizes = new int[3];
        for (int k = 0; k < 3; k++) {
            for (String s : split.seriesOf(k)) {
                assertTrue(seen.add(s), s + " is in two folds");
                assertEquals(k, split.foldOf(s));
                sizes[k]++;
            }
            Set<String> scored = new HashSet<>(split.seriesOf(k));
            List<BsdataTrend.Image> train = split.trainingImages(images, k);
            for (BsdataTrend.Image b : train) {
                for (String s : b.series()) assertFalse(scored.contains(s), "fold " + k + " trains on " + b.file() + " of its own " + s);
            }
            assertEquals(5, train.stream().filter(b -> b.series().isEmpty()).count(), "images of no series train every fold");
            long scoredImages = images.stream().filter(b -> b.series().stream().anyMatch(scored::contains)).count();
            assertEquals(images.size(), train.size() + scoredImages, "every image is either trained on or scored");
        }
        assertEquals(12, seen.size(), "every series in one fold");
        assertArrayEquals(new int[] {4, 4, 4}, sizes, "balanced by series");
        for (List<String> g : split.groups()) {
            for (String s : g) assertEquals(split.foldOf(g.get(0)), split.foldOf(s), "group " + g + " split across folds");
        }
    }

    @Test
    void deterministicBySeed() {
        List<BsdataTrend.Image> images = index();
        List<List<String>> a = folds(SeriesFolds.split(images, 3, 7));
        assertEquals(a, folds(SeriesFolds.split(images, 3, 7)));
        boolean differs = false;
        for (long seed = 1; seed < 20 && !differs; seed++) differs = !folds(SeriesFolds.split(images, 3, seed)).equals(a);
        assertTrue(differs, "the seed decides the split");
    }

    @Test
    void refusesFoldCountsTheGroupsCannotFill() {
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesFolds.split(index(), 1, 42));
        assertTrue(e.getMessage().contains("--folds") && e.getMessage().contains("got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SeriesFolds.split(index(), 8, 42));
        assertTrue(e.getMessage().contains("2 to 7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SeriesFolds.split(index(), 3, 42).foldOf("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    private static List<List<String>> folds(SeriesFolds split) {
        List<List<String>> out = new ArrayList<>();
        for (int k = 0; k < split.folds(); k++) out.add(split.seriesOf(k));
        return out;
    }
}
