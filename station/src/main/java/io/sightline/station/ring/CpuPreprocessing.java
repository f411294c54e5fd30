package io.sightline.station.ring;

import io.sightline.natives.NativeBuffer;
import io.sightline.preprocess.Preprocessor;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One thread's OpenCV preprocessing of ring slots: per line its {@link Preprocessor} and, for a
 * line with a camera calibration, its own undistorted frame and the views over it. A slot's frame
 * goes from its pixels (or, undistorted, from this thread's buffer) into the slot's own tensor.
 * An inspection worker owns one for every line; a camera thread that preprocesses (the config's
 * {@code preprocess-on: cameras}) owns one for its own line. Allocates nothing per frame; not
 * thread-safe.
 */
final class CpuPreprocessing implements AutoCloseable {
    private final List<LineSetup> lines;
    private final Preprocessor[] perLine;
    private final NativeBuffer[] undistorted;
    private final Mat[] undistortedMats;
    private final Preprocessor.View[] undistortedViews;

    /** @param only the one line to set up (its frames are the only ones given), or -1 for every line */
    CpuPreprocessing(List<LineSetup> lines, int only) {
        this.lines = lines;
        this.perLine = new Preprocessor[lines.size()];
        this.undistorted = new NativeBuffer[lines.size()];
        this.undistortedMats = new Mat[lines.size()];
        this.undistortedViews = new Preprocessor.View[lines.size()];
        try {
            for (int i = 0; i < lines.size(); i++) {
                if (only >= 0 && i != only) continue;
                LineSetup l = lines.get(i);
                perLine[i] = new Preprocessor(l.spec());
                if (l.undistorter() == null) continue;
                undistorted[i] = NativeBuffer.allocate(l.frameBytes());
                undistortedMats[i] = l.undistorter().destination(undistorted[i].bytes(), l.spec().channels());
                undistortedViews[i] = new Preprocessor.View(l.spec(), undistorted[i].bytes(), l.frameWidth(), l.frameHeight(), l.stride());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The slot's frame into its tensor: undistorted first where the line has a calibration, then ROI, resize, normalise. */
    void process(FrameEvent e) {
        LineSetup line = lines.get(e.line);
        if (line.undistorter() != null) {
            // the lens's distortion out first, into this thread's own buffer, then the ROI from there
            line.undistorter().undistort(e.roiView(), undistortedMats[e.line]);
            perLine[e.line].process(undistortedViews[e.line], e.tensorView);
        } else {
            perLine[e.line].process(e.roiView(), e.tensorView);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < perLine.length; i++) {
            if (perLine[i] != null) perLine[i].close();
            perLine[i] = null;
            if (undistorted[i] == null) continue;
            undistortedViews[i].close();
            undistortedMats[i].close();
            undistorted[i].close();
            undistorted[i] = null;
        }
    }
}
