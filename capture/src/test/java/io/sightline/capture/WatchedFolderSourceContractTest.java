package io.sightline.capture;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watched folder with real files, dropped by other threads while the source waits. For the
 * contract, a writer drops the pattern's files one by one and, once the source has taken them all,
 * wakes it up: a live source's end.
 */
class WatchedFolderSourceContractTest extends FrameSourceContract {
    @TempDir
    Path dir;

    private Thread writer;
    private volatile boolean stopWriter;

    static WatchedFolderSource.Options options(long settleMillis) {
        return new WatchedFolderSource.Options(settleMillis, false, W, H, 5);
    }

    static void png(Path file, int patternIndex) {
        ImageFolderSourceContractTest.writePng(file, frame(patternIndex), W, H);
    }

    /** The pattern index of a frame, found by its first pixels. */
    static int which(CapturedFrame f) {
        byte[] got = new byte[W];
        f.pixels().position(0).get(got, 0, W);
        for (int i = 0; i < 256; i++) {
            if (Arrays.equals(got, Arrays.copyOf(frame(i), W))) return i;
        }
        return -1;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) fail("waited 10 s for " + what);
            Thread.sleep(5);
        }
    }

    @Override
    FrameSource newSource() throws Exception {
        Natives.opencv();
        // the default settle and poll times, with the size given: the folder is empty at the start
        var defaults = WatchedFolderSource.Options.DEFAULTS;
        WatchedFolderSource s = new WatchedFolderSource("watch", dir,
                new WatchedFolderSource.Options(defaults.settleMillis(), false, W, H, defaults.pollMillis()), new WatchedFolderSource.State());
        writer = new Thread(() -> {
            try {
                for (int i = 0; i < FRAMES && !stopWriter; i++) {
                    png(dir.resolve(String.format("frame-%03d.png", i)), i);
                    Thread.sleep(3);
                }
                while (!stopWriter && s.files() < FRAMES) Thread.sleep(2);
                if (!stopWriter) s.wakeUp();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        return s;
    }

    @AfterEach
    void stopTheWriter() throws InterruptedException {
        stopWriter = true;
        if (writer != null) writer.join(5_000);
    }

    @Test
    void aBurstListedAtOnceComesInTheOrderItWasWrittenNotByName() throws Exception {
        Natives.opencv();
        try (WatchedFolderSource s = new WatchedFolderSource("watch", dir, options(20), new WatchedFolderSource.State())) {
            // Nobody grabs while these arrive (a busy station): the first poll sees all three at once.
            png(dir.resolve("zz.png"), 1);
            png(dir.resolve("aa.png"), 2);
            png(dir.resolve("mm.png"), 3);
            long t = System.currentTimeMillis();
            Files.setLastModifiedTime(dir.resolve("zz.png"), FileTime.fromMillis(t - 3000));
            Files.setLastModifiedTime(dir.resolve("aa.png"), FileTime.fromMillis(t - 2000));
            Files.setLastModifiedTime(dir.resolve("mm.png"), FileTime.fromMillis(t - 1000));
            assertEquals(1, which(s.grab()), "zz was written first");
            assertEquals(2, which(s.grab()));
            assertEquals(3, which(s.grab()));
            // and files dropped while the source waits come one by one as they appear
            CompletableFuture<Void> drops = CompletableFuture.runAsync(() -> {
                for (int i = 4; i < 8; i++) {
                    png(dir.resolve("b" + (8 - i) + ".png"), i); // names in reverse order
                    try {
                        Thread.sleep(60);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            for (int i = 4; i < 8; i++) {
                CapturedFrame f = s.grab();
                assertEquals(i, which(f), "dropped " + i + "th");
                assertEquals(i - 1, f.sequence(), "part ids count the files taken");
            }
            drops.get(10, TimeUnit.SECONDS);
            assertEquals(7, s.files());
            assertEquals(0, s.unreadable());
        }
    }

    @Test
    void aHalfWrittenFileIsNotReadEarlyEvenWhenItsWriterPausesLongerThanTheSettleTime() throws Exception {
        Natives.opencv();
        // settle 300 ms. A 100 ms pause is held back by the settle rule alone: a JPEG cut in half
        // still decodes (gray below the cut), so only that rule keeps it from being read early. A
        // 400 ms pause outlasts it: the half PNG looks complete, fails to decode, and gets a second look.
        Object[][] cases = {{"png", 100L}, {"jpg", 100L}, {"png", 400L}};
        for (Object[] c : cases) {
            String ext = (String) c[0];
            long pauseMillis = (Long) c[1];
            Path d = Files.createDirectory(dir.resolve(ext + pauseMillis));
            Path whole = Files.createTempDirectory("whole").resolve("whole." + ext);
            ImageFolderSourceContractTest.writePng(whole, frame(5), W, H); // imwrite picks the format by extension
            byte[] bytes = Files.readAllBytes(whole);
            byte[] expected;
            try (var m = org.bytedeco.opencv.global.opencv_imgcodecs.imread(whole.toString(),
                    org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE)) {
                expected = new byte[W * H];
                m.data().get(expected);
            }
            deleteTree(whole.getParent());
            try (WatchedFolderSource s = new WatchedFolderSource("watch", d, options(300), new WatchedFolderSource.State())) {
                CompletableFuture<Void> slowWriter = CompletableFuture.runAsync(() -> {
                    try {
                        Path f = d.resolve("slow." + ext);
                        Files.write(f, Arrays.copyOf(bytes, bytes.length / 2));
                        Thread.sleep(pauseMillis);
                        Files.write(f, Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length), java.nio.file.StandardOpenOption.APPEND);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                CapturedFrame f = s.grab();
                slowWriter.get(10, TimeUnit.SECONDS);
                assertArrayEquals(expected, copy(f), "the whole " + ext + " file, after a " + pauseMillis + " ms pause");
                assertEquals(0, s.unreadable());
            }
        }
    }

    static byte[] copy(CapturedFrame f) {
        byte[] got = new byte[W * H];
        f.pixels().position(0).get(got);
        f.pixels().position(0);
        return got;
    }

    @Test
    void aCorruptFileIsNamedAndCountedAndTheNextOneStillComes() throws Exception {
        Natives.opencv();
        try (WatchedFolderSource s = new WatchedFolderSource("watch", dir, options(10), new WatchedFolderSource.State())) {
            png(dir.resolve("a.png"), 0);
            assertEquals(0, which(s.grab()));
            Files.writeString(dir.resolve("b.png"), "not a png");
            CaptureException corrupt = assertThrows(CaptureException.class, s::grab);
            assertTrue(corrupt.getMessage().contains("b.png") && corrupt.getMessage().contains("not a readable image"), corrupt.getMessage());
            assertEquals(1, s.unreadable());
            ImageFolderSourceContractTest.writePng(dir.resolve("c.png"), new byte[10 * 10], 10, 10);
            CaptureException size = assertThrows(CaptureException.class, s::grab);
            assertTrue(size.getMessage().contains("c.png") && size.getMessage().contains("10x10"), size.getMessage());
            assertEquals(2, s.unreadable());
            // temporary and hidden names are never read, whatever they hold
            Path other = Files.createTempDirectory("elsewhere");
            png(other.resolve("nine.png"), 9);
            Files.copy(other.resolve("nine.png"), dir.resolve("d.png.tmp"));
            Files.copy(other.resolve("nine.png"), dir.resolve(".d.png.aBc123"));
            deleteTree(other);
            png(dir.resolve("d.png"), 3);
            CapturedFrame d = s.grab();
            assertEquals(3, which(d));
            assertEquals(3, d.sequence(), "ids count every file taken, the unreadable ones too");
            assertEquals(4, s.files());
        }
    }

    @Test
    void filesAlreadyThereAreIgnoredUnlessAskedForAndGiveTheFrameSize() throws Exception {
        Natives.opencv();
        png(dir.resolve("old-1.png"), 1);
        png(dir.resolve("old-2.png"), 2);
        long t = System.currentTimeMillis();
        Files.setLastModifiedTime(dir.resolve("old-1.png"), FileTime.fromMillis(t - 5000));
        Files.setLastModifiedTime(dir.resolve("old-2.png"), FileTime.fromMillis(t - 4000));
        var noSize = new WatchedFolderSource.Options(10, false, 0, 0, 5);
        try (WatchedFolderSource s = new WatchedFolderSource("watch", dir, noSize, new WatchedFolderSource.State())) {
            assertEquals(W, s.maxWidth());
            assertEquals(H, s.maxHeight());
            png(dir.resolve("new.png"), 3);
            assertEquals(3, which(s.grab()), "the old files are not re-inspected");
            Files.setLastModifiedTime(dir.resolve("new.png"), FileTime.fromMillis(t - 3000));
        }
        var existing = new WatchedFolderSource.Options(10, true, 0, 0, 5);
        try (WatchedFolderSource s = new WatchedFolderSource("watch", dir, existing, new WatchedFolderSource.State())) {
            assertEquals(1, which(s.grab()), "all of them, in the order they were written (new.png sorts first by name)");
            assertEquals(2, which(s.grab()));
            assertEquals(3, which(s.grab()));
        }
        Path empty = Files.createDirectory(dir.resolve("empty"));
        var e = assertThrows(CaptureException.class, () -> new WatchedFolderSource("watch", empty, noSize, new WatchedFolderSource.State()));
        assertTrue(e.getMessage().contains("size=WIDTHxHEIGHT"), e.getMessage());
        var missing = assertThrows(CaptureException.class,
                () -> new WatchedFolderSource("watch", dir.resolve("none"), noSize, new WatchedFolderSource.State()));
        assertTrue(missing.getMessage().contains(dir.resolve("none").toString()) && missing.getMessage().contains("no such folder"),
                missing.getMessage());
    }

    @Test
    void wakeUpEndsAWaitingGrabSoon() throws Exception {
        Natives.opencv();
        try (WatchedFolderSource s = new WatchedFolderSource("watch", dir, new WatchedFolderSource.Options(200, false, W, H, 25),
                new WatchedFolderSource.State())) {
            CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.wakeUp();
            });
            long start = System.nanoTime();
            assertNull(s.grab());
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("watched folder: a waiting grab returned %d ms after it started, woken at 100 ms%n", waitedMillis);
            assertTrue(waitedMillis < 5_000, "the grab returned at all: " + waitedMillis + " ms");
            assertNull(s.grab(), "and every grab after it");
        }
    }

    @Test
    void aFolderThatGoesAwayAndComesBackIsReopenedAndGoesOnWithNewFilesOnly() throws Exception {
        Natives.opencv();
        Path watched = Files.createDirectory(dir.resolve("share"));
        Path away = dir.resolve("share.unmounted");
        WatchedFolderSource.State state = new WatchedFolderSource.State();
        try (ReconnectingSource r = new ReconnectingSource("watch",
                () -> new WatchedFolderSource("watch", watched, options(10), state), new ReconnectingSource.Backoff(10, 40), Double.NaN)) {
            png(watched.resolve("a.png"), 0);
            assertEquals(0, which(r.grab()));

            // The share is unmounted: the folder goes, and an empty mount point takes its place.
            // (A loss is noticed by a grab that polls, so one waits meanwhile, as the station's would.)
            CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return which(r.grab());
                } catch (CaptureException e) {
                    throw new IllegalStateException(e);
                }
            });
            Files.move(watched, away);
            await(() -> !r.connected(), "the loss to be noticed");
            Files.createDirectory(watched);
            await(() -> r.connected() && r.reconnects() >= 1, "the reconnect to the bare mount point");
            png(away.resolve("b.png"), 1); // written on the server while the share was away
            Thread.sleep(50); // the source lists the empty mount point meanwhile, and must forget nothing

            // Remounted: the old file is there again, beside the new one.
            Files.delete(watched);
            Files.move(away, watched);
            assertEquals(1, next.get(10, TimeUnit.SECONDS), "the new file, not a.png again");
            assertTrue(r.reconnects() >= 2, "re-opened at the remount too: " + r.reconnects());
            assertTrue(r.lastError() != null && r.lastError().contains(watched.toString()), r.lastError());

            // Deleted and re-created: nothing old is left, and new files come.
            long reconnects = r.reconnects();
            CompletableFuture<Integer> after = CompletableFuture.supplyAsync(() -> {
                try {
                    return which(r.grab());
                } catch (CaptureException e) {
                    throw new IllegalStateException(e);
                }
            });
            deleteTree(watched);
            await(() -> !r.connected(), "the deletion to be noticed");
            Files.createDirectory(watched);
            png(watched.resolve("c.png"), 2);
            assertEquals(2, after.get(10, TimeUnit.SECONDS));
            assertTrue(r.reconnects() > reconnects);
            assertEquals(3, state.files());
            assertEquals(0, state.unreadable());
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    @Test
    void frameSourcesOpensAWatchedFolderAsALiveReconnectingSource() throws Exception {
        Natives.opencv();
        try (FrameSource s = FrameSources.open("cam", "watch:" + dir + "?size=" + W + "x" + H + "&settle=10", false)) {
            assertTrue(s.live());
            assertInstanceOf(ReconnectingSource.class, s);
            png(dir.resolve("x.png"), 7);
            assertEquals(7, which(s.grab()));
        }
        var option = assertThrows(IllegalArgumentException.class, () -> FrameSources.open("cam", "watch:" + dir + "?setle=10", false));
        assertTrue(option.getMessage().contains("unknown option 'setle'") && option.getMessage().contains("settle=MS"), option.getMessage());
        var value = assertThrows(IllegalArgumentException.class, () -> FrameSources.open("cam", "watch:" + dir + "?size=big", false));
        assertTrue(value.getMessage().contains("size") && value.getMessage().contains("'big'"), value.getMessage());
        var missing = assertThrows(CaptureException.class, () -> FrameSources.open("cam", "watch:" + dir.resolve("gone") + "?size=8x8", false));
        assertTrue(missing.getMessage().contains("gone"), missing.getMessage());
    }
}
