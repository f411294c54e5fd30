package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/**
 * Writes sample images to {@code target/synthetic-samples/} for a person to look at: per kind the
 * full frame, the default ROI downsampled to 128x128 (what the station's model sees) and a 1:1 crop
 * around the defect.
 */
class SyntheticSamplesTest {
    private static final DefectKind[] KINDS = {DefectKind.NONE, DefectKind.SCRATCH, DefectKind.PIT, DefectKind.CRACK,
            DefectKind.MISSING_FEATURE, DefectKind.MISPLACED_FEATURE};

    @Test
    void writesSamplesPerKind() throws Exception {
        Path dir = Path.of("target", "synthetic-samples");
        Files.createDirectories(dir);
        SyntheticPartCamera.Options options = SyntheticPartCamera.Options.defaults().withVariations(1).withSeed(7);
        try (SyntheticPartCamera camera = new SyntheticPartCamera("samples", options)) {
            int[] roi = camera.partRoi();
            for (DefectKind kind : KINDS) {
                CapturedFrame f = camera.render(kind);
                int[] box = camera.lastDefectBox();
                try (Mat m = new Mat(f.height(), f.width(), opencv_core.CV_8UC1, f.pixels());
                        Rect roiRect = new Rect(roi[0], roi[1], roi[2], roi[3]);
                        Mat roiView = new Mat(m, roiRect);
                        Mat small = new Mat();
                        Size size = new Size(128, 128)) {
                    write(dir.resolve(kind.label() + ".png"), m);
                    opencv_imgproc.resize(roiView, small, size, 0, 0, opencv_imgproc.INTER_AREA);
                    write(dir.resolve(kind.label() + "_roi128.png"), small);
                    if (kind.isDefect()) {
                        int cx = (box[0] + box[2]) / 2;
                        int cy = (box[1] + box[3]) / 2;
                        int side = Math.max(256, Math.max(box[2] - box[0], box[3] - box[1]) + 32);
                        int x = Math.max(0, Math.min(f.width() - side, cx - side / 2));
                        int y = Math.max(0, Math.min(f.height() - side, cy - side / 2));
                        try (Rect crop = new Rect(x, y, side, side); Mat cropView = new Mat(m, crop)) {
                            write(dir.resolve(kind.label() + "_crop.png"), cropView);
                        }
                    }
                }
            }
        }
    }

    private static void write(Path file, Mat image) throws Exception {
        assertTrue(opencv_imgcodecs.imwrite(file.toString(), image), "imwrite " + file);
        assertTrue(Files.size(file) > 100, file + " is written");
    }
}
