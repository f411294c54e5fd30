package io.sightline.capture;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;

/**
 * The GigE Vision pixel formats a {@link GigeVisionSource} takes, and how each becomes the station's
 * frame: 8-bit gray (Mono8) or 8-bit BGR, interleaved.
 *
 * <pre>
 *   name       PFNC code    frame    on the way
 *   Mono8      0x01080001   gray     lent as it is (no copy)
 *   BGR8       0x02180015   BGR      lent as it is (no copy)
 *   RGB8       0x02180014   BGR      cvtColor RGB2BGR into the source's own frame
 *   BayerRG8   0x01080009   BGR      demosaiced (cvtColor, bilinear) into the source's own frame
 *   BayerGR8   0x01080008   BGR      ditto
 *   BayerGB8   0x0108000A   BGR      ditto
 *   BayerBG8   0x0108000B   BGR      ditto
 * </pre>
 *
 * <p>GenICam names a Bayer pattern by its first row's first two pixels (BayerRG8: R G / G B);
 * OpenCV's {@code COLOR_Bayer..2BGR} constants name it by the second row's second and third, so
 * GenICam's RG is OpenCV's BG and so on ({@link #opencvCode}, tested by mosaicking a known picture
 * and demosaicing it back).
 */
public enum GigePixelFormat {
    MONO8("Mono8", 0x01080001, 1, -1),
    BGR8("BGR8", 0x02180015, 3, -1),
    RGB8("RGB8", 0x02180014, 3, opencv_imgproc.COLOR_RGB2BGR),
    BAYER_RG8("BayerRG8", 0x01080009, 1, opencv_imgproc.COLOR_BayerBG2BGR),
    BAYER_GR8("BayerGR8", 0x01080008, 1, opencv_imgproc.COLOR_BayerGB2BGR),
    BAYER_GB8("BayerGB8", 0x0108000A, 1, opencv_imgproc.COLOR_BayerGR2BGR),
    BAYER_BG8("BayerBG8", 0x0108000B, 1, opencv_imgproc.COLOR_BayerRG2BGR);

    private final String genicamName;
    private final int pfnc;
    private final int bytesPerPixel;
    private final int opencvCode;

    GigePixelFormat(String genicamName, int pfnc, int bytesPerPixel, int opencvCode) {
        this.genicamName = genicamName;
        this.pfnc = pfnc;
        this.bytesPerPixel = bytesPerPixel;
        this.opencvCode = opencvCode;
    }

    /** The names a {@code gige:} URI's {@code pixel=} takes, for help texts. */
    public static final List<String> NAMES = Arrays.stream(values()).map(f -> f.genicamName).toList();

    /**
     * The format named {@code name} (case-insensitive, e.g. {@code bayerrg8}).
     *
     * @throws IllegalArgumentException naming the value and the formats taken
     */
    public static GigePixelFormat of(String name) {
        for (GigePixelFormat f : values()) {
            if (f.genicamName.equalsIgnoreCase(name)) return f;
        }
        throw new IllegalArgumentException("pixel format must be one of " + String.join(", ", NAMES) + ", got '" + name + "'");
    }

    /** The GenICam name, as the camera's PixelFormat feature takes it. */
    public String genicamName() {
        return genicamName;
    }

    /** The GigE Vision (PFNC) code a buffer of this format carries. */
    public int pfnc() {
        return pfnc;
    }

    /** Bytes per pixel on the wire: 1 for Mono8 and Bayer, 3 for RGB8 and BGR8. */
    public int bytesPerPixel() {
        return bytesPerPixel;
    }

    /** The frame's channels: 1 for Mono8, 3 (BGR) for every colour format. */
    public int channels() {
        return this == MONO8 ? 1 : 3;
    }

    /** Whether the camera's buffer is the frame as it is (lent, no copy): Mono8 and BGR8. */
    public boolean lent() {
        return opencvCode < 0;
    }

    /** OpenCV's {@code cvtColor} code from this format to BGR; -1 when none is needed. */
    public int opencvCode() {
        return opencvCode;
    }

    @Override
    public String toString() {
        return genicamName;
    }
}
