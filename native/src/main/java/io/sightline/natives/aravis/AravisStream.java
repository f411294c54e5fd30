package io.sightline.natives.aravis;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A camera's frame stream ({@code ArvStream}) and its pool of buffers.
 *
 * <pre>
 *   push(buffer) --&gt; [input queue] --&gt; Aravis's receive thread fills it from the network
 *                                         |
 *   pop(timeout) &lt;-- [output queue] &lt;-----+   (complete, or failed with a status)
 * </pre>
 *
 * A popped buffer belongs to the caller until it pushes it back; its pixels are read in place
 * ({@link Arv#arv_buffer_get_image_data}), so a frame is copied once, by whoever keeps it. Every
 * call here is a direct JNA call with addresses only: no Java allocation per frame.
 *
 * <p>{@link #close()} stops the receive thread (it is joined) and frees the stream and every buffer
 * it holds; buffers the caller still holds must be {@linkplain #push pushed} back first.
 */
public final class AravisStream implements AutoCloseable {
    private final String cameraName;
    private final int buffers;
    private final long bufferBytes;
    private final Memory statistics = new Memory(3 * Long.BYTES);
    private final long statisticsAddress = Pointer.nativeValue(statistics);
    private long stream;

    private AravisStream(String cameraName, long stream, int buffers, long bufferBytes) {
        this.cameraName = cameraName;
        this.stream = stream;
        this.buffers = buffers;
        this.bufferBytes = bufferBytes;
    }

    static AravisStream create(AravisCamera camera, GErrorSlot error, int buffers, long bufferBytes) throws AravisException {
        if (buffers < 2) throw new IllegalArgumentException("a stream needs at least 2 buffers, got " + buffers);
        if (bufferBytes <= 0) throw new IllegalArgumentException("stream buffers need a positive size, got " + bufferBytes);
        long s = Arv.arv_camera_create_stream(camera.handle(), 0, 0, error.address());
        String message = error.take();
        if (s == 0 || message != null) {
            if (s != 0) GLib.Objects.g_object_unref(s);
            throw new AravisException("camera '" + camera.name() + "': its stream cannot be created: "
                    + (message != null ? message : "Aravis returned no stream"));
        }
        AravisStream created = new AravisStream(camera.name(), s, buffers, bufferBytes);
        for (int i = 0; i < buffers; i++) {
            long b = Arv.arv_buffer_new_allocate(bufferBytes);
            if (b == 0) {
                created.close();
                throw new AravisException("camera '" + camera.name() + "': cannot allocate stream buffer " + (i + 1) + " of "
                        + buffers + " (" + bufferBytes + " bytes)");
            }
            Arv.arv_stream_push_buffer(s, b); // the stream owns it from here
        }
        return created;
    }

    public int buffers() {
        return buffers;
    }

    public long bufferBytes() {
        return bufferBytes;
    }

    /** The raw {@code ArvStream*}. */
    public long handle() {
        if (stream == 0) throw new IllegalStateException("the stream of camera '" + cameraName + "' is closed");
        return stream;
    }

    /** Gives a buffer back to be filled again. */
    public void push(long buffer) {
        Arv.arv_stream_push_buffer(handle(), buffer);
    }

    /** The next filled (or failed) buffer, or 0 when none arrived within {@code timeoutUs}. */
    public long pop(long timeoutUs) {
        return Arv.arv_stream_timeout_pop_buffer(handle(), timeoutUs);
    }

    /** Reads the stream's counters; then {@link #completed()}, {@link #failures()}, {@link #underruns()}. */
    public void refreshStatistics() {
        Arv.arv_stream_get_statistics(handle(), statisticsAddress, statisticsAddress + 8, statisticsAddress + 16);
    }

    /** Buffers filled completely, as of the last {@link #refreshStatistics()}. */
    public long completed() {
        return statistics.getLong(0);
    }

    /** Buffers that failed (missing packets, timeout...), as of the last refresh. */
    public long failures() {
        return statistics.getLong(8);
    }

    /** Frames that arrived while no buffer was free (the consumer was too slow), as of the last refresh. */
    public long underruns() {
        return statistics.getLong(16);
    }

    /** Stops the receive thread and frees the stream with its buffers; idempotent. */
    @Override
    public void close() {
        if (stream == 0) return;
        long s = stream;
        stream = 0;
        GLib.Objects.g_object_unref(s); // joins the receive thread, unrefs the queued buffers
        statistics.close();
    }
}
