package io.sightline.preprocess;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A labelled image folder on disk, in the layout every Sightline tool reads:
 *
 * <pre>
 *   DIR/&lt;class&gt;/*.{png,jpg,jpeg,bmp,tif,tiff}            one folder per class; "ok" passes
 *   DIR/train/&lt;class&gt;/*  +  DIR/test/&lt;class&gt;/*         the same, with the user's fixed split
 * </pre>
 *
 * <p>Class {@value #OK_CLASS} is the passing class and must be present; every other folder name
 * is a defect class. Classes are ordered {@code ok} first, then by name, so the same folders always
 * give the same class indices. Files with other extensions are counted and ignored; whether an
 * image file can actually be decoded is only known when it is read (see {@link ImageTensorizer}).
 *
 * <p>Opening checks the layout and throws {@link IllegalArgumentException} naming the folder and
 * what was expected: a missing folder, no {@code ok} class, no defect class, an empty class folder.
 */
public final class ImageDataset {
    /** The passing class. */
    public static final String OK_CLASS = "ok";
    /** File extensions read as images (lower case, without the dot). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    /** One labelled image. {@code label} indexes {@link #classes()}. */
    public record Sample(Path path, String className, int label) {}

    private final Path root;
    private final boolean fixedSplit;
    private final List<String> classes;
    private final List<Sample> train;
    private final List<Sample> test;
    private final int ignoredFiles;

    private ImageDataset(Path root, boolean fixedSplit, List<String> classes, List<Sample> train, List<Sample> test,
                         int ignoredFiles) {
        this.root = root;
        this.fixedSplit = fixedSplit;
        this.classes = List.copyOf(classes);
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
        this.ignoredFiles = ignoredFiles;
    }

    /**
     * Scans {@code dir}. With both {@code dir/train} and {@code dir/test} present the split is
     * the user's; otherwise every class folder directly under {@code dir} belongs to
     * {@link #train()} and {@link #test()} is empty.
     */
    public static ImageDataset open(Path dir) {
        return open(dir, true);
    }

    /**
     * As {@link #open(Path)}; with {@code forTraining} false, a folder of one class (only good
     * parts, say, to measure false rejects) is accepted too.
     */
    public static ImageDataset open(Path dir, boolean forTraining) {
        return open(dir, forTraining ? Use.TRAIN : Use.SCORE);
    }

    /** What a dataset is opened for, which decides the classes it needs. */
    public enum Use {
        /** Supervised training: 'ok' and at least one defect class, every class with images. */
        TRAIN,
        /** Good-only (anomaly) training: 'ok' with images; defect classes optional (they only validate). */
        TRAIN_GOOD_ONLY,
        /** Scoring: any classes, one is enough. */
        SCORE
    }

    /** As {@link #open(Path)}, with the class rules of {@code use}. */
    public static ImageDataset open(Path dir, Use use) {
        boolean forTraining = use != Use.SCORE;
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("dataset folder " + dir + (Files.exists(dir) ? " is not a folder"
                    : " does not exist") + " (expected DIR/<class>/*.png|jpg|bmp with class 'ok' for good parts)");
        }
        Path trainDir = dir.resolve("train");
        Path testDir = dir.resolve("test");
        boolean split = Files.isDirectory(trainDir) && Files.isDirectory(testDir);
        int[] ignored = new int[1];
        if (!split) {
            Map<String, List<Path>> byClass = scanClasses(dir, ignored);
            List<String> classes = orderedClasses(dir, byClass.keySet(), use);
            requireImages(dir, byClass, classes);
            return new ImageDataset(dir, false, classes, samples(byClass, classes), List.of(), ignored[0]);
        }
        Map<String, List<Path>> trainByClass = scanClasses(trainDir, ignored);
        Map<String, List<Path>> testByClass = scanClasses(testDir, ignored);
        Set<String> names = new TreeSet<>(trainByClass.keySet());
        names.addAll(testByClass.keySet());
        List<String> classes = orderedClasses(dir, names, use);
        if (forTraining) requireImages(trainDir, trainByClass, classes);
        for (String name : testByClass.keySet()) {
            if (testByClass.get(name).isEmpty()) {
                throw new IllegalArgumentException("class folder " + testDir.resolve(name) + " holds no images (expected "
                        + extensionsText() + " files); remove the folder or add images");
            }
        }
        return new ImageDataset(dir, true, classes, samples(trainByClass, classes), samples(testByClass, classes),
                ignored[0]);
    }

    private static Map<String, List<Path>> scanClasses(Path dir, int[] ignored) {
        Map<String, List<Path>> byClass = new LinkedHashMap<>();
        for (Path classDir : sortedChildren(dir)) {
            String name = classDir.getFileName().toString();
            if (name.startsWith(".") || !Files.isDirectory(classDir)) continue;
            List<Path> images = new ArrayList<>();
            for (Path file : sortedChildren(classDir)) {
                if (Files.isRegularFile(file) && isImageName(file)) {
                    images.add(file);
                } else if (!file.getFileName().toString().startsWith(".")) {
                    ignored[0]++;
                }
            }
            byClass.put(name, images);
        }
        return byClass;
    }

    private static List<String> orderedClasses(Path dir, Set<String> names, Use use) {
        if (use == Use.SCORE && !names.isEmpty()) {
            List<String> classes = new ArrayList<>();
            if (names.contains(OK_CLASS)) classes.add(OK_CLASS);
            for (String name : new TreeSet<>(names)) if (!name.equals(OK_CLASS)) classes.add(name);
            return classes;
        }
        if (!names.contains(OK_CLASS)) {
            throw new IllegalArgumentException("dataset " + dir + " has no '" + OK_CLASS + "' class folder (found "
                    + (names.isEmpty() ? "no class folders" : names) + "); good parts go in " + dir.resolve(OK_CLASS)
                    + " and each defect class in a folder of its own");
        }
        if (names.size() < 2 && use == Use.TRAIN) {
            throw new IllegalArgumentException("dataset " + dir + " has only the class '" + OK_CLASS
                    + "'; a model needs at least one defect class folder beside it (e.g. " + dir.resolve("scratch")
                    + "), or train --mode anomaly, which learns from good images alone");
        }
        List<String> classes = new ArrayList<>();
        classes.add(OK_CLASS);
        for (String name : new TreeSet<>(names)) if (!name.equals(OK_CLASS)) classes.add(name);
        return classes;
    }

    private static void requireImages(Path dir, Map<String, List<Path>> byClass, List<String> classes) {
        for (String name : classes) {
            List<Path> images = byClass.get(name);
            if (images == null || images.isEmpty()) {
                throw new IllegalArgumentException("class folder " + dir.resolve(name) + (images == null ? " is missing"
                        : " holds no images") + " (expected " + extensionsText() + " files); every class needs "
                        + "images to train on");
            }
        }
    }

    private static List<Sample> samples(Map<String, List<Path>> byClass, List<String> classes) {
        List<Sample> samples = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) {
            for (Path p : byClass.getOrDefault(classes.get(k), List.of())) samples.add(new Sample(p, classes.get(k), k));
        }
        return samples;
    }

    private static List<Path> sortedChildren(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list dataset folder " + dir + ": " + e.getMessage(), e);
        }
    }

    static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String extensionsText() {
        return "." + String.join("/.", new TreeSet<>(IMAGE_EXTENSIONS));
    }

    public Path root() {
        return root;
    }

    /** Whether the folder holds the user's own train/test split. */
    public boolean fixedSplit() {
        return fixedSplit;
    }

    /** {@code ok} first, then the defect classes by name. */
    public List<String> classes() {
        return classes;
    }

    /** The training images: all of them without a fixed split. */
    public List<Sample> train() {
        return train;
    }

    /** The test images of a fixed split; empty otherwise. */
    public List<Sample> test() {
        return test;
    }

    /** Files in class folders that are not images by their extension. */
    public int ignoredFiles() {
        return ignoredFiles;
    }

    /** Images of each class in {@code samples}, in {@link #classes()} order. */
    public Map<String, Integer> countsByClass(List<Sample> samples) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String c : classes) counts.put(c, 0);
        for (Sample s : samples) counts.merge(s.className(), 1, Integer::sum);
        return counts;
    }

    /**
     * SHA-256 over each sample's class, file name and bytes, in order: two folders with the same
     * labelled images give the same hash wherever they lie.
     */
    public static String contentHash(List<Sample> samples) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        for (Sample s : samples) {
            digest.update((s.className() + "/" + s.path().getFileName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(s.path())) {
                for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + s.path() + ": " + e.getMessage(), e);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }
}
