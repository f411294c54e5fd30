package io.sightline.capture;

import java.nio.file.Path;

/**
 * Opens a frame source from its URI, the one form the CLI and the config use:
 *
 * <pre>
 *   file:PATH[?colour=true]     a video file, read as fast as the station triggers, ending with the file
 *   folder:DIR[?colour=true]    images in name order (looped by the demo)
 *                               colour=true: 8-bit BGR frames, a colour line (default false: 8-bit gray)
 *   watch:DIR                   new images as they appear in DIR, each once ({@link WatchedFolderSource}:
 *                               ?settle=MS&amp;existing=1&amp;size=WxH&amp;poll=MS), re-opened when the folder is lost,
 *                               going on with the files not taken yet
 *   rtsp:// rtp:// tcp:// udp:// http:// https://   a network stream, newest frame first, re-opened when lost
 *   usb:N, usb:/dev/PATH        a USB/V4L2 camera ({@link UsbCameraSource}: ?width=&amp;height=&amp;fps=&amp;exposure=&amp;fourcc=),
 *                               re-opened when lost, the outage's frames counted at the rate the driver gave
 *   usb:seq:PATTERN             an image sequence through the camera's code path, an offline/test stand-in, not re-opened
 *   gige:ID_OR_ADDRESS[?exposure=US&amp;gain=G&amp;trigger=off|software|LINE&amp;pixel=Mono8&amp;fps=F]
 *                               a GigE Vision camera through Aravis ({@link GigeVisionSource}), re-opened when lost
 * </pre>
 */
public final class FrameSources {
    private FrameSources() {
    }

    /** What {@link #open} accepts, for error messages and help texts. */
    public static final String FORMS = "file:PATH, folder:DIR (both take ?colour=true for BGR frames), watch:DIR (new images as they"
            + " appear, options ?settle=MS&existing=1&size=WxH), usb:N or usb:/dev/PATH (a V4L2 camera, options"
            + " ?width=&height=&fps=&exposure=&fourcc=), a stream URL (rtsp://, rtp://, tcp://, udp://, http://), or "
            + GigeVisionSource.URI_FORM;

    /**
     * @param name the source's name in logs and reports
     * @param loop whether a folder or a video file starts again after its last image (a replay; the
     *             frame numbers keep counting)
     */
    public static FrameSource open(String name, String uri, boolean loop) throws CaptureException {
        if (uri.startsWith("folder:")) {
            SourceUri u = colourUri(uri, "folder:");
            return new ImageFolderSource(name, Path.of(u.target()), loop, channels(u));
        }
        if (uri.startsWith("watch:")) {
            WatchedFolderSource.Target t = WatchedFolderSource.parse(uri);
            WatchedFolderSource.State state = new WatchedFolderSource.State();
            return new ReconnectingSource(name, () -> new WatchedFolderSource(name, t.dir(), t.options(), state),
                    ReconnectingSource.Backoff.DEFAULT, Double.NaN);
        }
        if (uri.startsWith("file:")) {
            SourceUri u = colourUri(uri, "file:");
            return new VideoSource(name, "file:" + u.target(), loop, channels(u));
        }
        if (uri.startsWith("usb:seq:")) {
            return UsbCameraSource.open(name, uri);
        }
        if (uri.startsWith("usb:")) {
            UsbCameraSource first = UsbCameraSource.open(name, uri);
            double fps = first.settings().fps();
            return reconnecting(name, first, () -> UsbCameraSource.open(name, uri), fps > 0 ? fps : Double.NaN);
        }
        if (uri.startsWith("gige:")) {
            GigeVisionSource.Target t = GigeVisionSource.parseUri(uri); // bad options fail here, before any camera is contacted
            GigeVisionSource first = new GigeVisionSource(name, t.camera(), t.options());
            return reconnecting(name, first, () -> new GigeVisionSource(name, t.camera(), t.options()), first.nominalFps());
        }
        if (VideoSource.isStream(uri)) {
            return new ReconnectingSource(name, () -> new VideoSource(name, uri), ReconnectingSource.Backoff.DEFAULT, Double.NaN);
        }
        throw new IllegalArgumentException("source '" + uri + "': expected " + FORMS);
    }

    /**
     * Checks {@code uri} as {@link #open} would read it, without opening anything: no file, folder,
     * device, camera or stream is touched and no native library is loaded, so a config can be checked
     * on a machine without its cameras. Checks the form and every option ({@code watch:}, {@code usb:},
     * {@code gige:} options with their values), not whether the source is there.
     *
     * @throws IllegalArgumentException naming the URI and what is wrong with it
     */
    public static void check(String uri) {
        if (uri == null || uri.isBlank()) throw new IllegalArgumentException("no source URI: expected " + FORMS);
        if (uri.startsWith("folder:") || uri.startsWith("file:")) {
            String scheme = uri.substring(0, uri.indexOf(':') + 1);
            SourceUri u = colourUri(uri, scheme);
            channels(u);
            String path = u.target();
            if (path.isBlank()) {
                throw new IllegalArgumentException("'" + uri + "': " + scheme + " needs a " + (scheme.equals("file:") ? "video file" : "folder")
                        + ", e.g. " + scheme + (scheme.equals("file:") ? "parts.avi" : "/data/images"));
            }
            try {
                Path.of(path);
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("'" + uri + "': not a valid path (" + e.getMessage() + ")", e);
            }
            return;
        }
        if (uri.startsWith("watch:")) {
            WatchedFolderSource.parse(uri);
            return;
        }
        if (uri.startsWith("usb:")) {
            UsbCameraSource.parse(uri);
            return;
        }
        if (uri.startsWith("gige:")) {
            GigeVisionSource.parseUri(uri);
            return;
        }
        if (VideoSource.isStream(uri)) {
            String rest = uri.substring(uri.indexOf("://") + 3);
            int end = rest.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int i = rest.indexOf(c);
                if (i >= 0) end = Math.min(end, i);
            }
            if (end == 0) { // udp://:1234 and udp://@:1234 (listen on every interface) have an authority, if no host
                throw new IllegalArgumentException("'" + uri + "': a stream URL needs a host, e.g. " + uri.substring(0, uri.indexOf("://") + 3)
                        + "192.168.1.20:554/stream");
            }
            return;
        }
        throw new IllegalArgumentException("source '" + uri + "': expected " + FORMS);
    }

    /**
     * The channels the source {@code uri} delivers, read from the URI alone: 3 (BGR) for
     * {@code folder:} and {@code file:} with {@code ?colour=true} and {@code gige:} with a colour
     * {@code pixel=} format, 1 (gray) for everything else. {@code uri} must pass {@link #check}.
     */
    public static int channels(String uri) {
        if (uri.startsWith("folder:") || uri.startsWith("file:")) return channels(colourUri(uri, uri.substring(0, uri.indexOf(':') + 1)));
        if (uri.startsWith("gige:")) return GigePixelFormat.of(GigeVisionSource.parseUri(uri).options().pixelFormat()).channels();
        return 1;
    }

    /** Options of {@code file:} and {@code folder:}. */
    private static final String COLOUR_HELP = "colour=true|false (true: 8-bit BGR frames, a colour line)";

    private static SourceUri colourUri(String uri, String scheme) {
        return SourceUri.parse(uri, scheme, java.util.List.of("colour"), COLOUR_HELP);
    }

    /** 3 for {@code colour=true}, 1 for false or no option. */
    private static int channels(SourceUri u) {
        String v = u.options().get("colour");
        if (v == null || v.equalsIgnoreCase("false")) return 1;
        if (v.equalsIgnoreCase("true")) return 3;
        throw u.bad("colour", v, "true or false");
    }

    /**
     * A camera wrapped for reconnects. The first open happens in the caller, so the nominal rate that
     * counts an outage's lost frames is the one the camera actually gave, not only the one asked for;
     * the reconnecting source takes that already open camera as its first, and re-opens with {@code reopen}.
     */
    private static FrameSource reconnecting(String name, FrameSource first, ReconnectingSource.Opener reopen, double fps)
            throws CaptureException {
        ReconnectingSource.Opener opener = new ReconnectingSource.Opener() {
            private FrameSource pending = first;

            @Override
            public FrameSource open() throws CaptureException {
                FrameSource s = pending;
                pending = null;
                return s != null ? s : reopen.open();
            }
        };
        return new ReconnectingSource(name, opener, ReconnectingSource.Backoff.DEFAULT, fps);
    }
}
