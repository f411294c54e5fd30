package io.sightline.natives;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.tensorflow.TensorFlow;

/**
 * Loads the native libraries once per JVM and remembers what it found.
 *
 * <p>Every module calls {@link #opencv()} or {@link #tensorflow()} before touching native code, so
 * the first caller pays the load (and, on a new machine, the one-time extraction into
 * {@code ~/.javacpp/cache}) and every later caller, including every test class sharing a JVM, gets
 * the cached result. A failure is remembered too and rethrown with its cause, so a broken install
 * reports the same clear error everywhere instead of a {@code NoClassDefFoundError} on second use.
 */
public final class Natives {
    private static final Object LOCK = new Object();
    private static volatile String opencvVersion;
    private static volatile String tensorflowVersion;
    private static RuntimeException opencvFailure;
    private static RuntimeException tensorflowFailure;

    private Natives() {}

    /** Loads OpenCV (core + imgproc) once; returns its version. */
    public static String opencv() {
        String v = opencvVersion;
        if (v != null) return v;
        synchronized (LOCK) {
            if (opencvVersion != null) return opencvVersion;
            if (opencvFailure != null) throw opencvFailure;
            try {
                Loader.load(opencv_core.class);
                Loader.load(opencv_imgproc.class);
                // One thread per stage handler: OpenCV's own pool would fight the ring's threads for 2 cores.
                opencv_core.setNumThreads(1);
                opencvVersion = opencv_core.CV_VERSION();
                return opencvVersion;
            } catch (Throwable t) {
                opencvFailure = new NativeLoadException("OpenCV native libraries (org.bytedeco:opencv for "
                        + Loader.getPlatform() + ") could not be loaded: " + t, t);
                throw opencvFailure;
            }
        }
    }

    /** Loads the TensorFlow runtime once; returns its version. */
    public static String tensorflow() {
        String v = tensorflowVersion;
        if (v != null) return v;
        synchronized (LOCK) {
            if (tensorflowVersion != null) return tensorflowVersion;
            if (tensorflowFailure != null) throw tensorflowFailure;
            try {
                tensorflowVersion = TensorFlow.version();
                return tensorflowVersion;
            } catch (Throwable t) {
                tensorflowFailure = new NativeLoadException("TensorFlow native runtime (org.tensorflow:tensorflow-core-native for "
                        + Loader.getPlatform() + ") could not be loaded: " + t, t);
                throw tensorflowFailure;
            }
        }
    }

    /** Both runtimes, for entry points that need everything. */
    public static void loadAll() {
        opencv();
        tensorflow();
    }

    /** Thrown when a native runtime cannot be loaded; the message names the artifact and platform. */
    public static final class NativeLoadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NativeLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
