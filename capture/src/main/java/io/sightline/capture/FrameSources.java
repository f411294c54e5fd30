package io.sightline.capture;

import java.nio.file.Path;

/**
 * Opens a frame source from its URI, the one form the CLI and the config use:
 *
 * <pre>
 *   file:PATH                   a video file, read as fast as the station triggers, ending with the file
 *   folder:DIR                  images in name order (looped by the demo)
 *   rtsp:// rtp:// tcp:// udp:// http:// https://   a network stream, newest frame first, re-opened when lost
 * </pre>
 */
public final class FrameSources {
    private FrameSources() {
    }

    /** What {@link #open} accepts, for error messages and help texts. */
    public static final String FORMS = "file:PATH, folder:DIR, or a stream URL (rtsp://, rtp://, tcp://, udp://, http://)";

    /**
     * @param name the source's name in logs and reports
     * @param loopFolders whether a folder starts again after its last image
     */
    public static FrameSource open(String name, String uri, boolean loopFolders) throws CaptureException {
        if (uri.startsWith("folder:")) {
            return new ImageFolderSource(name, Path.of(uri.substring("folder:".length())), loopFolders);
        }
        if (uri.startsWith("file:")) {
            return new VideoSource(name, uri);
        }
        if (VideoSource.isStream(uri)) {
            return new ReconnectingSource(name, () -> new VideoSource(name, uri), ReconnectingSource.Backoff.DEFAULT, Double.NaN);
        }
        throw new IllegalArgumentException("source '" + uri + "': expected " + FORMS);
    }
}
