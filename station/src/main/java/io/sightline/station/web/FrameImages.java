package io.sightline.station.web;

import io.sightline.postprocess.Outcome;
import io.sightline.station.telemetry.StationTelemetry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A camera's latest frame as a PNG for the dashboard, with its decision drawn on it: the region
 * of interest outlined in the decision's colour, a label with the decision, the score and the
 * part, and for a defect reject by a model with a defect map the defect box in {@link #DEFECT_BOX}
 * (inside its edge). Runs on a server thread, only when a client asks.
 */
final class FrameImages {
    static final Color PASS = new Color(0x22, 0xc5, 0x5e);
    static final Color REJECT = new Color(0xef, 0x44, 0x44);
    static final Color FAILSAFE = new Color(0xf5, 0x9e, 0x0b);
    /** Where the model saw the defect: magenta, unlike any decision colour (as on the saved reject images). */
    static final Color DEFECT_BOX = new Color(0xff, 0x00, 0xff);

    private FrameImages() {}

    static Color colour(Outcome o) {
        return o == Outcome.PASS ? PASS : o == Outcome.REJECT_DEFECT ? REJECT : FAILSAFE;
    }

    /** "PASS", "REJECT" or "FAIL-SAFE late". */
    static String label(Outcome o) {
        return o == Outcome.PASS ? "PASS" : o == Outcome.REJECT_DEFECT ? "REJECT" : "FAIL-SAFE " + o.reason();
    }

    /** A box {x, y, width, height} as JSON fields, or null. */
    static java.util.Map<String, Object> boxJson(int[] box) {
        if (box == null) return null;
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("x", box[0]);
        m.put("y", box[1]);
        m.put("width", box[2]);
        m.put("height", box[3]);
        return m;
    }

    /**
     * @param width the image's width: the frame is scaled to it (height in proportion)
     */
    static byte[] png(StationTelemetry.Frame f, int width) {
        // a colour camera's BGR bytes are TYPE_3BYTE_BGR's raster as they are
        BufferedImage frame = new BufferedImage(f.width(), f.height(),
                f.channels() == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
        System.arraycopy(f.pixels(), 0, raster, 0, Math.min(raster.length, f.pixels().length));
        int height = Math.max(1, (int) Math.round((double) f.height() * width / f.width()));
        double scale = (double) width / f.width();
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.drawImage(frame, 0, 0, width, height, null);
            Color c = colour(f.outcome());
            int[] roi = f.roi();
            int x = (int) Math.round(roi[0] * scale);
            int y = (int) Math.round(roi[1] * scale);
            int w = (int) Math.round(roi[2] * scale);
            int h = (int) Math.round(roi[3] * scale);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF); // crisp, exact colour
            g.setStroke(new BasicStroke(Math.max(2, Math.round(width / 200f))));
            g.setColor(c);
            g.drawRect(x, y, w, h);
            int[] box = f.defectBox();
            if (box != null) {
                int bx0 = (int) Math.round(box[0] * scale);
                int by0 = (int) Math.round(box[1] * scale);
                int bw = Math.max(1, (int) Math.round(box[2] * scale));
                int bh = Math.max(1, (int) Math.round(box[3] * scale));
                int t = Math.max(1, Math.min(Math.max(2, Math.round(width / 320f)), Math.min(bw, bh) / 2));
                java.awt.Stroke roiStroke = g.getStroke();
                g.setStroke(new BasicStroke(1));
                g.setColor(DEFECT_BOX);
                for (int k = 0; k < t; k++) g.drawRect(bx0 + k, by0 + k, bw - 1 - 2 * k, bh - 1 - 2 * k); // inside the box
                g.setStroke(roiStroke);
                g.setColor(c);
            }
            String text = label(f.outcome()) + (Float.isNaN(f.score()) ? "" : String.format(Locale.ROOT, "  %.3f", f.score()))
                    + "  part " + f.partId();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, width / 32)));
            FontMetrics fm = g.getFontMetrics();
            int pad = Math.max(3, width / 160);
            int boxW = fm.stringWidth(text) + 2 * pad;
            int boxH = fm.getAscent() + fm.getDescent() + 2 * pad;
            int bx = Math.max(0, Math.min(x, width - boxW));
            int by = y - boxH >= 0 ? y - boxH : Math.min(height - boxH, y + h); // above the ROI, else below it
            g.fillRect(bx, Math.max(0, by), boxW, boxH);
            g.setColor(f.outcome() == Outcome.PASS || f.outcome().isFailSafe() ? Color.BLACK : Color.WHITE);
            g.drawString(text, bx + pad, Math.max(0, by) + pad + fm.getAscent());
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(width * height / 2);
        try {
            if (!ImageIO.write(out, "png", bytes)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode camera " + f.camera() + "'s frame as PNG: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }
}
