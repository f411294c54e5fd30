package io.sightline.station;

import io.sightline.capture.FrameSource;
import io.sightline.inference.ModelInfo;
import io.sightline.preprocess.PreprocessSpec;
import io.sightline.preprocess.Undistorter;
import io.sightline.station.outcome.RejectImages;
import io.sightline.station.ring.LineSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks a {@link Station} makes before it allocates anything, and the per-line values it derives
 * from its config, cameras and model: each line's setup (frame size, ROI, undistortion), the default
 * ROI, the part window of lines with several views. Every problem is an
 * {@link IllegalArgumentException} that names the setting.
 */
final class StationLayout {
    /** The default ROI's side, as a fraction of the frame's shorter side. */
    static final double DEFAULT_ROI_FRACTION = 0.75;

    private StationLayout() {}

    /**
     * The lines given match the config, and each line's cameras deliver frames the preprocessing can
     * turn into the model's input: 8-bit gray (1 channel) or BGR colour (3), the same on all of a
     * line's views; where they differ from the model's channels the line's preprocessing converts
     * them (see {@link PreprocessSpec#converts()}). Other channel counts, on either side, are refused
     * naming the line, the camera and the model.
     */
    static void check(StationConfig config, ModelInfo model, Path modelDir, List<List<CameraView>> views, boolean named) {
        if (views.size() != config.lines()) {
            throw new IllegalArgumentException("lines: config has " + config.lines() + " lines but "
                    + views.size() + (named ? " lines of views" : " frame sources") + " were given");
        }
        if (model.inputChannels() != 1 && model.inputChannels() != 3) {
            throw new IllegalArgumentException("model: " + model.name() + " " + model.version() + " (" + modelDir + ") expects "
                    + channelWords(model.inputChannels()) + " input; a station feeds models of 8-bit gray (1 channel) or BGR colour"
                    + " (3 channels) input");
        }
        for (int line = 0; line < views.size(); line++) {
            CameraView first = views.get(line).isEmpty() ? null : views.get(line).get(0);
            for (CameraView v : views.get(line)) {
                int have = v.source().channels();
                String camera = "line " + line + ": camera " + v.source().name() + (named ? " (view '" + v.name() + "')" : "");
                if (have != 1 && have != 3) {
                    throw new IllegalArgumentException(camera + " delivers " + channelWords(have) + " frames, which cannot be"
                            + " converted to the model " + model.name() + " " + model.version() + "'s " + channelWords(model.inputChannels())
                            + " input; a line takes 8-bit gray (1 channel) or BGR colour (3 channels) frames");
                }
                if (have != first.source().channels()) {
                    throw new IllegalArgumentException(camera + " delivers " + channelWords(have) + " frames, the line's view '"
                            + first.name() + "' (camera " + first.source().name() + ") " + channelWords(first.source().channels())
                            + "; a line's views share its preprocessing: give them the same kind of camera");
                }
            }
        }
    }

    /**
     * What a line's preprocessing does to its camera's channels, for the start-up log; null when
     * the camera delivers what the model reads.
     */
    static String conversionNote(int line, PreprocessSpec spec) {
        if (!spec.converts()) return null;
        if (spec.inputChannels() == 3) {
            return "line " + line + ": gray camera, colour model: gray replicated to 3 channels; the model was trained on colour";
        }
        return "line " + line + ": colour camera, gray model: frames converted to gray (OpenCV BGR to gray, as train converts"
                + " colour images for a gray model)";
    }

    /** "8-bit gray (1 channel)" or "8-bit BGR colour (3 channels)". */
    static String channelWords(int channels) {
        return channels == 1 ? "8-bit gray (1 channel)" : channels == 3 ? "8-bit BGR colour (3 channels)" : channels + "-channel";
    }

    /** A line's views: at least one, at most {@value Station#MAX_VIEWS}, names unique, one frame size. */
    static String[] checkViews(int line, List<CameraView> views) {
        if (views.isEmpty() || views.size() > Station.MAX_VIEWS) {
            throw new IllegalArgumentException("views: line " + line + " needs 1 to " + Station.MAX_VIEWS + " cameras, got "
                    + views.size());
        }
        String[] names = new String[views.size()];
        CameraView first = views.get(0);
        for (int v = 0; v < views.size(); v++) {
            CameraView view = views.get(v);
            names[v] = view.name();
            for (int u = 0; u < v; u++) {
                if (names[u].equals(names[v])) {
                    throw new IllegalArgumentException("views: line " + line + " names view '" + names[v] + "' twice");
                }
            }
            FrameSource s = view.source();
            if (s.maxWidth() != first.source().maxWidth() || s.maxHeight() != first.source().maxHeight()) {
                throw new IllegalArgumentException("views: line " + line + "'s view '" + view.name() + "' (camera " + s.name() + ") delivers "
                        + s.maxWidth() + "x" + s.maxHeight() + " frames, its view '" + first.name() + "' "
                        + first.source().maxWidth() + "x" + first.source().maxHeight()
                        + "; a line's views share its frame size, ROI and model");
            }
        }
        return names;
    }

    /**
     * Parts a line with several views can hold in assembly: comfortably more than it has between
     * camera and ejector (rate x reject delay, and what the ring and the ejector's FIFO can hold),
     * a power of two, at most 65,536. Beyond it the oldest part is decided fail-safe (counted).
     */
    static int partWindow(StationConfig c) {
        long travelling = (long) Math.ceil(c.fpsPerLine() * c.rejectDelayMillis() / 1000.0);
        long want = Math.min(1L << 16, Math.max(4L * c.ringSize() + 64, 2 * travelling + 64));
        return Integer.highestOneBit((int) want - 1) << 1;
    }

    /**
     * Each line's setup: its first view's frame size and channels (the views share them), the ROI,
     * the undistortion, the conversion to the model's channels.
     */
    static List<LineSetup> lineSetups(StationConfig config, ModelInfo model, List<List<CameraView>> views, Undistorter undistorter) {
        List<LineSetup> lines = new ArrayList<>();
        for (List<CameraView> line : views) {
            FrameSource s = line.get(0).source(); // the line's views share its setup (checked above)
            int[] roi = config.roi() != null ? config.roi() : defaultRoi(s.maxWidth(), s.maxHeight());
            PreprocessSpec spec = new PreprocessSpec(roi[0], roi[1], roi[2], roi[3],
                    model.inputWidth(), model.inputHeight(), model.normMean(), model.normStd(), s.channels(), model.inputChannels());
            try {
                lines.add(new LineSetup(s.maxWidth(), s.maxHeight(), spec, undistorter));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((e.getMessage().startsWith("the camera calibration") ? "" : "roi: ") + e.getMessage()
                        + " (camera " + s.name() + ")", e);
            }
        }
        return lines;
    }

    /**
     * The default ROI when the config names none: the centred square of {@value #DEFAULT_ROI_FRACTION}
     * x the frame's shorter side (what the config file documents; the synthetic camera draws its
     * parts to fit the same square).
     */
    static int[] defaultRoi(int width, int height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        int side = (int) Math.round(DEFAULT_ROI_FRACTION * Math.min(width, height));
        side = Math.max(1, Math.min(side, Math.min(width, height)));
        return new int[] {(width - side) / 2, (height - side) / 2, side, side};
    }

    /** The reject image writer the settings ask for, over each line's frame size; null without settings. */
    static RejectImages rejectImages(StationAttachments.RejectImageSettings settings, int[] widths, int[] heights, int[] channels,
                                     java.time.Clock clock) {
        if (settings == null) return null;
        try {
            return new RejectImages(settings.dir(), widths, heights, channels, 8, settings.maxBytes(), settings.maxAge(), clock);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("reject images folder " + settings.dir() + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** The inspection API over the lines ({@link Station#inspector}): each line's frame size, preprocessing and undistortion. */
    static io.sightline.station.inspect.Inspector inspector(List<LineSetup> lines, List<String> lineNames, ModelInfo model,
                                                          java.nio.file.Path modelDir, boolean modelHasMap,
                                                          java.util.function.IntToDoubleFunction thresholds,
                                                          io.sightline.station.inspect.InspectQueue queue, long maxBodyBytes) {
        if (lineNames.size() != lines.size()) {
            throw new IllegalArgumentException("inspector: " + lineNames.size() + " line names for " + lines.size() + " lines");
        }
        List<io.sightline.station.inspect.Inspector.Line> l = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LineSetup s = lines.get(i);
            l.add(new io.sightline.station.inspect.Inspector.Line(lineNames.get(i), s.frameWidth(), s.frameHeight(), s.spec(), s.undistorter()));
        }
        int mapWidth = modelHasMap ? io.sightline.inference.InspectionCnn.mapSide(model.inputWidth()) : 0;
        int mapHeight = modelHasMap ? io.sightline.inference.InspectionCnn.mapSide(model.inputHeight()) : 0;
        return new io.sightline.station.inspect.Inspector(model, modelDir, l, thresholds, queue, mapWidth, mapHeight, maxBodyBytes,
                io.sightline.station.inspect.Inspector.DEFAULT_WAIT_MILLIS);
    }
}
