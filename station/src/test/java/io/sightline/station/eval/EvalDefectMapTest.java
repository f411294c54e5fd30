package io.sightline.station.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.inference.Evaluation;
import io.sightline.inference.InspectionCnn;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.ModelPackage;
import io.sightline.inference.dataset.ModelScoring;
import io.sightline.natives.Natives;
import io.sightline.preprocess.ImageDataset;
import io.sightline.station.cli.SightlineCli;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --report} with a model that has a defect map: the map and its box are drawn over the
 * worst calls. Real OpenCV, a real model package in TensorFlow.
 */
class EvalDefectMapTest {
    private static final int W = 64;
    private static final int H = 48;

    @BeforeAll
    static void load() {
        Natives.loadAll();
    }

    @Test
    void theHeatColourLiesOverTheHotCellAndTheBoxAroundIt() {
        // a 4x3 map over a 64x48 input, hot only in cell (2, 1): input pixels x 32..47, y 16..31
        ModelScoring.Maps maps = new ModelScoring.Maps(4, 3, W, H, null);
        float[] map = new float[12];
        map[1 * 4 + 2] = 1f;
        try (Scalar gray = new Scalar(128, 128, 128, 0); Mat image = new Mat(H, W, CV_8UC3, gray);
             UByteIndexer px = image.createIndexer()) {
            DefectOverlay.draw(image, map, maps);
            int[] hot = bgr(px, 40, 24);
            assertTrue(hot[2] > 180 && hot[0] < 80 && hot[1] < 100, "red over the hot cell's centre: " + java.util.Arrays.toString(hot));
            assertArrayEquals(new int[] {128, 128, 128}, bgr(px, 4, 44), "clear far from it");
            assertArrayEquals(DefectOverlay.BOX_BGR, bgr(px, 32, 24), "the box's left edge");
            assertArrayEquals(DefectOverlay.BOX_BGR, bgr(px, 47, 24), "its right edge");
            assertArrayEquals(DefectOverlay.BOX_BGR, bgr(px, 40, 16), "its top edge");
            assertArrayEquals(DefectOverlay.BOX_BGR, bgr(px, 40, 31), "its bottom edge");
            assertFalse(java.util.Arrays.equals(DefectOverlay.BOX_BGR, bgr(px, 31, 24)), "nothing of it outside");
        }
    }

    @Test
    void worstPngCarriesTheMapsOverlayWhenTheModelHasMaps(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Random r = new Random(3);
        for (int i = 0; i < 6; i++) {
            surface(data.resolve("ok/ok" + i + ".png"), r, false);
            surface(data.resolve("pit/pit" + i + ".png"), r, true);
        }
        Path model = tmp.resolve("model");
        // random weights: a map that varies over the image, as a trained model's does
        InspectionCnn.exportPackage(model, ModelInfo.of("map-eval", "1", List.of("ok", "pit"), W, H, 1, 0.5f, 0.25f),
                InspectionCnn.Weights.heInitialised(1, 2, 11));
        Path report = tmp.resolve("report");
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "eval", "--model",
                model.toString(), "--data", data.toString(), "--report", report.toString());
        assertEquals(0, code, err.toString());
        assertTrue(Files.readString(report.resolve("report.md")).contains("defect map"), "the report says what the colours mean");

        // the same calls without the maps: the plain sheet
        Path plain = tmp.resolve("plain");
        try (ModelPackage pkg = ModelPackage.load(model)) {
            List<ImageDataset.Sample> samples = ImageDataset.open(data, false).train();
            ModelScoring.Scored scored = ModelScoring.score(pkg, samples, new PrintStream(PrintStream.nullOutputStream()));
            assertNotNull(scored.maps(), "a model with a map gives one per image");
            assertEquals(12, scored.maps().values().length);
            Evaluation e = Evaluation.of(pkg.info().classes(), pkg.info().okIndex(), scored.probs(), scored.labels(), 0.5f);
            EvalReport.write(plain, "plain", e, new ModelScoring.Scored(scored.images(), scored.probs(), scored.labels(), null),
                    pkg.info());
        }
        try (Mat withMaps = opencv_imgcodecs.imread(report.resolve("worst.png").toString());
             Mat without = opencv_imgcodecs.imread(plain.resolve("worst.png").toString())) {
            assertEquals(without.cols(), withMaps.cols());
            assertEquals(without.rows(), withMaps.rows());
            assertEquals(0, boxPixels(without), "the plain sheet has no box");
            assertTrue(boxPixels(withMaps) >= 12 * 4 * 8, "every one of the 12 cells has its box: " + boxPixels(withMaps));
        }
    }

    private static int[] bgr(UByteIndexer px, int x, int y) {
        return new int[] {px.get(y, x, 0), px.get(y, x, 1), px.get(y, x, 2)};
    }

    private static int boxPixels(Mat sheet) {
        int n = 0;
        try (UByteIndexer px = sheet.createIndexer()) {
            for (int y = 0; y < sheet.rows(); y++) {
                for (int x = 0; x < sheet.cols(); x++) {
                    if (java.util.Arrays.equals(DefectOverlay.BOX_BGR, bgr(px, x, y))) n++;
                }
            }
        }
        return n;
    }

    private static void surface(Path file, Random r, boolean pit) throws Exception {
        byte[] px = new byte[W * H];
        for (int i = 0; i < px.length; i++) px[i] = (byte) Math.max(0, Math.min(255, 140 + r.nextGaussian() * 12));
        if (pit) {
            int cx = 8 + r.nextInt(W - 16);
            int cy = 8 + r.nextInt(H - 16);
            for (int y = cy - 4; y <= cy + 4; y++) {
                for (int x = cx - 4; x <= cx + 4; x++) if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 16) px[y * W + x] = 30;
            }
        }
        Files.createDirectories(file.getParent());
        try (BytePointer p = new BytePointer(px); Mat m = new Mat(H, W, CV_8UC1, p)) {
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m));
        }
    }
}
