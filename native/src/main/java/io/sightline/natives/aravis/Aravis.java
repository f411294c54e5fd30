package io.sightline.natives.aravis;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads Aravis ({@value #LIBRARY}) once per JVM, on first use, and remembers what it found: nothing
 * else in Sightline loads it, so a machine without Aravis builds, tests and runs everything but
 * GigE Vision cameras, and a GigE Vision source says clearly what to install.
 *
 * <p>Loading binds {@link Arv}'s methods to the library's symbols (and GLib's {@code g_free},
 * {@code g_error_free}, {@code g_object_unref}). Every symbol is checked first, so an Aravis that
 * lacks one is reported by name instead of failing at the first frame.
 *
 * <p>The system property {@value #LIBRARY_PROPERTY} names another library file to load instead
 * (a build of Aravis outside the linker's path; tests use a missing one to check the message).
 */
public final class Aravis {
    /** The shared library, by its soname: the runtime package installs it, no headers needed. */
    public static final String LIBRARY = "libaravis-0.8.so.0";
    /** The Debian/Ubuntu package that installs {@link #LIBRARY}. */
    public static final String DEBIAN_PACKAGE = "libaravis-0.8-0";
    /** Overrides {@link #LIBRARY}: a path or another soname. */
    public static final String LIBRARY_PROPERTY = "sightline.aravis.library";

    static final String GLIB = "libglib-2.0.so.0";
    static final String GOBJECT = "libgobject-2.0.so.0";

    private static final Object LOCK = new Object();
    private static volatile Loaded loaded;

    private Aravis() {
    }

    /** What loading found: a version, or why there is none. */
    record Loaded(String version, String reason) {
        boolean ok() {
            return reason == null;
        }
    }

    /** True when Aravis is loaded and bound (loads it on first call). */
    public static boolean available() {
        return state().ok();
    }

    /**
     * Why Aravis cannot be used, naming the library and the package to install; null when it can.
     * For example: {@code libaravis-0.8.so.0 not found: install Debian package libaravis-0.8-0 ...}.
     */
    public static String unavailableReason() {
        return state().reason();
    }

    /** Aravis's version, e.g. {@code 0.8.26}; null when unavailable. */
    public static String version() {
        return state().version();
    }

    /** Loads Aravis if needed, or throws with {@link #unavailableReason()}. */
    public static void require() throws AravisException {
        Loaded l = state();
        if (!l.ok()) throw new AravisException(l.reason());
    }

    private static Loaded state() {
        Loaded l = loaded;
        if (l != null) return l;
        synchronized (LOCK) {
            if (loaded == null) loaded = load(System.getProperty(LIBRARY_PROPERTY, LIBRARY), true);
            return loaded;
        }
    }

    /**
     * Opens {@code libraryName} and checks it has every symbol {@link Arv} declares; binds them when
     * {@code bind} (once per JVM: only the real load binds). Never throws: failures become reasons.
     */
    static Loaded load(String libraryName, boolean bind) {
        NativeLibrary library;
        try {
            library = NativeLibrary.getInstance(libraryName);
        } catch (UnsatisfiedLinkError e) {
            return new Loaded(null, libraryName + " not found: install Debian package " + DEBIAN_PACKAGE
                    + " (Aravis 0.8, the GenICam library) to use GigE Vision cameras (" + dlopenReason(e.getMessage()) + ")");
        } catch (LinkageError e) {
            return new Loaded(null, "JNA's native part could not be loaded, so " + libraryName + " cannot be bound: " + e);
        }
        List<String> missing = new ArrayList<>();
        for (Method m : Arv.class.getDeclaredMethods()) {
            if (!Modifier.isNative(m.getModifiers())) continue;
            try {
                library.getFunction(m.getName());
            } catch (UnsatisfiedLinkError e) {
                missing.add(m.getName());
            }
        }
        if (!missing.isEmpty()) {
            return new Loaded(null, libraryName + " lacks " + missing + ": Sightline needs Aravis 0.8 (0.8.26 or newer is tested)");
        }
        if (!bind) return new Loaded("(not bound)", null);
        try {
            Native.register(Arv.class, library);
            Native.register(GLib.Core.class, NativeLibrary.getInstance(GLIB));
            Native.register(GLib.Objects.class, NativeLibrary.getInstance(GOBJECT));
        } catch (LinkageError | RuntimeException e) {
            return new Loaded(null, libraryName + " was found but could not be bound (" + GLIB + ", " + GOBJECT + "): " + e.getMessage());
        }
        return new Loaded(Arv.arv_get_major_version() + "." + Arv.arv_get_minor_version() + "." + Arv.arv_get_micro_version(), null);
    }

    /** The dynamic linker's own line from JNA's message (which repeats it and lists its search path). */
    private static String dlopenReason(String message) {
        if (message == null) return "no detail";
        for (String line : message.split("\n")) {
            if (line.contains("cannot open shared object") || line.contains("undefined symbol") || line.contains("wrong ELF")) return line.strip();
        }
        return message.lines().findFirst().orElse("no detail").strip();
    }

    /** A camera that answered discovery. */
    public record Device(String id, String address, String vendor, String model, String protocol) {
        @Override
        public String toString() {
            return id + " (" + address + ", " + protocol + ")";
        }
    }

    /**
     * Discovers the cameras reachable now. <b>GigE Vision discovery broadcasts on every network
     * interface of the calling process's network namespace</b>: on a station, that is the camera
     * network; never call it on a machine whose other networks must not see GVCP broadcasts.
     */
    public static List<Device> devices() throws AravisException {
        require();
        synchronized (LOCK) { // Aravis's device list is global
            Arv.arv_update_device_list();
            int n = Arv.arv_get_n_devices();
            List<Device> found = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                found.add(new Device(Arv.arv_get_device_id(i), Arv.arv_get_device_address(i), Arv.arv_get_device_vendor(i),
                        Arv.arv_get_device_model(i), Arv.arv_get_device_protocol(i)));
            }
            return found;
        }
    }

    /**
     * Frees Aravis's global state (interfaces, device lists). Only when no camera or stream is open
     * any more, at the end of a process; Aravis re-creates it if used again.
     */
    public static void shutdown() {
        if (available()) Arv.arv_shutdown();
    }
}
