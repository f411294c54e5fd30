package io.sightline.bench.quality;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The datasets {@code bench quality} trains on, each in the dataset layout with a test split.
 *
 * <pre>
 *   ../shared/data/X in the layout (X/ok, or X/train/ok + X/test/ok)  -> as it is, or split 75/25 (seeded)
 *   ../shared/data/bsdata (BSData's own layout)                          -> dataset import bsdata, then two harder copies:
 *        bsdata-rotated: half of the images of each class (train and test) turned 90 degrees
 *        bsdata-cut30:   every defect class of the training part cut to 30 images (test unchanged)
 *   each --data DIR                                                      -> as the first row
 * </pre>
 *
 * <p>Copies are hard links where the file system allows (rotated images are written as PNG), under
 * the work folder; a panel folder that already exists is reused, so a second run only trains.
 */
final class QualityPanel {
    static final int CUT_TO = 30;
    static final double TEST_SHARE = 0.25;

    /** One dataset of the panel: a name and a folder with train/ and test/. */
    record Dataset(String name, Path dir) {}

    private final Path work;
    private final long seed;
    private final PrintStream err;
    private final ChildCli cli;

    QualityPanel(Path work, long seed, PrintStream err, ChildCli cli) {
        this.work = work;
        this.seed = seed;
        this.err = err;
        this.cli = cli;
    }

    /** The panel: what {@code sharedData} holds (when it exists) and each of {@code extra}. */
    List<Dataset> build(Path sharedData, List<Path> extra) throws IOException, InterruptedException {
        List<Dataset> panel = new ArrayList<>();
        if (sharedData != null && Files.isDirectory(sharedData)) {
            for (Path dir : sorted(sharedData)) {
                if (!Files.isDirectory(dir)) continue;
                String name = dir.getFileName().toString();
                if (isLayout(dir)) {
                    panel.add(withTestSplit(name, dir));
                } else if (name.equals("bsdata") && Files.isDirectory(dir.resolve("data"))) {
                    Path imported = work.resolve("bsdata");
                    if (!Files.isDirectory(imported.resolve("test"))) {
                        err.printf("quality: importing BSData into %s%n", imported);
                        cli.run("dataset", "import", "bsdata", dir.toString(), imported.toString(), "--seed", String.valueOf(seed));
                    }
                    panel.add(new Dataset("bsdata", imported));
                    panel.add(rotated("bsdata-rotated", imported));
                    panel.add(cut("bsdata-cut" + CUT_TO, imported));
                }
            }
        } else {
            err.printf("quality: %s is absent: only the --data folders are measured%n", sharedData);
        }
        for (Path dir : extra) {
            if (!isLayout(dir)) {
                throw new IllegalArgumentException("--data " + dir + " is not in the dataset layout (expected DIR/ok/* and one "
                        + "folder per defect class, or DIR/train/<class> + DIR/test/<class>)");
            }
            panel.add(withTestSplit(dir.toAbsolutePath().normalize().getFileName().toString(), dir));
        }
        return panel;
    }

    static boolean isLayout(Path dir) {
        return Files.isDirectory(dir.resolve("ok")) || Files.isDirectory(dir.resolve("train").resolve("ok"));
    }

    private Dataset withTestSplit(String name, Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) return new Dataset(name, dir);
        Path out = work.resolve(name + "-split");
        if (!Files.isDirectory(out.resolve("test"))) {
            err.printf("quality: %s has no test split: holding out %.0f%% of each class (seed %d) in %s%n", dir,
                    TEST_SHARE * 100, seed, out);
            Random random = new Random(seed);
            for (Path classDir : sorted(dir)) {
                if (!Files.isDirectory(classDir)) continue;
                List<Path> files = images(classDir);
                Collections.shuffle(files, random);
                int test = (int) Math.round(files.size() * TEST_SHARE);
                for (int i = 0; i < files.size(); i++) {
                    link(files.get(i), out.resolve(i < test ? "test" : "train").resolve(classDir.getFileName().toString()));
                }
            }
        }
        return new Dataset(name, out);
    }

    private Dataset rotated(String name, Path source) throws IOException {
        Path out = work.resolve(name);
        if (!Files.isDirectory(out.resolve("test"))) {
            err.printf("quality: writing %s (half of each class turned 90 degrees)%n", out);
            Natives.opencv();
            Random random = new Random(seed + 1);
            for (String split : List.of("train", "test")) {
                for (Path classDir : sorted(source.resolve(split))) {
                    List<Path> files = images(classDir);
                    Collections.shuffle(files, random);
                    Path target = out.resolve(split).resolve(classDir.getFileName().toString());
                    Files.createDirectories(target);
                    for (int i = 0; i < files.size(); i++) {
                        if (i < files.size() / 2) turn(files.get(i), target);
                        else link(files.get(i), target);
                    }
                }
            }
        }
        return new Dataset(name, out);
    }

    private Dataset cut(String name, Path source) throws IOException {
        Path out = work.resolve(name);
        if (!Files.isDirectory(out.resolve("test"))) {
            err.printf("quality: writing %s (each defect class of the training part cut to %d images)%n", out, CUT_TO);
            Random random = new Random(seed + 2);
            for (String split : List.of("train", "test")) {
                for (Path classDir : sorted(source.resolve(split))) {
                    List<Path> files = images(classDir);
                    boolean cutHere = split.equals("train") && !classDir.getFileName().toString().equals("ok");
                    if (cutHere) {
                        Collections.shuffle(files, random);
                        files = files.subList(0, Math.min(CUT_TO, files.size()));
                    }
                    for (Path f : files) link(f, out.resolve(split).resolve(classDir.getFileName().toString()));
                }
            }
        }
        return new Dataset(name, out);
    }

    private static void turn(Path file, Path targetDir) throws IOException {
        try (Mat image = opencv_imgcodecs.imread(file.toString(), opencv_imgcodecs.IMREAD_UNCHANGED); Mat turned = new Mat()) {
            if (image == null || image.empty()) throw new IOException(file + ": not a readable image");
            opencv_core.rotate(image, turned, opencv_core.ROTATE_90_CLOCKWISE);
            String base = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            Path out = targetDir.resolve(base + "-turned.png");
            if (!opencv_imgcodecs.imwrite(out.toString(), turned)) throw new IOException("cannot write " + out);
        }
    }

    private static void link(Path file, Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        Path target = targetDir.resolve(file.getFileName().toString());
        if (Files.exists(target)) return;
        try {
            Files.createLink(target, file.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, target);
        }
    }

    private static List<Path> images(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path f : sorted(dir)) {
            String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
            if (Files.isRegularFile(f) && n.matches(".*\\.(png|jpe?g|bmp|tiff?)$")) out.add(f);
        }
        return out;
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        }
    }
}
