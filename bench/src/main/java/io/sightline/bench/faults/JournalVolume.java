package io.sightline.bench.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of its own for the decision journal, mounted by the scenario in a temporary
 * folder and unmounted by {@link #close()}, so that it can fail under the journal's open files:
 * <ul>
 *   <li>{@link Kind#READ_ONLY}: ext4 in an image file on a loop device, mounted with
 *       {@code errors=remount-ro}. {@link #fail()} raises a file-system error through
 *       {@code /sys/fs/ext4/loopN/trigger_fs_error}, and the kernel turns it read-only as it does for
 *       a disk that reports an error: every write from then on, through files already open, is
 *       {@code EROFS}. (A plain {@code mount -o remount,ro}, of a tmpfs or a bind mount, is refused
 *       with "mount point is busy" while SQLite holds the files open for writing.)</li>
 *   <li>{@link Kind#FULL}: a tmpfs of {@value #TMPFS_KB} KB. {@link #fail()} fills what is left with
 *       a file of zeros, as another program filling the disk would; the journal's next write that
 *       needs a new block is {@code ENOSPC}.</li>
 * </ul>
 * Needs root (or CAP_SYS_ADMIN) and, for the loop device, {@code losetup}'s devices and
 * {@code mkfs.ext4}: {@link #missing(Kind)} tries it once and says what is missing.
 */
final class JournalVolume implements AutoCloseable {
    enum Kind { READ_ONLY, FULL }

    /** Room for the journal's WAL (up to its 1,000-page checkpoint, about 4 MB) and database. */
    static final int TMPFS_KB = 8 * 1024;
    static final int EXT4_MB = 16;

    private final Kind kind;
    private final Path mountPoint;
    private final Path image;
    private boolean mounted;
    private long fillerBytes;

    private JournalVolume(Kind kind, Path dir) {
        this.kind = kind;
        this.mountPoint = dir.resolve("mnt");
        this.image = dir.resolve("journal.ext4");
    }

    /** Mounts a new, empty volume under {@code dir} (which must exist and be empty). */
    static JournalVolume mount(Kind kind, Path dir) throws IOException, InterruptedException {
        JournalVolume v = new JournalVolume(kind, dir);
        Files.createDirectories(v.mountPoint);
        try {
            if (kind == Kind.READ_ONLY) {
                try (var f = java.nio.channels.FileChannel.open(v.image, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    f.truncate(0);
                    f.position((long) EXT4_MB * 1024 * 1024 - 1);
                    f.write(java.nio.ByteBuffer.wrap(new byte[1]));
                }
                exec("mkfs.ext4", "-q", "-F", v.image.toString());
                exec("mount", "-o", "loop,errors=remount-ro", v.image.toString(), v.mountPoint.toString());
            } else {
                exec("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_KB + "k,mode=0700", "tmpfs", v.mountPoint.toString());
            }
            v.mounted = true;
            return v;
        } catch (IOException | InterruptedException | RuntimeException e) {
            v.close();
            throw e;
        }
    }

    /** Null when a volume of that kind can be mounted here, else why not (for a skip). */
    static String missing(Kind kind) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sightline-journal-probe-");
            try (JournalVolume v = mount(kind, dir)) {
                if (kind == Kind.READ_ONLY && v.errorTrigger() == null) {
                    return "the kernel has no /sys/fs/ext4/<device>/trigger_fs_error to make the journal's file system read-only";
                }
            }
            return null;
        } catch (Exception e) {
            return "cannot mount a " + (kind == Kind.READ_ONLY ? "loop ext4 file system" : "tmpfs")
                    + " for the journal (needs root with mount permitted, not a restricted container"
                    + (kind == Kind.READ_ONLY ? ", and loop devices with mkfs.ext4" : "") + "): " + e.getMessage();
        } finally {
            if (dir != null) FaultContext.deleteTree(dir);
        }
    }

    /** The folder to put the journal in. */
    Path dir() {
        return mountPoint;
    }

    /** Makes the file system read-only, or fills it. */
    void fail() throws IOException, InterruptedException {
        if (kind == Kind.READ_ONLY) {
            Path trigger = errorTrigger();
            if (trigger == null) throw new IOException("no trigger_fs_error for " + mountPoint);
            Files.writeString(trigger, "sightline bench faults: journal-read-only\n");
        } else {
            byte[] zeros = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(mountPoint.resolve("filler"))) {
                while (true) {
                    out.write(zeros);
                    fillerBytes += zeros.length;
                }
            } catch (IOException full) {
                // ENOSPC: the disk is full, which is the point
            }
        }
    }

    /** The mount's options now ({@code ro,...} once an error made it read-only). */
    String options() {
        try {
            return exec("findmnt", "-n", "-o", "OPTIONS", mountPoint.toString()).trim();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Bytes the filler took ({@link Kind#FULL}). */
    long fillerBytes() {
        return fillerBytes;
    }

    private Path errorTrigger() throws IOException, InterruptedException {
        String source = exec("findmnt", "-n", "-o", "SOURCE", mountPoint.toString()).trim();
        Path p = Path.of("/sys/fs/ext4", Path.of(source).getFileName().toString(), "trigger_fs_error");
        return Files.exists(p) ? p : null;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            mounted = false;
            try {
                exec("umount", mountPoint.toString());
            } catch (IOException e) {
                exec("umount", "-l", mountPoint.toString()); // still busy: detach it, it goes once free
            }
        }
        Files.deleteIfExists(image);
    }

    /** Runs a command; its output, or an IOException with it when it fails. */
    static String exec(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + text.trim());
        return text;
    }
}
