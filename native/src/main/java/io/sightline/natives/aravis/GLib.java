package io.sightline.natives.aravis;

/** The GLib and GObject calls that free what Aravis hands back; bound by {@link Aravis}. */
final class GLib {
    private GLib() {
    }

    /** libglib-2.0 */
    static final class Core {
        private Core() {
        }

        static native void g_error_free(long error);

        static native void g_free(long memory);
    }

    /** libgobject-2.0 */
    static final class Objects {
        private Objects() {
        }

        static native void g_object_unref(long object);
    }
}
