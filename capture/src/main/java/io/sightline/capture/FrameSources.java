package io.sightline.capture;

import java.nio.file.Path;

/**
 * Opens a frame source from its URI, the one form the CLI and the config use:
 *
 * <pre>
 *   file:PATH                   a video file, read as fast as the station triggers, ending with the file
 *   folder:DIR                  images in name order (looped by the demo)
 *   rtsp:// rtp:// tcp:// udp:// http:// https://   a network stream, newest frame first, re-opened when lost
 *   gige:ID_OR_ADDRESS[?exposure=US&amp;gain=G&amp;trigger=off|software|LINE&amp;pixel=Mono8&amp;fps=F]
 *                               a GigE Vision camera through Aravis ({@link GigeVisionSource}), re-opened when lost
 * </pre>
 */
public final class FrameSources {
    private FrameSources() {
    }

    /** What {@link #open} accepts, for error messages and help texts. */
    public static final String FORMS = "file:PATH, folder:DIR, a stream URL (rtsp://, rtp://, tcp://, udp://, http://), or "
            + GigeVisionSource.URI_FORM;

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
        if (uri.startsWith("gige:")) {
            return openGige(name, GigeVisionSource.parseUri(uri)); // bad options fail here, before any camera is contacted
        }
        if (VideoSource.isStream(uri)) {
            return new ReconnectingSource(name, () -> new VideoSource(name, uri), ReconnectingSource.Backoff.DEFAULT, Double.NaN);
        }
        throw new IllegalArgumentException("source '" + uri + "': expected " + FORMS);
    }

    /**
     * The first open is the one ReconnectingSource makes at start; it also tells the free-running
     * frame rate, which ReconnectingSource needs to count the frames an outage costs.
     */
    private static FrameSource openGige(String name, GigeVisionSource.Target target) throws CaptureException {
        GigeVisionSource first = new GigeVisionSource(name, target.camera(), target.options());
        ReconnectingSource.Opener opener = new ReconnectingSource.Opener() {
            private GigeVisionSource pending = first;

            @Override
            public FrameSource open() throws CaptureException {
                GigeVisionSource s = pending;
                pending = null;
                return s != null ? s : new GigeVisionSource(name, target.camera(), target.options());
            }
        };
        return new ReconnectingSource(name, opener, ReconnectingSource.Backoff.DEFAULT, first.nominalFps());
    }
}
