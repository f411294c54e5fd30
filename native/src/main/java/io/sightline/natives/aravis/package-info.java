/**
 * GigE Vision / GenICam cameras through Aravis 0.8 (the open-source GenICam implementation),
 * bound with JNA's direct mapping: no headers, no compiler, no JavaCPP preset.
 *
 * <pre>
 *   Aravis            loads libaravis-0.8.so.0 once, on first use; available() / unavailableReason();
 *                     devices() (discovery: broadcasts on every interface of the network namespace)
 *   AravisCamera      one ArvCamera: open by id or address, features (exposure, gain, trigger,
 *                     pixel format, frame rate), acquisition start/stop; errors as AravisException
 *   AravisStream      its ArvStream and buffer pool: push / pop(timeout), statistics
 *   Arv               the C functions themselves (static natives, addresses as long)
 *   GErrorSlot        one reusable GError** out-parameter
 * </pre>
 *
 * <p>Rules: only primitives and addresses cross, so per-frame calls ({@code pop}, {@code push},
 * {@code arv_buffer_get_*}) allocate nothing; everything created is freed by {@code close()}
 * ({@code g_object_unref}, JNA {@code Memory.close}), never by a finalizer; the library is loaded
 * only when a GigE Vision source is used, so a machine without Aravis runs the rest of Sightline
 * and a GigE Vision source says what to install ({@code apt-get install libaravis-0.8-0}).
 *
 * <p>Aravis's signatures are those of 0.8 ({@code arv_camera_new(name, GError**)},
 * {@code arv_camera_create_stream(camera, callback, data, GError**)}); 0.8.26 (Debian 12) is the
 * version tested. Sightline's frame source on top of this is {@code io.sightline.capture.GigeVisionSource}.
 */
package io.sightline.natives.aravis;
