package io.sightline.natives.aravis;

/**
 * The Aravis 0.8 C functions Sightline calls, direct-mapped by JNA ({@code Native.register}): each
 * Java method is bound straight to the C symbol of the same name, pointers cross as {@code long}
 * addresses and every other argument as a primitive, so a per-frame call allocates nothing.
 *
 * <p>Signatures follow Aravis 0.8's headers ({@code arvcamera.h}, {@code arvstream.h},
 * {@code arvbuffer.h}, {@code arvsystem.h}, {@code arvgvdevice.h}); C types map as
 * {@code gint/guint/gboolean/enum -> int}, {@code gint64/guint64/size_t/pointer -> long},
 * {@code const char* argument -> String} (copied per call: not for per-frame use),
 * {@code const char* result owned by Aravis -> String} (copied). The {@code error} arguments are
 * the address of a {@code GError*} slot ({@link GErrorSlot#address()}), or 0 to ignore errors.
 *
 * <p>Nothing here is bound until {@link Aravis#require()} (or {@link Aravis#available()}) has loaded
 * the library; calling a method before that is an {@link UnsatisfiedLinkError}. Prefer
 * {@link AravisCamera} and {@link AravisStream}, which check errors and free what they create.
 */
public final class Arv {
    private Arv() {
    }

    /** {@code ArvBufferStatus}. */
    public static final int BUFFER_STATUS_UNKNOWN = -1;
    public static final int BUFFER_STATUS_SUCCESS = 0;
    public static final int BUFFER_STATUS_CLEARED = 1;
    public static final int BUFFER_STATUS_TIMEOUT = 2;
    public static final int BUFFER_STATUS_MISSING_PACKETS = 3;
    public static final int BUFFER_STATUS_WRONG_PACKET_ID = 4;
    public static final int BUFFER_STATUS_SIZE_MISMATCH = 5;
    public static final int BUFFER_STATUS_FILLING = 6;
    public static final int BUFFER_STATUS_ABORTED = 7;
    public static final int BUFFER_STATUS_PAYLOAD_NOT_SUPPORTED = 8;

    /** {@code ArvBufferPayloadType} values an image can arrive as. */
    public static final int BUFFER_PAYLOAD_TYPE_IMAGE = 0x0001;
    public static final int BUFFER_PAYLOAD_TYPE_EXTENDED_CHUNK_DATA = 0x0005;

    /** {@code ARV_PIXEL_FORMAT_MONO_8}: 8-bit gray (the colour formats are in {@code io.sightline.capture.GigePixelFormat}). */
    public static final int PIXEL_FORMAT_MONO_8 = 0x01080001;

    /** {@code ArvRangeCheckPolicy}: refuse feature values outside their min/max (Aravis 0.8.6 and newer). */
    public static final int RANGE_CHECK_POLICY_ENABLE = 1;

    /** {@code ArvAcquisitionMode}. */
    public static final int ACQUISITION_MODE_CONTINUOUS = 0;

    /** The name of a buffer status, for error messages. */
    public static String bufferStatusName(int status) {
        return switch (status) {
            case BUFFER_STATUS_SUCCESS -> "success";
            case BUFFER_STATUS_CLEARED -> "cleared";
            case BUFFER_STATUS_TIMEOUT -> "timeout (not all packets arrived in time)";
            case BUFFER_STATUS_MISSING_PACKETS -> "missing packets";
            case BUFFER_STATUS_WRONG_PACKET_ID -> "wrong packet id";
            case BUFFER_STATUS_SIZE_MISMATCH -> "size mismatch (the image did not fit the buffer)";
            case BUFFER_STATUS_FILLING -> "still filling";
            case BUFFER_STATUS_ABORTED -> "aborted";
            case BUFFER_STATUS_PAYLOAD_NOT_SUPPORTED -> "payload type not supported";
            default -> "unknown status " + status;
        };
    }

    // --- arvsystem.h: versions, discovery (broadcasts on every interface of the network namespace!) ---

    public static native int arv_get_major_version();

    public static native int arv_get_minor_version();

    public static native int arv_get_micro_version();

    public static native void arv_update_device_list();

    public static native int arv_get_n_devices();

    public static native String arv_get_device_id(int index);

    public static native String arv_get_device_address(int index);

    public static native String arv_get_device_vendor(int index);

    public static native String arv_get_device_model(int index);

    public static native String arv_get_device_protocol(int index);

    public static native void arv_shutdown();

    // --- arvcamera.h ---

    public static native long arv_camera_new(String name, long error);

    public static native long arv_camera_get_device(long camera);

    public static native long arv_camera_create_stream(long camera, long callback, long userData, long error);

    public static native String arv_camera_get_vendor_name(long camera, long error);

    public static native String arv_camera_get_model_name(long camera, long error);

    public static native String arv_camera_get_device_id(long camera, long error);

    public static native int arv_camera_is_gv_device(long camera);

    public static native void arv_camera_set_range_check_policy(long camera, int policy);

    public static native void arv_camera_get_region(long camera, long x, long y, long width, long height, long error);

    public static native int arv_camera_get_payload(long camera, long error);

    public static native void arv_camera_set_pixel_format_from_string(long camera, String format, long error);

    public static native String arv_camera_get_pixel_format_as_string(long camera, long error);

    public static native int arv_camera_get_pixel_format(long camera, long error);

    /** Returns a g_free'd array of {@code *nFormats} strings owned by the camera. */
    public static native long arv_camera_dup_available_pixel_formats_as_strings(long camera, long nFormats, long error);

    public static native void arv_camera_set_acquisition_mode(long camera, int mode, long error);

    public static native void arv_camera_start_acquisition(long camera, long error);

    public static native void arv_camera_stop_acquisition(long camera, long error);

    public static native void arv_camera_abort_acquisition(long camera, long error);

    public static native int arv_camera_is_frame_rate_available(long camera, long error);

    public static native void arv_camera_set_frame_rate(long camera, double frameRate, long error);

    public static native double arv_camera_get_frame_rate(long camera, long error);

    public static native void arv_camera_set_trigger(long camera, String source, long error);

    public static native void arv_camera_clear_triggers(long camera, long error);

    public static native void arv_camera_software_trigger(long camera, long error);

    /** Returns a g_free'd array of {@code *nSources} strings owned by the camera. */
    public static native long arv_camera_dup_available_trigger_sources(long camera, long nSources, long error);

    public static native void arv_camera_set_exposure_time(long camera, double exposureTimeUs, long error);

    public static native double arv_camera_get_exposure_time(long camera, long error);

    public static native void arv_camera_set_gain(long camera, double gain, long error);

    public static native double arv_camera_get_gain(long camera, long error);

    public static native long arv_camera_get_integer(long camera, String feature, long error);

    // --- arvgvdevice.h ---

    public static native int arv_gv_device_is_controller(long gvDevice);

    // --- arvstream.h ---

    public static native void arv_stream_push_buffer(long stream, long buffer);

    /** A filled buffer, or 0 after {@code timeoutUs} microseconds. */
    public static native long arv_stream_timeout_pop_buffer(long stream, long timeoutUs);

    public static native long arv_stream_try_pop_buffer(long stream);

    public static native void arv_stream_get_statistics(long stream, long nCompleted, long nFailures, long nUnderruns);

    public static native int arv_stream_stop_thread(long stream, int deleteBuffers);

    // --- arvbuffer.h ---

    public static native long arv_buffer_new_allocate(long size);

    public static native int arv_buffer_get_status(long buffer);

    public static native int arv_buffer_get_payload_type(long buffer);

    public static native long arv_buffer_get_frame_id(long buffer);

    /** The camera's timestamp of the frame, nanoseconds on the camera's own clock. */
    public static native long arv_buffer_get_timestamp(long buffer);

    /** The host's real-time clock when the frame started arriving, nanoseconds since the epoch. */
    public static native long arv_buffer_get_system_timestamp(long buffer);

    public static native long arv_buffer_get_image_data(long buffer, long size);

    public static native int arv_buffer_get_image_width(long buffer);

    public static native int arv_buffer_get_image_height(long buffer);

    public static native int arv_buffer_get_image_pixel_format(long buffer);

    public static native void arv_buffer_get_image_padding(long buffer, long xPadding, long yPadding);
}
