package io.sightline.postprocess.trend.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Grouped k-fold of BSData's wear series, so that the image model that scores a series never saw
 * any of its images.
 *
 * <pre>
 *   series that share an image --union--> groups (BSData: 27 series, 12 pairs of them share their
 *                                          images, so 15 groups)
 *   groups, sorted by name, shuffled by the seed, largest first --> the fold with the fewest series
 *   fold K's training images = every image of no series + the images of the other folds' series
 * </pre>
 *
 * A group never straddles two folds, so no image is both trained on and scored; every series is in
 * exactly one fold and is scored once, by that fold's model.
 */
public final class SeriesFolds {
    private final Map<String, Integer> foldOf;
    private final List<List<String>> groups;
    private final int folds;

    private SeriesFolds(Map<String, Integer> foldOf, List<List<String>> groups, int folds) {
        this.foldOf = foldOf;
        this.groups = groups;
        this.folds = folds;
    }

    /**
     * Splits the series of {@code images} into {@code folds} folds.
     *
     * @throws IllegalArgumentException when {@code folds} is below 2 or above the number of groups
     */
    public static SeriesFolds split(List<BsdataTrend.Image> images, int folds, long seed) {
        List<List<String>> groups = groups(images);
        if (folds < 2 || folds > groups.size()) {
            throw new IllegalArgumentException("--folds: expected 2 to " + groups.size() + " (the groups of series that share no image), got "
                    + folds);
        }
        List<List<String>> order = new ArrayList<>(groups);
        Collections.shuffle(order, new Random(seed));
        order.sort(Comparator.comparingInt(g -> -g.size())); // stable: the shuffle decides among equal sizes
        int[] seriesIn = new int[folds];
        Map<String, Integer> foldOf = new TreeMap<>();
        for (List<String> g : order) {
            int best = 0;
            for (int k = 1; k < folds; k++) if (seriesIn[k] < seriesIn[best]) best = k;
            seriesIn[best] += g.size();
            for (String s : g) foldOf.put(s, best);
        }
        return new SeriesFolds(foldOf, groups, folds);
    }

    /** Series that share at least one image, transitively, form one group; groups sorted by their first series. */
    static List<List<String>> groups(List<BsdataTrend.Image> images) {
        Map<String, String> parent = new HashMap<>();
        for (BsdataTrend.Image b : images) {
            for (String s : b.series()) parent.putIfAbsent(s, s);
            for (int i = 1; i < b.series().size(); i++) {
                String a = root(parent, b.series().get(0));
                String c = root(parent, b.series().get(i));
                if (!a.equals(c)) parent.put(c, a);
            }
        }
        Map<String, TreeSet<String>> byRoot = new HashMap<>();
        for (String s : parent.keySet()) byRoot.computeIfAbsent(root(parent, s), k -> new TreeSet<>()).add(s);
        List<List<String>> groups = new ArrayList<>();
        for (TreeSet<String> g : byRoot.values()) groups.add(List.copyOf(g));
        groups.sort(Comparator.comparing(g -> g.get(0)));
        return List.copyOf(groups);
    }

    private static String root(Map<String, String> parent, String s) {
        while (!parent.get(s).equals(s)) s = parent.get(s);
        return s;
    }

    public int folds() {
        return folds;
    }

    /** The groups of series that share images, sorted. */
    public List<List<String>> groups() {
        return groups;
    }

    /** The fold (0-based) that scores {@code series}. */
    public int foldOf(String series) {
        Integer k = foldOf.get(series);
        if (k == null) throw new IllegalArgumentException("series '" + series + "' is not in the split");
        return k;
    }

    /** The series fold {@code fold} scores, sorted. */
    public List<String> seriesOf(int fold) {
        List<String> out = new ArrayList<>();
        for (var e : foldOf.entrySet()) if (e.getValue() == fold) out.add(e.getKey());
        return out;
    }

    /** The images fold {@code fold}'s model learns from: those of no series and those of the other folds' series. */
    public List<BsdataTrend.Image> trainingImages(List<BsdataTrend.Image> images, int fold) {
        List<BsdataTrend.Image> out = new ArrayList<>();
        for (BsdataTrend.Image b : images) {
            boolean scoredHere = false;
            for (String s : b.series()) scoredHere |= foldOf(s) == fold;
            if (!scoredHere) out.add(b);
        }
        return out;
    }
}
