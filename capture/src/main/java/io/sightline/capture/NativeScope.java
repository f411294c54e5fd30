package io.sightline.capture;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The native memory of one {@link SyntheticPartCamera}: every pointer its parts allocate and every
 * {@link MovableRoi} they open, freed together by {@link #close()} (windows first, then what they
 * look into, newest first). Not thread-safe; used while the camera is built and closed.
 */
final class NativeScope implements AutoCloseable {
    private final List<Pointer> owned = new ArrayList<>();
    private final List<MovableRoi> windows = new ArrayList<>();

    /** Registers {@code pointer} to be closed with the scope; returns it. */
    <P extends Pointer> P own(P pointer) {
        owned.add(pointer);
        return pointer;
    }

    /** A new window of {@code w x h} into {@code parent}, closed with the scope. */
    MovableRoi window(Mat parent, int w, int h) {
        MovableRoi window = new MovableRoi(parent, w, h);
        windows.add(window);
        return window;
    }

    /** Frees every window and pointer; idempotent. */
    @Override
    public void close() {
        for (MovableRoi window : windows) {
            window.view.close();
        }
        windows.clear();
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
