package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.NativeBuffer;
import io.sightline.natives.Natives;
import java.io.IOException;
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

/** The dataset layout, reading image files into tensors, and that the tensors are the station's. */
class ImageDatasetTest {
    @BeforeAll
    static void load() {
        Natives.opencv();
    }

    /** A gray image with structure and noise, written as PNG. */
    static Path writeGray(Path file, int w, int h, long seed) {
        byte[] px = texture(w, h, seed);
        try (BytePointer p = new BytePointer(px); Mat m = new Mat(h, w, CV_8UC1, p)) {
            mkdirs(file);
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m), "could not write " + file);
        }
        return file;
    }

    static byte[] texture(int w, int h, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) Math.max(0, Math.min(255, 120 + 60 * Math.sin(x / 7.0 + y / 11.0) + r.nextGaussian() * 12));
            }
        }
        return px;
    }

    static void mkdirs(Path file) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void flatLayoutPutsOkFirstAndCountsWhatIsNotAnImage(@TempDir Path dir) throws IOException {
        writeGray(dir.resolve("scratch/a.png"), 40, 30, 1);
        writeGray(dir.resolve("ok/b.png"), 40, 30, 2);
        writeGray(dir.resolve("ok/c.PNG"), 40, 30, 3);
        writeGray(dir.resolve("dent/d.png"), 40, 30, 4);
        Files.writeString(dir.resolve("ok/notes.txt"), "not an image");
        ImageDataset ds = ImageDataset.open(dir);
        assertEquals(List.of("ok", "dent", "scratch"), ds.classes());
        assertFalse(ds.fixedSplit());
        assertEquals(4, ds.train().size());
        assertTrue(ds.test().isEmpty());
        assertEquals(1, ds.ignoredFiles());
        assertEquals(2, ds.countsByClass(ds.train()).get("ok"));
        assertEquals(0, ds.train().stream().filter(s -> s.className().equals("ok")).findFirst().orElseThrow().label());
    }

    @Test
    void fixedSplitIsKeptAndAClassMayBeMissingFromTest(@TempDir Path dir) {
        writeGray(dir.resolve("train/ok/a.png"), 40, 30, 1);
        writeGray(dir.resolve("train/pit/b.png"), 40, 30, 2);
        writeGray(dir.resolve("test/ok/c.png"), 40, 30, 3);
        ImageDataset ds = ImageDataset.open(dir);
        assertTrue(ds.fixedSplit());
        assertEquals(List.of("ok", "pit"), ds.classes());
        assertEquals(2, ds.train().size());
        assertEquals(1, ds.test().size());
    }

    @Test
    void contentHashFollowsTheBytesNotTheFolder(@TempDir Path a, @TempDir Path b) throws IOException {
        for (Path d : List.of(a, b)) {
            writeGray(d.resolve("ok/x.png"), 40, 30, 1);
            writeGray(d.resolve("pit/y.png"), 40, 30, 2);
        }
        String ha = ImageDataset.contentHash(ImageDataset.open(a).train());
        assertEquals(ha, ImageDataset.contentHash(ImageDataset.open(b).train()));
        writeGray(b.resolve("pit/y.png"), 40, 30, 3);
        assertNotEquals(ha, ImageDataset.contentHash(ImageDataset.open(b).train()));
    }

    @Test
    void badLayoutsAreNamed(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ImageDataset.open(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        writeGray(dir.resolve("ok/a.png"), 40, 30, 1);
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class, () -> ImageDataset.open(dir));
        assertTrue(single.getMessage().contains("only the class 'ok'"), single.getMessage());

        Files.createDirectories(dir.resolve("scratch"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ImageDataset.open(dir));
        assertTrue(empty.getMessage().contains(dir.resolve("scratch") + " holds no images"), empty.getMessage());

        Path noOk = dir.resolve("other");
        writeGray(noOk.resolve("dent/a.png"), 40, 30, 1);
        writeGray(noOk.resolve("scratch/a.png"), 40, 30, 1);
        IllegalArgumentException ok = assertThrows(IllegalArgumentException.class, () -> ImageDataset.open(noOk));
        assertTrue(ok.getMessage().contains("no 'ok' class folder"), ok.getMessage());
    }

    @Test
    void evaluationAcceptsAFolderOfGoodPartsOnly(@TempDir Path dir) {
        writeGray(dir.resolve("ok/a.png"), 40, 30, 1);
        ImageDataset ds = ImageDataset.open(dir, false);
        assertEquals(List.of("ok"), ds.classes());
        assertEquals(1, ds.train().size());
        assertThrows(IllegalArgumentException.class, () -> ImageDataset.open(dir, true));
    }

    @Test
    void corruptAndEmptyFilesAreUnreadableWithTheirName(@TempDir Path dir) throws IOException {
        Path corrupt = dir.resolve("corrupt.png");
        Files.write(corrupt, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});
        Path empty = dir.resolve("empty.jpg");
        Files.write(empty, new byte[0]);
        Path truncated = dir.resolve("truncated.png");
        byte[] whole = Files.readAllBytes(writeGray(dir.resolve("whole.png"), 64, 48, 1));
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
        try (ImageTensorizer t = new ImageTensorizer(32, 16, 1, 0.5f, 0.25f)) {
            float[] dst = new float[t.floatsPerImage()];
            for (Path bad : List.of(corrupt, empty, truncated, dir.resolve("missing.png"))) {
                var e = assertThrows(ImageTensorizer.UnreadableImageException.class, () -> t.load(bad, dst));
                assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
            }
        }
    }

    @Test
    void readingSkipsUnreadableFilesAndKeepsTheRest(@TempDir Path dir) throws IOException {
        writeGray(dir.resolve("ok/a.png"), 64, 48, 1);
        Files.write(dir.resolve("ok/b.png"), new byte[] {1, 2, 3});
        writeGray(dir.resolve("pit/c.png"), 80, 60, 2); // another size
        ImageDataset ds = ImageDataset.open(dir);
        List<String> warnings = new java.util.ArrayList<>();
        try (ImageTensorizer t = new ImageTensorizer(32, 16, 1, 0.5f, 0.25f)) {
            LabelledImages read = LabelledImages.read(ds.train(), t, warnings::add, null);
            assertEquals(2, read.tensors().length);
            assertArrayEquals(new int[] {0, 1}, read.labels());
            assertEquals(1, read.skipped().size());
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).contains("b.png"), warnings.get(0));
            assertEquals(2, read.sourceFormats().size(), read.sourceFormats().toString());
        }
    }

    /**
     * The tensor training and evaluation make of a file is bit for bit the one the station's
     * preprocessing makes of the same pixels in a camera frame with the ROI on the whole frame,
     * when the image has the input's aspect ratio (within 5%), as a station's ROI does.
     */
    @Test
    void fileTensorIsTheStationsTensor(@TempDir Path dir) throws Exception {
        int w = 384;
        int h = 256;
        for (int[] input : new int[][] {{48, 32}, {96, 64}, {100, 68}}) { // two-step halving, one step, fractional
            Path png = writeGray(dir.resolve("f" + input[0] + ".png"), w, h, 7);
            byte[] pixels = texture(w, h, 7);
            try (ImageTensorizer t = new ImageTensorizer(input[0], input[1], 1, 0.45f, 0.2f)) {
                float[] fromFile = new float[t.floatsPerImage()];
                t.load(png, fromFile);
                PreprocessSpec spec = ImageTensorizer.fullFrameSpec(w, h, input[0], input[1], 0.45f, 0.2f);
                try (NativeBuffer frame = NativeBuffer.allocate((long) w * h);
                     NativeBuffer tensor = NativeBuffer.allocateFloats(spec.floatsPerImage());
                     Preprocessor pre = new Preprocessor(spec);
                     Preprocessor.View view = new Preprocessor.View(spec, frame.bytes(), w, h, w);
                     Preprocessor.FloatView out = new Preprocessor.FloatView(spec, tensor.floats())) {
                    frame.bytes().put(pixels, 0, pixels.length);
                    pre.process(view, out);
                    float[] station = new float[spec.floatsPerImage()];
                    tensor.floats().get(station);
                    assertArrayEquals(station, fromFile, 0f, "input " + input[0] + "x" + input[1]);
                }
            }
        }
    }

    /**
     * Strategy fit: a portrait image of a landscape input is turned 90 degrees, and an image of
     * another aspect ratio is padded with a mirrored border, not squashed.
     */
    @Test
    void imagesAreTurnedAndPaddedNotSquashed(@TempDir Path dir) throws Exception {
        assertTrue(ImageTensorizer.needsTurn(256, 384, 96, 64));
        assertFalse(ImageTensorizer.needsTurn(384, 256, 96, 64));
        assertFalse(ImageTensorizer.needsTurn(256, 384, 64, 64), "a square input takes both orientations");
        assertArrayEquals(new int[] {384, 256}, ImageTensorizer.paddedSize(384, 256, 100, 68), "within 5%: as it is");
        assertArrayEquals(new int[] {384, 384}, ImageTensorizer.paddedSize(384, 256, 64, 64));
        assertArrayEquals(new int[] {384, 256}, ImageTensorizer.paddedSize(256, 256, 96, 64));

        // the same picture, saved landscape and turned to portrait, gives the same tensor
        Path landscape = writeGray(dir.resolve("landscape.png"), 384, 256, 5);
        Path portrait = dir.resolve("portrait.png");
        try (org.bytedeco.opencv.opencv_core.Mat m = org.bytedeco.opencv.global.opencv_imgcodecs.imread(landscape.toString(),
                org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE);
             org.bytedeco.opencv.opencv_core.Mat turned = new org.bytedeco.opencv.opencv_core.Mat()) {
            org.bytedeco.opencv.global.opencv_core.rotate(m, turned, org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE);
            org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(portrait.toString(), turned);
        }
        try (ImageTensorizer t = new ImageTensorizer(96, 64, 1, 0.45f, 0.2f)) {
            float[] a = new float[t.floatsPerImage()];
            float[] b = new float[t.floatsPerImage()];
            t.load(landscape, a);
            t.load(portrait, b);
            // the portrait copy was turned counter-clockwise; the tensorizer turns it clockwise, back
            assertArrayEquals(a, b, 0f);
        }
    }

    /** A colour tensor is the gray path run on each BGR channel, interleaved. */
    @Test
    void colourTensorIsTheGrayPathPerChannel(@TempDir Path dir) throws Exception {
        int w = 120;
        int h = 90;
        Path png = dir.resolve("c.png");
        byte[][] planes = {texture(w, h, 1), texture(w, h, 2), texture(w, h, 3)};
        try (Mat bgr = new Mat(h, w, CV_8UC3)) {
            UByteIndexer idx = bgr.createIndexer();
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int c = 0; c < 3; c++) idx.put(y, x, c, planes[c][y * w + x] & 0xff);
            idx.close();
            assertTrue(opencv_imgcodecs.imwrite(png.toString(), bgr));
        }
        try (ImageTensorizer colour = new ImageTensorizer(40, 30, 3, 0.5f, 0.25f);
             ImageTensorizer gray = new ImageTensorizer(40, 30, 1, 0.5f, 0.25f)) {
            float[] rgb = new float[colour.floatsPerImage()];
            ImageTensorizer.SourceImage src = colour.load(png, rgb);
            assertEquals(3, src.channels());
            for (int c = 0; c < 3; c++) {
                float[] plane = new float[gray.floatsPerImage()];
                try (BytePointer p = new BytePointer(planes[c]); Mat m = new Mat(h, w, CV_8UC1, p)) {
                    gray.tensorize(m, plane);
                }
                for (int i = 0; i < plane.length; i++) assertEquals(plane[i], rgb[i * 3 + c], 0f, "channel " + c + " pixel " + i);
            }
        }
    }

    /** 16-bit, BGRA and gray files all become the model's channels; sizes may differ. */
    @Test
    void mixedDepthsChannelsAndSizesAreConverted(@TempDir Path dir) throws Exception {
        Path gray16 = dir.resolve("g16.png");
        try (Mat m = new Mat(50, 70, CV_16UC1, new Scalar(40000))) {
            assertTrue(opencv_imgcodecs.imwrite(gray16.toString(), m));
        }
        Path bgra = dir.resolve("bgra.png");
        try (Mat m = new Mat(30, 30, CV_8UC4, new Scalar(10, 20, 30, 255))) {
            assertTrue(opencv_imgcodecs.imwrite(bgra.toString(), m));
        }
        Path gray = writeGray(dir.resolve("g.png"), 90, 20, 3);
        for (int channels : new int[] {1, 3}) {
            try (ImageTensorizer t = new ImageTensorizer(16, 16, channels, 0f, 1f)) {
                float[] dst = new float[t.floatsPerImage()];
                ImageTensorizer.SourceImage s16 = t.load(gray16, dst);
                assertEquals(16, s16.bitsPerChannel());
                assertEquals(Math.round(40000 / 257.0) / 255f, dst[0], 1e-6f, "16-bit scaled to 8 bits");
                ImageTensorizer.SourceImage s4 = t.load(bgra, dst);
                assertEquals(4, s4.channels());
                if (channels == 3) {
                    assertEquals(10 / 255f, dst[0], 1e-6f);
                    assertEquals(30 / 255f, dst[2], 1e-6f);
                }
                assertEquals(1, t.load(gray, dst).channels());
            }
        }
    }

    @Test
    void inputChoiceKeepsTheAspectAndBoundsTheSize(@TempDir Path dir) {
        InputChoice big = InputChoice.forSize(2000, 1000, 1, 1, 0.5f, 0.2f);
        assertTrue(big.width() * big.height() <= InputChoice.MAX_INPUT_PIXELS * 1.1, big.describe());
        assertEquals(2.0, (double) big.width() / big.height(), 0.1);
        assertEquals(0, big.width() % 16);
        InputChoice small = InputChoice.forSize(64, 48, 1, 1, 0.5f, 0.2f);
        assertEquals(64, small.width());
        assertEquals(48, small.height());
        assertEquals(1.0, small.scale(), 1e-9);

        writeGray(dir.resolve("ok/a.png"), 200, 100, 1);
        writeGray(dir.resolve("ok/b.png"), 200, 100, 2);
        writeGray(dir.resolve("bad/c.png"), 300, 150, 3);
        InputChoice probed = InputChoice.probe(ImageDataset.open(dir).train());
        assertEquals(1, probed.channels(), "gray files make a gray model");
        assertEquals(200, probed.medianWidth());
        assertTrue(probed.pixelMean() > 0.3f && probed.pixelMean() < 0.65f, probed.describe());
        assertTrue(probed.pixelStd() > 0.05f, probed.describe());
    }
}
