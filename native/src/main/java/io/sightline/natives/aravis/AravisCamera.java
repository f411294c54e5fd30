package io.sightline.natives.aravis;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * One open GenICam camera ({@code ArvCamera}): its features (exposure, gain, trigger, pixel format,
 * frame rate), acquisition start and stop, and the {@link AravisStream} its frames arrive on.
 * Each method is one Aravis call whose {@code GError} becomes an {@link AravisException} naming the
 * camera and the feature. {@link #close()} releases the camera (and with it the control channel)
 * at once; it does not wait for a garbage collector.
 *
 * <p>Feature names differ between cameras (SFNC {@code ExposureTime}/{@code Gain} against older
 * {@code ExposureTimeAbs}/{@code GainRaw}): Aravis's camera calls pick whichever the camera has.
 *
 * <p>Not thread-safe: one thread drives a camera.
 */
public final class AravisCamera implements AutoCloseable {
    private final String name;
    private final GErrorSlot error;
    private final Memory out = new Memory(4 * Long.BYTES); // out-parameters, reused
    private final long outAddress = Pointer.nativeValue(out);
    private long camera;

    private AravisCamera(String name, long camera, GErrorSlot error) {
        this.name = name;
        this.camera = camera;
        this.error = error;
    }

    /**
     * Opens a camera by its Aravis id ({@code Vendor-Model-Serial}, as {@link Aravis#devices()}
     * lists it), its serial number, or its IP address. Finding it uses discovery: see
     * {@link Aravis#devices()} for what that broadcasts.
     */
    public static AravisCamera open(String idOrAddress) throws AravisException {
        Aravis.require();
        if (idOrAddress == null || idOrAddress.isBlank()) {
            throw new AravisException("a camera id or address is required, got '" + idOrAddress + "'");
        }
        GErrorSlot error = new GErrorSlot();
        long camera = Arv.arv_camera_new(idOrAddress, error.address());
        String message = error.take();
        if (camera == 0 || message != null) {
            if (camera != 0) GLib.Objects.g_object_unref(camera);
            error.close();
            throw new AravisException("camera '" + idOrAddress + "' cannot be opened: "
                    + (message != null ? message : "Aravis found no such camera"));
        }
        // A value outside a feature's min/max is refused with a message, instead of written as is.
        Arv.arv_camera_set_range_check_policy(camera, Arv.RANGE_CHECK_POLICY_ENABLE);
        return new AravisCamera(idOrAddress, camera, error);
    }

    /** What the camera was opened as. */
    public String name() {
        return name;
    }

    /** The raw {@code ArvCamera*}, for calls this class does not wrap. */
    public long handle() {
        checkOpen();
        return camera;
    }

    private void checkOpen() {
        if (camera == 0) throw new IllegalStateException("camera '" + name + "' is closed");
    }

    private long err() {
        checkOpen();
        return error.address();
    }

    private void check(String what) throws AravisException {
        error.check("camera '" + name + "': " + what);
    }

    public String deviceId() throws AravisException {
        String s = Arv.arv_camera_get_device_id(handle(), err());
        check("reading DeviceID");
        return s;
    }

    public String vendor() throws AravisException {
        String s = Arv.arv_camera_get_vendor_name(handle(), err());
        check("reading the vendor name");
        return s;
    }

    public String model() throws AravisException {
        String s = Arv.arv_camera_get_model_name(handle(), err());
        check("reading the model name");
        return s;
    }

    /** True for a GigE Vision camera (as opposed to USB3 Vision or GenTL). */
    public boolean isGigE() {
        return Arv.arv_camera_is_gv_device(handle()) != 0;
    }

    /** Image width and height in pixels (the region of interest). */
    public int[] size() throws AravisException {
        Arv.arv_camera_get_region(handle(), 0, 0, outAddress, outAddress + 8, err());
        check("reading the image region (Width, Height)");
        return new int[] {out.getInt(0), out.getInt(8)};
    }

    /** Bytes per frame the camera sends ({@code PayloadSize}); reads the camera, so it also tells if it still answers. */
    public int payloadBytes() throws AravisException {
        int payload = Arv.arv_camera_get_payload(handle(), err());
        check("reading PayloadSize");
        return payload;
    }

    /** An integer feature, read from the camera. */
    public long integer(String feature) throws AravisException {
        long v = Arv.arv_camera_get_integer(handle(), feature, err());
        check("reading " + feature);
        return v;
    }

    public void setPixelFormat(String format) throws AravisException {
        Arv.arv_camera_set_pixel_format_from_string(handle(), format, err());
        check("setting PixelFormat to " + format);
    }

    public String pixelFormat() throws AravisException {
        String s = Arv.arv_camera_get_pixel_format_as_string(handle(), err());
        check("reading PixelFormat");
        return s;
    }

    public int pixelFormatCode() throws AravisException {
        int v = Arv.arv_camera_get_pixel_format(handle(), err());
        check("reading PixelFormat");
        return v;
    }

    /** The pixel formats the camera offers. */
    public List<String> pixelFormats() throws AravisException {
        long array = Arv.arv_camera_dup_available_pixel_formats_as_strings(handle(), outAddress, err());
        check("listing PixelFormat values");
        return strings(array, out.getInt(0));
    }

    /** The trigger sources the camera offers ({@code Software}, {@code Line0}, ...). */
    public List<String> triggerSources() throws AravisException {
        long array = Arv.arv_camera_dup_available_trigger_sources(handle(), outAddress, err());
        check("listing TriggerSource values");
        return strings(array, out.getInt(0));
    }

    /** Reads a g_free'd array of {@code n} strings that the camera owns. */
    private static List<String> strings(long array, int n) {
        List<String> list = new ArrayList<>(Math.max(0, n));
        if (array == 0) return list;
        Pointer p = new Pointer(array);
        for (int i = 0; i < n; i++) {
            Pointer s = p.getPointer((long) i * Native.POINTER_SIZE);
            if (s != null) list.add(s.getString(0));
        }
        GLib.Core.g_free(array);
        return list;
    }

    public boolean frameRateAvailable() throws AravisException {
        boolean b = Arv.arv_camera_is_frame_rate_available(handle(), err()) != 0;
        check("checking AcquisitionFrameRate");
        return b;
    }

    /**
     * Sets the free-running frame rate. Aravis also switches the frame-start trigger off to do so:
     * set a trigger after the frame rate, not before.
     */
    public void setFrameRate(double fps) throws AravisException {
        Arv.arv_camera_set_frame_rate(handle(), fps, err());
        check("setting the frame rate to " + fps + " frames/s");
    }

    public double frameRate() throws AravisException {
        double v = Arv.arv_camera_get_frame_rate(handle(), err());
        check("reading the frame rate");
        return v;
    }

    /** Frame-start trigger from {@code source} ({@code Software}, {@code Line1}, ...), rising edge. */
    public void setTrigger(String source) throws AravisException {
        Arv.arv_camera_set_trigger(handle(), source, err());
        check("setting the frame trigger to " + source);
    }

    /** Every trigger off: the camera runs free at its frame rate. */
    public void clearTriggers() throws AravisException {
        Arv.arv_camera_clear_triggers(handle(), err());
        check("switching the triggers off");
    }

    public void softwareTrigger() throws AravisException {
        Arv.arv_camera_software_trigger(handle(), err());
        check("firing the software trigger");
    }

    public void setExposureUs(double exposureUs) throws AravisException {
        Arv.arv_camera_set_exposure_time(handle(), exposureUs, err());
        check("setting the exposure time to " + exposureUs + " us");
    }

    public double exposureUs() throws AravisException {
        double v = Arv.arv_camera_get_exposure_time(handle(), err());
        check("reading the exposure time");
        return v;
    }

    public void setGain(double gain) throws AravisException {
        Arv.arv_camera_set_gain(handle(), gain, err());
        check("setting the gain to " + gain);
    }

    public double gain() throws AravisException {
        double v = Arv.arv_camera_get_gain(handle(), err());
        check("reading the gain");
        return v;
    }

    public void setContinuous() throws AravisException {
        Arv.arv_camera_set_acquisition_mode(handle(), Arv.ACQUISITION_MODE_CONTINUOUS, err());
        check("setting AcquisitionMode to Continuous");
    }

    public void startAcquisition() throws AravisException {
        Arv.arv_camera_start_acquisition(handle(), err());
        check("starting acquisition");
    }

    public void stopAcquisition() throws AravisException {
        Arv.arv_camera_stop_acquisition(handle(), err());
        check("stopping acquisition");
    }

    /**
     * False once a GigE Vision camera's control channel is lost (Aravis's heartbeat found the camera
     * gone or taken over by another host). Reads a flag; does not talk to the camera.
     */
    public boolean inControl() {
        if (!isGigE()) return true;
        return Arv.arv_gv_device_is_controller(Arv.arv_camera_get_device(handle())) != 0;
    }

    /**
     * Creates the camera's stream with {@code buffers} buffers of {@code bufferBytes} each, queued
     * for filling. Close the stream before the camera.
     */
    public AravisStream createStream(int buffers, long bufferBytes) throws AravisException {
        return AravisStream.create(this, error, buffers, bufferBytes);
    }

    /** Releases the camera; idempotent. */
    @Override
    public void close() {
        if (camera == 0) return;
        long c = camera;
        camera = 0;
        GLib.Objects.g_object_unref(c);
        error.close();
        out.close();
    }
}
