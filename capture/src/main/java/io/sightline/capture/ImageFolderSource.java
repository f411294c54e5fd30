package io.sightline.capture;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A folder of images read in name order, as a camera: offline re-inspection, or a camera that
 * drops its frames as files. Every image must have the first one's size. A file that cannot be
 * read, or has another size, is a {@link CaptureException} naming it: the station counts it as an
 * unreadable fail-safe reject and goes on with the next file. Part ids are the files' positions.
 *
 * <p>Gray by default (colour files are converted as OpenCV's {@code IMREAD_GRAYSCALE} does); a
 * colour folder ({@code folder:DIR?colour=true}) delivers 8-bit BGR frames, gray files expanded to
 * three equal channels.
 */
public final class ImageFolderSource implements FrameSource {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    private final String name;
    private final Path dir;
    private final List<Path> files;
    private final boolean loop;
    private final CapturedFrame frame;
    private final int readMode;
    private int next;
    private long sequence;
    private boolean closed;

    /**
     * @param loop start again after the last file (a demo), instead of ending
     * @throws CaptureException when the folder holds no readable image to take the size from
     */
    public ImageFolderSource(String name, Path dir, boolean loop) throws CaptureException {
        this(name, dir, loop, 1);
    }

    /**
     * @param channels 1 (8-bit gray) or 3 (8-bit BGR)
     */
    public ImageFolderSource(String name, Path dir, boolean loop, int channels) throws CaptureException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(name + ": folder channels must be 1 (gray) or 3 (BGR), got " + channels);
        }
        Natives.opencv();
        this.readMode = channels == 1 ? opencv_imgcodecs.IMREAD_GRAYSCALE : opencv_imgcodecs.IMREAD_COLOR;
        this.name = name;
        this.dir = dir;
        this.loop = loop;
        try (Stream<Path> s = Files.list(dir)) {
            this.files = s.filter(p -> {
                String f = p.getFileName().toString();
                int dot = f.lastIndexOf('.');
                return dot > 0 && EXTENSIONS.contains(f.substring(dot + 1).toLowerCase(Locale.ROOT));
            }).sorted().toList();
        } catch (IOException e) {
            throw new CaptureException(name + ": cannot list " + dir + " (" + e.getMessage() + ")", e);
        }
        int[] size = null;
        for (Path p : files) {
            try (Mat m = opencv_imgcodecs.imread(p.toString(), readMode)) {
                if (m != null && !m.empty()) {
                    size = new int[] {m.cols(), m.rows()};
                    break;
                }
            }
        }
        if (size == null) throw new CaptureException(name + ": " + dir + " holds no readable image (.png/.jpg/.bmp/.tif)");
        this.frame = new CapturedFrame(size[0], size[1], channels);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxWidth() {
        return frame.maxWidth();
    }

    @Override
    public int maxHeight() {
        return frame.maxHeight();
    }

    @Override
    public int channels() {
        return frame.channels();
    }

    @Override
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        if (next >= files.size()) {
            if (!loop) return null;
            next = 0;
        }
        Path p = files.get(next++);
        long n = sequence++;
        try (Mat m = opencv_imgcodecs.imread(p.toString(), readMode)) {
            if (m == null || m.empty()) throw new CaptureException(name + ": " + p + " is not a readable image");
            if (m.cols() != frame.maxWidth() || m.rows() != frame.maxHeight()) {
                throw new CaptureException(name + ": " + p + " is " + m.cols() + "x" + m.rows() + ", the folder's images are "
                        + frame.maxWidth() + "x" + frame.maxHeight());
            }
            Mat c = m.isContinuous() ? m : m.clone();
            Pointer.memcpy(frame.pixels(), c.data(), (long) m.cols() * m.rows() * frame.channels());
            if (c != m) c.close();
        }
        frame.set(frame.maxWidth(), frame.maxHeight(), n, System.nanoTime(), DefectKind.UNKNOWN);
        return frame;
    }

    @Override
    public void close() {
        closed = true;
        frame.close();
    }

    @Override
    public String toString() {
        return name + " (" + files.size() + " images in " + dir + ")";
    }
}
