package io.sightline.natives.aravis;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One {@code GError*} out-parameter, allocated once and reused: pass {@link #address()} as the
 * {@code GError **error} argument, then {@link #check} (or {@link #take}) right after the call. The
 * slot is null again after each check, as GLib requires before the next call. The GError itself is
 * freed as soon as its message is read; the slot by {@link #close()}.
 *
 * <p>Not thread-safe: one per thread of calls (a camera's).
 */
public final class GErrorSlot implements AutoCloseable {
    private final Memory slot = new Memory(Long.BYTES);
    private final long address;
    private boolean closed;

    public GErrorSlot() {
        slot.setLong(0, 0);
        address = Pointer.nativeValue(slot);
    }

    /** The {@code GError **} to pass; the slot is null between calls. */
    public long address() {
        if (closed) throw new IllegalStateException("GError slot already freed");
        return address;
    }

    /** True when the last call set an error (not yet taken). */
    public boolean isSet() {
        return slot.getLong(0) != 0;
    }

    /** The message of the error the last call set, freeing it; null when the call succeeded. */
    public String take() {
        long error = slot.getLong(0);
        if (error == 0) return null;
        // struct GError { GQuark domain; gint code; gchar *message; }
        Pointer e = new Pointer(error);
        Pointer message = e.getPointer(8);
        String text = message == null ? "(no message, code " + e.getInt(4) + ")" : message.getString(0);
        GLib.Core.g_error_free(error);
        slot.setLong(0, 0);
        return text;
    }

    /** Throws {@code what: <Aravis's message>} when the last call set an error. */
    public void check(String what) throws AravisException {
        String message = take();
        if (message != null) throw new AravisException(what + ": " + message);
    }

    @Override
    public void close() {
        if (closed) return;
        if (isSet()) take();
        closed = true;
        slot.close();
    }
}
