package io.sightline.station;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.inference.ModelInfo;
import io.sightline.natives.Natives;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --data} and {@code eval} on a small made-up image folder: a textured surface, and
 * the same surface with a small dark pit somewhere. Real files, real OpenCV, real TensorFlow.
 */
class TrainEvalCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int W = 64;
    private static final int H = 48;

    @BeforeAll
    static void load() {
        Natives.loadAll();
    }

    static void surface(Path file, long seed, boolean pit) {
        Random r = new Random(seed);
        byte[] px = new byte[W * H];
        double phase = r.nextDouble() * 6;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                px[y * W + x] = (byte) clamp(140 + 30 * Math.sin(x / 5.0 + phase) + r.nextGaussian() * 10);
            }
        }
        if (pit) {
            int cx = 6 + r.nextInt(W - 12);
            int cy = 6 + r.nextInt(H - 12);
            for (int y = cy - 3; y <= cy + 3; y++) {
                for (int x = cx - 3; x <= cx + 3; x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 9) px[y * W + x] = (byte) clamp(35 + r.nextGaussian() * 8);
                }
            }
        }
        try (BytePointer p = new BytePointer(px); Mat m = new Mat(H, W, CV_8UC1, p)) {
            Files.createDirectories(file.getParent());
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    /** train/{ok,pit} with 40 each, test/{ok,pit} with 16 each, one corrupt file, one odd colour image. */
    static Path dataset(Path root) throws IOException {
        for (int i = 0; i < 40; i++) {
            surface(root.resolve("train/ok/ok" + i + ".png"), 1000 + i, false);
            surface(root.resolve("train/pit/pit" + i + ".png"), 2000 + i, true);
        }
        for (int i = 0; i < 16; i++) {
            surface(root.resolve("test/ok/ok" + i + ".png"), 3000 + i, false);
            surface(root.resolve("test/pit/pit" + i + ".png"), 4000 + i, true);
        }
        Files.write(root.resolve("train/ok/corrupt.png"), "this is not a PNG".getBytes(StandardCharsets.US_ASCII));
        // one colour image of another size: converted and resized like the rest
        Path odd = root.resolve("train/pit/odd-colour.jpg");
        surface(odd, 5000, true);
        try (Mat gray = opencv_imgcodecs.imread(odd.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE);
             Mat big = new Mat(); Mat colour = new Mat(H * 2, W * 2, CV_8UC3)) {
            opencv_imgproc.resize(gray, big, new org.bytedeco.opencv.opencv_core.Size(W * 2, H * 2));
            opencv_imgproc.cvtColor(big, colour, opencv_imgproc.COLOR_GRAY2BGR);
            assertTrue(opencv_imgcodecs.imwrite(odd.toString(), colour));
        }
        return root;
    }

    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            String[] lines = out.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    /** Runs the CLI with System.out captured (the commands print their JSON there). */
    static synchronized Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        java.io.StringWriter err = new java.io.StringWriter();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = io.sightline.station.cli.SightlineCli.execute(new java.io.PrintWriter(saved, true),
                    new java.io.PrintWriter(err, true), args);
        } finally {
            System.setOut(saved);
        }
        return new Run(code, buffer.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void trainsOnAFolderBeatsChanceAndEvalAgreesWithModelJson(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp.resolve("data"));
        Path model = tmp.resolve("model");
        Run train = run("train", "--data", data.toString(), "--out", model.toString(), "--epochs", "12", "--seed", "7", "--json");
        assertEquals(0, train.code(), train.err());
        JsonNode t = train.json();
        assertEquals(1, t.get("skipped").asInt(), "the corrupt file is skipped, the rest kept");
        double testAuroc = t.get("test").get("auroc").asDouble();
        assertTrue(testAuroc > 0.8, "held-out AUROC " + testAuroc + " should be clearly better than chance");

        ModelInfo info = ModelInfo.read(model.resolve("model.json"));
        assertEquals(java.util.List.of("ok", "pit"), info.classes());
        assertEquals(W, info.inputWidth(), "a small image is used at full resolution");
        assertEquals(H, info.inputHeight());
        assertEquals(1, info.inputChannels(), "gray images (and one gray-looking colour file) make a gray model");
        @SuppressWarnings("unchecked")
        Map<String, Object> dataSummary = (Map<String, Object>) info.training().get("data");
        assertEquals(Map.of("ok", 40, "pit", 41), dataSummary.get("trainImagesPerClass"));
        assertEquals(1, dataSummary.get("skippedUnreadable"));
        assertTrue(String.valueOf(dataSummary.get("contentHash")).startsWith("sha256:"));
        assertEquals("fit", ((Map<?, ?>) info.training().get("imageToTensor")).get("strategy"));
        assertEquals(7, ((Number) info.training().get("seed")).intValue());
        assertNotNull(((Map<?, ?>) info.training().get("libraries")).get("tensorflow"));
        Map<?, ?> recorded = (Map<?, ?>) info.evaluation().get("test");
        assertEquals(testAuroc, ((Number) recorded.get("auroc")).doubleValue(), 0.0);

        Path report = tmp.resolve("report");
        Run eval = run("eval", "--model", model.toString(), "--data", data.toString(), "--json", "--report", report.toString());
        assertEquals(0, eval.code(), eval.err());
        JsonNode e = eval.json();
        assertEquals(testAuroc, e.get("auroc").asDouble(), 0.0, "eval scores the test split exactly as train did");
        for (String key : new String[] {"accuracy", "escapeRate", "falseRejectRate", "threshold"}) assertTrue(e.has(key), key);
        assertEquals(16, e.get("n").get("ok").asInt());
        assertEquals(16, e.get("n").get("defect").asInt());
        for (String f : new String[] {"roc.png", "worst.png", "report.md"}) {
            assertTrue(Files.size(report.resolve(f)) > 100, f);
        }
        try (Mat sheet = opencv_imgcodecs.imread(report.resolve("worst.png").toString())) {
            assertFalse(sheet.empty(), "the contact sheet is a readable PNG");
        }
    }

    @Test
    void theSameSeedAndDataGiveTheSameModel(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        for (int i = 0; i < 12; i++) {
            surface(data.resolve("ok/ok" + i + ".png"), 100 + i, false);
            surface(data.resolve("pit/pit" + i + ".png"), 200 + i, true);
        }
        byte[][] weights = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Path model = tmp.resolve("model" + run);
            Run r = run("train", "--data", data.toString(), "--out", model.toString(), "--epochs", "3", "--seed", "5");
            assertEquals(0, r.code(), r.err());
            weights[run] = Files.readAllBytes(model.resolve("variables/variables.data-00000-of-00001"));
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    @Test
    void badDatasetsAndModelsAreNamed(@TempDir Path tmp) throws Exception {
        Path single = tmp.resolve("single");
        surface(single.resolve("ok/a.png"), 1, false);
        Run one = run("train", "--data", single.toString(), "--out", tmp.resolve("m1").toString());
        assertEquals(1, one.code());
        assertTrue(one.err().contains("only the class 'ok'"), one.err());

        Path empty = tmp.resolve("empty");
        surface(empty.resolve("ok/a.png"), 1, false);
        Files.createDirectories(empty.resolve("dent"));
        Run none = run("train", "--data", empty.toString(), "--out", tmp.resolve("m2").toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("holds no images"), none.err());

        Path unreadable = tmp.resolve("unreadable");
        surface(unreadable.resolve("ok/a.png"), 1, false);
        surface(unreadable.resolve("ok/b.png"), 2, false);
        Files.createDirectories(unreadable.resolve("dent"));
        Files.writeString(unreadable.resolve("dent/x.png"), "garbage");
        Run lost = run("train", "--data", unreadable.toString(), "--out", tmp.resolve("m3").toString());
        assertEquals(1, lost.code());
        assertTrue(lost.err().contains("class 'dent' has no readable training image"), lost.err());

        Run both = run("train", "--data", single.toString(), "--synthetic", "40", "--out", tmp.resolve("m4").toString());
        assertEquals(2, both.code(), "--data and --synthetic exclude each other");

        Path notAModel = tmp.resolve("not-a-model");
        Files.createDirectories(notAModel);
        Files.writeString(notAModel.resolve("readme.txt"), "hello");
        Run bad = run("eval", "--model", notAModel.toString(), "--data", single.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains(notAModel.toString()) && bad.err().contains("not a Sightline model package"), bad.err());

        Path notBsdata = tmp.resolve("not-bsdata");
        Files.createDirectories(notBsdata);
        Run imp = run("dataset", "import", "bsdata", notBsdata.toString(), tmp.resolve("out").toString());
        assertEquals(1, imp.code());
        assertTrue(imp.err().contains("is not a BSData folder"), imp.err());
    }

    @Test
    void evalRefusesClassesTheModelDoesNotKnow(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        for (int i = 0; i < 6; i++) {
            surface(data.resolve("ok/ok" + i + ".png"), 10 + i, false);
            surface(data.resolve("pit/pit" + i + ".png"), 20 + i, true);
        }
        Path model = tmp.resolve("model");
        assertEquals(0, run("train", "--data", data.toString(), "--out", model.toString(), "--epochs", "1").code());
        surface(data.resolve("crack/c.png"), 30, true);
        Run r = run("eval", "--model", model.toString(), "--data", data.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("class 'crack'") && r.err().contains("[ok, pit]"), r.err());
    }
}
