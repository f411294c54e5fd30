package io.sightline.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.natives.NativeBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line whose camera's channels are not the model's ({@link PreprocessSpec#converts()}), on real
 * OpenCV: a colour frame into a gray model is the gray path run on OpenCV's {@code COLOR_BGR2GRAY}
 * of the frame, pixel exact, and the same tensor that training's {@link ImageTensorizer} makes of
 * that picture saved as a file; a gray frame into a colour model is three equal channels, each the
 * gray path's tensor, as training makes of a gray file for a colour model.
 */
class ChannelConversionTest {
    @TempDir
    Path tmp;

    private static float[] run(byte[] img, int w, int h, PreprocessSpec spec) {
        return ColourPreprocessTest.colourPath(img, w, h, spec);
    }

    private static byte[] bgrToGray(byte[] img, int w, int h) {
        byte[] gray = new byte[w * h];
        try (Mat bgr = new Mat(h, w, CV_8UC3); Mat g = new Mat()) {
            bgr.data().put(img, 0, img.length);
            opencv_imgproc.cvtColor(bgr, g, opencv_imgproc.COLOR_BGR2GRAY);
            g.data().get(gray);
        }
        return gray;
    }

    private static void writePng(Path file, byte[] img, int w, int h, int channels) {
        try (Mat m = new Mat(h, w, channels == 3 ? CV_8UC3 : CV_8UC1)) {
            m.data().put(img, 0, img.length);
            assertTrue(opencv_imgcodecs.imwrite(file.toString(), m), "could not write " + file);
        }
    }

    /** Station ROIs: the two-step resize (768 to 128 is 6x, here 384 to 64) and a fractional one-step one. */
    @Test
    void aColourFrameIntoAGrayModelIsTheGrayPathOfCvtColorPixelExact() {
        int w = 640, h = 512;
        byte[] img = ColourPreprocessTest.colourImage(w, h, 17);
        byte[] gray = bgrToGray(img, w, h);
        for (PreprocessSpec graySpec : new PreprocessSpec[] {new PreprocessSpec(64, 64, 384, 384, 64, 64, 0.5f, 0.25f),
                new PreprocessSpec(30, 20, 300, 250, 64, 48, 0.4f, 0.2f)}) {
            PreprocessSpec converting = graySpec.withChannels(3, 1);
            assertTrue(converting.converts());
            assertEquals(graySpec.floatsPerImage(), converting.floatsPerImage(), "a gray model's input, one float per pixel");
            assertArrayEquals(run(gray, w, h, graySpec), run(img, w, h, converting),
                    "the converted tensor must equal the gray path on cvtColor(BGR2GRAY) of the frame, " + graySpec);
        }
    }

    @Test
    void aGrayFrameIntoAColourModelIsThreeEqualChannelsEachTheGrayPath() {
        int w = 640, h = 512;
        byte[] gray = bgrToGray(ColourPreprocessTest.colourImage(w, h, 23), w, h);
        PreprocessSpec graySpec = new PreprocessSpec(64, 64, 384, 384, 64, 64, 0.5f, 0.25f);
        PreprocessSpec replicating = graySpec.withChannels(1, 3);
        assertEquals(3 * graySpec.floatsPerImage(), replicating.floatsPerImage(), "a colour model's input, three floats per pixel");
        float[] one = run(gray, w, h, graySpec);
        float[] three = run(gray, w, h, replicating);
        for (int i = 0; i < one.length; i++) {
            for (int c = 0; c < 3; c++) assertEquals(one[i], three[3 * i + c], "pixel " + i + " channel " + c);
        }
    }

    /**
     * Training and serving agree exactly: a colour picture saved as a file and read by training for a
     * gray model (and a gray one for a colour model) gives the tensor the station makes of the same
     * picture from a colour (gray) camera, the ROI on the whole frame.
     */
    @Test
    void trainingsTensorOfAFileEqualsTheStationsConvertedFrame() throws Exception {
        int[][] cases = {{384, 384, 64, 64}, {300, 300, 64, 64}, {256, 192, 96, 72}};
        for (int[] c : cases) {
            int w = c[0], h = c[1], iw = c[2], ih = c[3];
            byte[] colour = ColourPreprocessTest.colourImage(w, h, w * 7L + h);
            Path colourFile = tmp.resolve("colour-" + w + "x" + h + ".png");
            writePng(colourFile, colour, w, h, 3);
            PreprocessSpec spec = ImageTensorizer.fullFrameSpec(w, h, iw, ih, 0.45f, 0.22f);
            float[] training = new float[iw * ih];
            try (ImageTensorizer t = new ImageTensorizer(iw, ih, 1, 0.45f, 0.22f)) {
                assertEquals(3, t.load(colourFile, training).channels());
            }
            assertArrayEquals(training, run(colour, w, h, spec.withChannels(3, 1)),
                    w + "x" + h + " colour into a gray " + iw + "x" + ih + " model: training and station differ");

            byte[] gray = bgrToGray(colour, w, h);
            Path grayFile = tmp.resolve("gray-" + w + "x" + h + ".png");
            writePng(grayFile, gray, w, h, 1);
            float[] trainingColour = new float[iw * ih * 3];
            try (ImageTensorizer t = new ImageTensorizer(iw, ih, 3, 0.45f, 0.22f)) {
                assertEquals(1, t.load(grayFile, trainingColour).channels());
            }
            assertArrayEquals(trainingColour, run(gray, w, h, spec.withChannels(1, 3)),
                    w + "x" + h + " gray into a colour " + iw + "x" + ih + " model: training and station differ");
        }
        assertTrue(Files.size(tmp.resolve("colour-384x384.png")) > 0);
    }

    @Test
    void unconvertibleChannelsAndMismatchedDestinationsAreRefusedByName() {
        PreprocessSpec gray = new PreprocessSpec(0, 0, 64, 64, 32, 32, 0.5f, 0.25f);
        assertFalse(gray.converts());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gray.withChannels(3, 4));
        assertTrue(e.getMessage().contains("model input channels must be 1 (gray) or 3 (BGR), got 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gray.withChannels(2, 1));
        assertTrue(e.getMessage().contains("channels must be 1 (8-bit gray) or 3 (8-bit BGR), got 2"), e.getMessage());
        PreprocessSpec toGray = gray.withChannels(3, 1);
        try (NativeBuffer frame = NativeBuffer.allocate(64 * 64 * 3);
             NativeBuffer floats = NativeBuffer.allocateFloats(32 * 32 * 3);
             Preprocessor pre = new Preprocessor(toGray);
             Preprocessor.View view = new Preprocessor.View(toGray, frame.bytes(), 64, 64, 64 * 3);
             Preprocessor.FloatView colourDst = new Preprocessor.FloatView(gray.withChannels(3), floats.floats())) {
            e = assertThrows(IllegalArgumentException.class, () -> pre.process(view, colourDst));
            assertTrue(e.getMessage().contains("destination was made for 3 channel(s), the model input has 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Preprocessor.View(toGray, frame.bytes(), 64, 64, 64));
            assertTrue(e.getMessage().contains("row stride 64 is smaller than the width 64 x 3 channel(s)"), e.getMessage());
        }
    }
}
