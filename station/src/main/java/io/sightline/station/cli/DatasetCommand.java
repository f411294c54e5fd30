package io.sightline.station.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sightline dataset ...}: turns published datasets into Sightline's dataset layout. */
@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Prepare datasets in Sightline's layout.",
        subcommands = {DatasetCommand.Import.class, DatasetCommand.Video.class})
public final class DatasetCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code sightline dataset import bsdata SRC OUT}: BSData (ball-screw drive surface images,
     * Schlagenhauf and Landwehr, CC BY-SA 4.0) to {@code OUT/{train,test}/{ok,pitting}}.
     *
     * <p>An image is {@code pitting} when its labelme file has at least one polygon, else
     * {@code ok}. Images BSData assigns to train or test keep that split; the others (BSData
     * leaves the unlabelled ones unassigned) get a seeded split, {@code --test-fraction} of them
     * to test, drawn per class. Files are hard-linked where the file system allows, else copied.
     */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a published dataset: FORMAT SRC OUT (formats: bsdata).")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FORMAT", description = "dataset format: bsdata")
        String format;

        @Parameters(index = "1", paramLabel = "SRC", description = "the dataset as published (for bsdata: the folder with data/, label/, image_data.json)")
        Path src;

        @Parameters(index = "2", paramLabel = "OUT", description = "folder to write OUT/train/<class> and OUT/test/<class> into; must not exist or be empty")
        Path out;

        @Option(names = "--seed", description = "seed of the split of the images the dataset leaves unassigned (default: ${DEFAULT-VALUE})")
        long seed = 42;

        @Option(names = "--test-fraction", paramLabel = "F", description = "share of the unassigned images that goes to test (default: ${DEFAULT-VALUE})")
        double testFraction = 0.2;

        @Option(names = "--json", description = "print the counts as one JSON object on the last line of standard output")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (!"bsdata".equals(format)) {
                throw new IllegalArgumentException("FORMAT: expected bsdata, got '" + format + "'");
            }
            if (!(testFraction > 0 && testFraction < 1)) {
                throw new IllegalArgumentException("--test-fraction: expected a fraction between 0 and 1, got " + testFraction);
            }
            Map<String, Object> counts = importBsdata(src, out, seed, testFraction);
            System.err.println("dataset written to " + out.toAbsolutePath() + ": " + counts);
            if (json) System.out.println(new ObjectMapper().writeValueAsString(counts));
            return 0;
        }
    }

    /**
     * {@code sightline dataset video OUT}: a video file of synthetic parts ({@link io.sightline.capture.SyntheticPartCamera},
     * 8-bit gray, each frame a new part) for {@code file:} sources, e.g. the example config's
     * {@code config/parts.avi}. MPEG-4 (part 2, FFmpeg's own encoder, in every build) in AVI, 4:2:0: the
     * station decodes it to gray without a per-frame cost. Not MJPEG, though every build has it too:
     * its decoder delivers yuvj420p, which makes FFmpeg's scaler re-initialise and warn ("deprecated
     * pixel format used") on every frame the station grabs. Seeded: the same options give the same
     * bytes. {@code --labels} writes each frame's
     * ground truth as CSV ({@code frame,truth}).
     */
    @Command(name = "video", mixinStandardHelpOptions = true,
            description = "Write a video of synthetic parts (8-bit gray, MPEG-4 in AVI) for a file: source, e.g. config/parts.avi.")
    static final class Video implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "OUT", description = "the video file to write (.avi)")
        Path out;

        @Option(names = "--frames", paramLabel = "N", description = "frames, one part each (default: ${DEFAULT-VALUE})")
        int frames = 100;

        @Option(names = "--width", paramLabel = "PX", description = "frame width (default: ${DEFAULT-VALUE})")
        int width = 640;

        @Option(names = "--height", paramLabel = "PX", description = "frame height (default: ${DEFAULT-VALUE})")
        int height = 512;

        @Option(names = "--defect-rate", paramLabel = "R", description = "fraction of parts with a defect (default: ${DEFAULT-VALUE})")
        double defectRate = 0.1;

        @Option(names = "--seed", description = "synthetic camera seed (default: ${DEFAULT-VALUE})")
        long seed = 1;

        @Option(names = "--fps", paramLabel = "F", description = "the frame rate written in the file (default: ${DEFAULT-VALUE})")
        double fps = 25;

        @Option(names = "--quality", paramLabel = "Q", description = "MPEG-4 quantiser, 2 (best, largest) to 31 (default: ${DEFAULT-VALUE})")
        int quality = 8;

        @Option(names = "--labels", paramLabel = "CSV", description = "also write each frame's ground truth (frame,truth)")
        Path labels;

        @Override
        public Integer call() throws Exception {
            if (frames < 1 || frames > 1_000_000) throw new IllegalArgumentException("--frames: expected 1 to 1000000, got " + frames);
            if (!(defectRate >= 0 && defectRate <= 1)) throw new IllegalArgumentException("--defect-rate: expected 0 to 1, got " + defectRate);
            if (!(fps > 0 && fps <= 1000)) throw new IllegalArgumentException("--fps: expected above 0 and at most 1000, got " + fps);
            if (quality < 2 || quality > 31) throw new IllegalArgumentException("--quality: expected 2 to 31, got " + quality);
            if (width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("--width/--height: expected even sizes (4:2:0 chroma), got " + width + "x" + height);
            }
            Map<String, Integer> kinds = writeVideo(out, frames, width, height, defectRate, seed, fps, quality, labels);
            System.err.printf("dataset video: %d frames %dx%d -> %s (%d KB); parts %s%n", frames, width, height, out.toAbsolutePath(),
                    Files.size(out) / 1024, kinds);
            return 0;
        }
    }

    /** Writes the video; returns the parts per ground-truth kind. */
    static Map<String, Integer> writeVideo(Path out, int frames, int width, int height, double defectRate, long seed, double fps,
                                           int quality, Path labels) throws IOException {
        io.sightline.natives.Natives.opencv();
        if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        StringBuilder csv = new StringBuilder("frame,truth\n");
        try (io.sightline.capture.SyntheticPartCamera camera = new io.sightline.capture.SyntheticPartCamera("synthetic:video",
                     new io.sightline.capture.SyntheticPartCamera.Options(width, height, defectRate, seed, 32));
             org.bytedeco.javacv.FFmpegFrameRecorder recorder = new org.bytedeco.javacv.FFmpegFrameRecorder(out.toString(), width, height, 0);
             org.bytedeco.javacv.Frame frame = new org.bytedeco.javacv.Frame(width, height, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 1)) {
            recorder.setFormat("avi");
            recorder.setVideoCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(quality);
            recorder.setMetadata("comment", "sightline dataset video --frames " + frames + " --width " + width + " --height " + height
                    + " --defect-rate " + defectRate + " --seed " + seed + " --fps " + fps + " --quality " + quality);
            recorder.start();
            java.nio.ByteBuffer buffer = (java.nio.ByteBuffer) frame.image[0];
            byte[] row = new byte[width];
            for (int i = 0; i < frames; i++) {
                io.sightline.capture.CapturedFrame f = camera.grab();
                for (int y = 0; y < height; y++) {
                    f.pixels().position((long) y * f.stride()).get(row);
                    buffer.position(y * frame.imageStride);
                    buffer.put(row);
                }
                f.pixels().position(0);
                buffer.position(0);
                recorder.record(frame, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8);
                kinds.merge(f.truth().label(), 1, Integer::sum);
                csv.append(i).append(',').append(f.truth().label()).append('\n');
            }
            recorder.stop();
        } catch (io.sightline.capture.CaptureException | org.bytedeco.javacv.FrameRecorder.Exception e) {
            throw new IOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        if (labels != null) Files.writeString(labels, csv);
        return kinds;
    }

    /** BSData's image record, as far as Sightline needs it: its split, its label, its wear-development series. */
    record BsImage(String file, String split, boolean pitting, List<String> series) {}

    /** Writes the layout and returns the image counts per split and class. */
    static Map<String, Object> importBsdata(Path src, Path out, long seed, double testFraction) throws IOException {
        if (Files.exists(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) throw new IllegalArgumentException("OUT " + out + " exists and is not empty");
            }
        }
        List<BsImage> all = readBsdata(src);
        Path data = src.resolve("data");
        // seeded split of the unassigned images, per class, in a stable order
        Random random = new Random(seed);
        Map<String, String> assigned = new LinkedHashMap<>();
        for (boolean pitting : new boolean[] {false, true}) {
            List<String> free = new ArrayList<>();
            for (BsImage b : all) if (b.split() == null && b.pitting() == pitting) free.add(b.file());
            Collections.sort(free);
            Collections.shuffle(free, random);
            int test = (int) Math.round(free.size() * testFraction);
            for (int i = 0; i < free.size(); i++) assigned.put(free.get(i), i < test ? "test" : "train");
        }
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        int missing = 0;
        for (BsImage b : all) {
            String split = b.split() != null ? b.split() : assigned.get(b.file());
            String cls = b.pitting() ? "pitting" : "ok";
            Path from = data.resolve(b.file());
            if (!Files.isRegularFile(from)) {
                missing++;
                System.err.println("dataset: " + from + " is listed in image_data.json but missing; skipped");
                continue;
            }
            Path to = out.resolve(split).resolve(cls).resolve(b.file());
            linkOrCopy(from, to);
            counts.computeIfAbsent(split, k -> new LinkedHashMap<>()).merge(cls, 1, Integer::sum);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("train", counts.getOrDefault("train", Map.of()));
        result.put("test", counts.getOrDefault("test", Map.of()));
        result.put("missing", missing);
        result.put("seed", seed);
        return result;
    }

    /** {@code to} (its folder made) as a hard link to {@code from} where the file system allows, else a copy. */
    static void linkOrCopy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    /** Reads BSData's image_data.json and labels; names the file and the problem when it is not BSData. */
    static List<BsImage> readBsdata(Path src) throws IOException {
        Path index = src.resolve("image_data.json");
        Path data = src.resolve("data");
        Path labels = src.resolve("label");
        for (Path p : List.of(index, data)) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException(src + " is not a BSData folder: " + p.getFileName()
                        + " is missing (expected data/*.jpg, label/*.json and image_data.json)");
            }
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode root;
        try {
            root = json.readTree(index.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        JsonNode images = root.get("images");
        if (images == null || !images.isArray()) {
            throw new IllegalArgumentException(index + ": expected an object with an 'images' array");
        }
        List<BsImage> all = new ArrayList<>();
        for (JsonNode img : images) {
            JsonNode file = img.get("filename");
            if (file == null || !file.isTextual()) throw new IllegalArgumentException(index + ": an image entry has no filename: " + img);
            String name = file.asText();
            JsonNode split = img.get("train_test_split");
            String s = split == null || split.isNull() ? null : split.asText();
            if (s != null && !s.equals("train") && !s.equals("test")) {
                throw new IllegalArgumentException(index + ": " + name + " has train_test_split '" + s + "', expected train, test or null");
            }
            List<String> series = new ArrayList<>();
            JsonNode wear = img.get("wear_dev");
            if (wear != null && wear.isArray()) for (JsonNode w : wear) series.add(w.asText());
            all.add(new BsImage(name, s, hasPolygon(json, labels.resolve(stem(name) + ".json")), List.copyOf(series)));
        }
        return all;
    }

    private static boolean hasPolygon(ObjectMapper json, Path labelFile) {
        if (!Files.isRegularFile(labelFile)) return false;
        try {
            JsonNode shapes = json.readTree(labelFile.toFile()).get("shapes");
            return shapes != null && shapes.isArray() && !shapes.isEmpty();
        } catch (IOException e) {
            throw new IllegalArgumentException(labelFile + ": not a readable labelme file: " + e.getMessage(), e);
        }
    }

    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
