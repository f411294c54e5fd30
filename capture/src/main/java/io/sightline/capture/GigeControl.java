package io.sightline.capture;

import io.sightline.natives.aravis.Aravis;
import io.sightline.natives.aravis.AravisCamera;
import io.sightline.natives.aravis.AravisException;
import java.util.List;

/**
 * The control side (GVCP) of one open GigE Vision camera for {@link GigeVisionSource}: its
 * features set at open (pixel format, rate, trigger, exposure, gain), whether it still answers,
 * and exposure and gain changed while streaming. Every error names the source and the camera and,
 * where it helps, what the camera offers instead.
 */
final class GigeControl {
    private final String name;
    private final String cameraName;
    private final AravisCamera camera;

    GigeControl(String name, String cameraName, AravisCamera camera) {
        this.name = name;
        this.cameraName = cameraName;
        this.camera = camera;
    }

    /** Pixel format first (it changes the payload), then rate, then trigger (setting a rate clears it), then exposure and gain. */
    void configure(GigeVisionSource.Options options) throws AravisException, CaptureException {
        boolean freeRunning = options.trigger().equals("off");
        boolean softwareTrigger = options.trigger().equals("software");
        try {
            camera.setPixelFormat(options.pixelFormat());
        } catch (AravisException e) {
            throw new CaptureException(name + ": camera '" + cameraName + "' cannot send " + options.pixelFormat() + ", the pixel format"
                    + " asked for: it offers " + describe(() -> camera.pixelFormats().toString()) + " and is set to "
                    + describe(this::currentPixelFormat) + " (" + e.getMessage() + ")");
        }
        int code = camera.pixelFormatCode();
        int wanted = GigePixelFormat.of(options.pixelFormat()).pfnc();
        if (code != wanted) {
            throw new CaptureException(name + ": camera '" + cameraName + "' is set to " + describe(this::currentPixelFormat) + " (0x"
                    + Integer.toHexString(code) + ") after being asked for " + options.pixelFormat() + " (0x" + Integer.toHexString(wanted) + ")");
        }
        camera.setContinuous();
        if (!Double.isNaN(options.fps())) camera.setFrameRate(options.fps());
        if (freeRunning) {
            camera.clearTriggers();
        } else {
            String source = softwareTrigger ? "Software" : options.trigger();
            try {
                camera.setTrigger(source);
            } catch (AravisException e) {
                throw new CaptureException(name + ": " + e.getMessage() + "; trigger sources it offers: "
                        + describe(() -> camera.triggerSources().toString()));
            }
        }
        if (!Double.isNaN(options.exposureUs())) camera.setExposureUs(options.exposureUs());
        if (!Double.isNaN(options.gain())) camera.setGain(options.gain());
    }

    /** Null while the camera answers a feature read; otherwise why it does not. */
    String lostReason() {
        if (!camera.inControl()) return "Aravis lost its control channel (heartbeat)";
        try {
            camera.payloadBytes();
            return null;
        } catch (AravisException e) {
            return e.getMessage();
        }
    }

    /** Changes the exposure while streaming; returns the value the camera took. */
    public double setExposureUs(double us) throws CaptureException {
        try {
            camera.setExposureUs(us);
            return camera.exposureUs();
        } catch (AravisException e) {
            throw new CaptureException(name + ": " + e.getMessage(), e);
        }
    }

    /** Changes the gain while streaming; returns the value the camera took. */
    public double setGain(double gain) throws CaptureException {
        try {
            camera.setGain(gain);
            return camera.gain();
        } catch (AravisException e) {
            throw new CaptureException(name + ": " + e.getMessage(), e);
        }
    }

    public double exposureUs() throws CaptureException {
        try {
            return camera.exposureUs();
        } catch (AravisException e) {
            throw new CaptureException(name + ": " + e.getMessage(), e);
        }
    }

    public double gain() throws CaptureException {
        try {
            return camera.gain();
        } catch (AravisException e) {
            throw new CaptureException(name + ": " + e.getMessage(), e);
        }
    }

    private String currentPixelFormat() throws AravisException {
        return camera.pixelFormat();
    }

    private interface Describer {
        String get() throws AravisException;
    }

    private static String describe(Describer d) {
        try {
            String s = d.get();
            return s == null ? "(unknown)" : s;
        } catch (AravisException | RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** For a camera that was not found: which cameras discovery does see (one more discovery round). */
    static String notFoundHint() {
        try {
            List<Aravis.Device> found = Aravis.devices();
            return found.isEmpty() ? "; no camera answered discovery on this host's interfaces"
                    : "; cameras that answer: " + found;
        } catch (AravisException | RuntimeException ignored) {
            return "";
        }
    }
}
