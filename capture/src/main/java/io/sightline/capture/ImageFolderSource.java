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
 */
public final class ImageFolderSource implements FrameSource {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    private final String name;
    private final Path dir;
    private final List<Path> files;
    private final boolean loop;
    private final CapturedFrame frame;
    private int next;
    private long sequence;
    private boolean closed;

    /**
     * @param loop start again after the last file (a demo), instead of ending
     * @throws CaptureException when the folder holds no readable image to take the size from
     */
    public ImageFolderSource(String name, Path dir, boolean loop) throws CaptureException {
        Natives.opencv();
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
            try (Mat m = opencv_imgcodecs.imread(p.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE)) {
                if (m != null && !m.empty()) {
                    size = new int[] {m.cols(), m.rows()};
                    break;
                }
            }
        }
        if (size == null) throw new CaptureException(name + ": " + dir + " holds no readable image (.png/.jpg/.bmp/.tif)");
        this.frame = new CapturedFrame(size[0], size[1]);
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
    public CapturedFrame grab() throws CaptureException {
        if (closed) throw new CaptureException(name + " is closed");
        if (next >= files.size()) {
            if (!loop) return null;
            next = 0;
        }
        Path p = files.get(next++);
        long n = sequence++;
        try (Mat m = opencv_imgcodecs.imread(p.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE)) {
            if (m == null || m.empty()) throw new CaptureException(name + ": " + p + " is not a readable image");
            if (m.cols() != frame.maxWidth() || m.rows() != frame.maxHeight()) {
                throw new CaptureException(name + ": " + p + " is " + m.cols() + "x" + m.rows() + ", the folder's images are "
                        + frame.maxWidth() + "x" + frame.maxHeight());
            }
            Mat c = m.isContinuous() ? m : m.clone();
            Pointer.memcpy(frame.pixels(), c.data(), (long) m.cols() * m.rows());
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
