package io.sightline.capture;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * A fixed-size window into a parent Mat, moved in place with {@code adjustROI}: no header is made
 * per move, so hot paths can crop without allocating. Made and freed by a {@link NativeScope}.
 */
final class MovableRoi {
    final Mat view;
    private final int maxX;
    private final int maxY;
    private int x;
    private int y;

    MovableRoi(Mat parent, int w, int h) {
        if (w > parent.cols() || h > parent.rows()) {
            throw new IllegalArgumentException("window " + w + "x" + h + " does not fit in "
                    + parent.cols() + "x" + parent.rows());
        }
        try (Rect r = new Rect(0, 0, w, h)) {
            view = new Mat(parent, r);
        }
        maxX = parent.cols() - w;
        maxY = parent.rows() - h;
    }

    /** Moves the window to (nx, ny), clamped inside the parent; returns the view. */
    Mat at(int nx, int ny) {
        nx = Math.max(0, Math.min(maxX, nx));
        ny = Math.max(0, Math.min(maxY, ny));
        int dx = nx - x;
        int dy = ny - y;
        if (dx != 0 || dy != 0) {
            view.adjustROI(-dy, dy, -dx, dx);
            x = nx;
            y = ny;
        }
        return view;
    }
}
