package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.Outcome;
import io.sightline.station.telemetry.StationTelemetry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The dashboard's camera picture: the defect box of a reject drawn where the model saw it. */
class FrameImagesTest {
    private static StationTelemetry.Frame frame(Outcome outcome, int[] box) {
        int w = 320;
        int h = 240;
        byte[] px = new byte[w * h];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (90 + (i % 7));
        return new StationTelemetry.Frame(0, 0, null, "cam", w, h, px, new int[] {20, 20, 280, 200}, box, 5, outcome, 0.9f, 0.1, 1);
    }

    @Test
    void aRejectsDefectBoxIsDrawnInsideItsEdgeAndAFrameWithoutOneHasNone() throws Exception {
        int[] box = {100, 80, 60, 40};
        BufferedImage with = ImageIO.read(new ByteArrayInputStream(FrameImages.png(frame(Outcome.REJECT_DEFECT, box), 320)));
        BufferedImage without = ImageIO.read(new ByteArrayInputStream(FrameImages.png(frame(Outcome.REJECT_DEFECT, null), 320)));
        int magenta = FrameImages.DEFECT_BOX.getRGB() & 0xffffff;
        assertEquals(magenta, with.getRGB(100, 100) & 0xffffff, "left edge");
        assertEquals(magenta, with.getRGB(159, 100) & 0xffffff, "right edge");
        assertEquals(magenta, with.getRGB(130, 80) & 0xffffff, "top edge");
        assertEquals(magenta, with.getRGB(130, 119) & 0xffffff, "bottom edge");
        assertNotEquals(magenta, with.getRGB(99, 100) & 0xffffff, "nothing outside the box");
        assertNotEquals(magenta, with.getRGB(130, 100) & 0xffffff, "nor in its middle");
        int boxPixels = 0;
        for (int y = 0; y < without.getHeight(); y++) {
            for (int x = 0; x < without.getWidth(); x++) if ((without.getRGB(x, y) & 0xffffff) == magenta) boxPixels++;
        }
        assertEquals(0, boxPixels, "no box, nothing magenta");

        BufferedImage half = ImageIO.read(new ByteArrayInputStream(FrameImages.png(frame(Outcome.REJECT_DEFECT, box), 160)));
        assertEquals(magenta, half.getRGB(50, 50) & 0xffffff, "scaled with the frame: the left edge at x 50");
    }

    @Test
    void aColourCamerasFrameIsShownInColour() throws Exception {
        int w = 64;
        int h = 48;
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) 200; // blue
            px[3 * i + 1] = (byte) 120; // green
            px[3 * i + 2] = (byte) 30; // red
        }
        StationTelemetry.Frame f = new StationTelemetry.Frame(0, 0, null, "colour", w, h, px, new int[] {16, 12, 32, 24}, null, 5,
                Outcome.PASS, 0.1f, 0.1, 1);
        assertEquals(3, f.channels());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(FrameImages.png(f, w)));
        int rgb = img.getRGB(4, 4) & 0xffffff; // outside the ROI, clear of its frame and the label
        // within a few levels (Java2D's drawing), and plainly not gray
        assertEquals(30, rgb >> 16 & 0xff, 8, "red");
        assertEquals(120, rgb >> 8 & 0xff, 8, "green");
        assertEquals(200, rgb & 0xff, 8, "blue");
    }
}
