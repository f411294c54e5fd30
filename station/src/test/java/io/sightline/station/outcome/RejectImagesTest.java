package io.sightline.station.outcome;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.NativeBuffer;
import io.sightline.postprocess.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class RejectImagesTest {
    public static List<Path> pngs(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }

    static NativeBuffer frame(int w, int h, int seed) {
        NativeBuffer b = NativeBuffer.allocate((long) w * h);
        byte[] px = new byte[w * h];
        for (int i = 0; i < px.length; i++) px[i] = (byte) ((i * 31 + seed * 17) ^ (i >>> 7));
        b.bytes().put(px, 0, px.length);
        return b;
    }

    @Test
    void rejectedFramesAreSavedAsTheyWereAndOldOnesMakeRoom(@TempDir Path tmp) throws Exception {
        int w = 96;
        int h = 64;
        long sizeOfOne;
        try (NativeBuffer a = frame(w, h, 1)) {
            Path probe = tmp.resolve("probe");
            try (RejectImages images = new RejectImages(probe, new int[] {w, w}, new int[] {h, h}, 4, 1L << 30, Duration.ofDays(1))) {
                images.offer(1, 42, Outcome.REJECT_DEFECT, a);
            }
            List<Path> one = pngs(probe);
            assertEquals(1, one.size());
            assertTrue(one.get(0).toString().contains("line-1") && one.get(0).toString().endsWith("_part-42_defect.png"), one.toString());
            try (Mat read = opencv_imgcodecs.imread(one.get(0).toString(), opencv_imgcodecs.IMREAD_UNCHANGED)) {
                assertEquals(w, read.cols());
                assertEquals(h, read.rows());
                byte[] expected = new byte[w * h];
                a.bytes().get(expected, 0, expected.length);
                byte[] got = new byte[w * h];
                read.data().get(got);
                assertArrayEquals(expected, got, "the PNG holds the frame exactly");
            }
            sizeOfOne = Files.size(one.get(0));
        }
        Path dir = tmp.resolve("images");
        try (NativeBuffer f = frame(w, h, 2);
             RejectImages images = new RejectImages(dir, new int[] {w}, new int[] {h}, 1, 3 * sizeOfOne + sizeOfOne / 2, Duration.ofDays(1))) {
            for (int i = 0; i < 6; i++) {
                images.offer(0, i, Outcome.REJECT_DEFECT, f);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (images.written() + images.skipped() < i + 1 && System.nanoTime() < deadline) Thread.sleep(5);
                Thread.sleep(20); // the writer hands its buffer back after the file is written
            }
        }
        List<Path> kept = pngs(dir);
        assertTrue(kept.size() <= 3, "at most 3.5 images' worth of bytes: " + kept);
        assertTrue(kept.get(kept.size() - 1).toString().contains("_part-5_"), "the newest stays: " + kept);
    }

    @Test
    void imagesAreNamedByTheStationsClockReadOnceAtStartAndKeptPastItsSteps(@TempDir Path tmp) throws Exception {
        // a clock that reads 2020-01-02 10:00 at start, then is stepped forward a day before each save
        java.util.concurrent.atomic.AtomicLong offsetMillis = new java.util.concurrent.atomic.AtomicLong();
        java.time.Instant start = java.time.Instant.parse("2020-01-02T10:00:00Z");
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.time.Instant instant() {
                return start.plusMillis(offsetMillis.get());
            }
        };
        try (NativeBuffer f = frame(32, 16, 5);
             RejectImages images = new RejectImages(tmp, new int[] {32}, new int[] {16}, 1, 1L << 30, Duration.ofHours(1), clock)) {
            for (int i = 0; i < 2; i++) {
                offsetMillis.addAndGet(Duration.ofDays(1).toMillis());
                images.offer(0, i, Outcome.REJECT_DEFECT, f);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (images.written() < i + 1 && System.nanoTime() < deadline) Thread.sleep(5);
                Thread.sleep(20);
            }
            assertEquals(0, images.deleted(), "a step of the clock does not age images");
        }
        List<Path> saved = pngs(tmp);
        assertEquals(2, saved.size(), saved.toString());
        for (Path p : saved) {
            assertTrue(p.getFileName().toString().startsWith("20200102-100"), "named from the clock's reading at start: " + saved);
        }
    }

    @Test
    void aRejectWithADefectBoxIsSavedInColourWithTheBoxDrawnInsideItsEdge(@TempDir Path tmp) throws Exception {
        int w = 96;
        int h = 64;
        try (NativeBuffer f = frame(w, h, 4)) {
            try (RejectImages images = new RejectImages(tmp, new int[] {w}, new int[] {h}, 2, 1L << 30, Duration.ofDays(1))) {
                images.offer(0, 7, null, Outcome.REJECT_DEFECT, f, 20, 10, 30, 24);
            }
            List<Path> saved = pngs(tmp);
            assertEquals(1, saved.size());
            byte[] frame = new byte[w * h];
            f.bytes().get(frame, 0, frame.length);
            int t = RejectImages.boxThickness(w, h);
            try (Mat read = opencv_imgcodecs.imread(saved.get(0).toString(), opencv_imgcodecs.IMREAD_UNCHANGED);
                 org.bytedeco.javacpp.indexer.UByteIndexer px = read.createIndexer()) {
                assertEquals(3, read.channels());
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        boolean inBox = x >= 20 && x < 50 && y >= 10 && y < 34;
                        boolean onEdge = inBox && (x < 20 + t || x >= 50 - t || y < 10 + t || y >= 34 - t);
                        int[] got = {px.get(y, x, 0), px.get(y, x, 1), px.get(y, x, 2)};
                        int g = frame[y * w + x] & 0xff;
                        assertArrayEquals(onEdge ? RejectImages.BOX_BGR : new int[] {g, g, g}, got, "pixel " + x + "," + y);
                    }
                }
            }
        }
    }

    @Test
    void aBusyWriterSkipsImagesButNeverBlocks(@TempDir Path tmp) throws Exception {
        RejectImages images;
        try (NativeBuffer f = frame(640, 480, 3)) {
            images = new RejectImages(tmp, new int[] {640}, new int[] {480}, 1, 1L << 30, Duration.ofDays(1));
            for (int i = 0; i < 50; i++) images.offer(0, i, Outcome.REJECT_DEFECT, f);
            assertTrue(images.skipped() > 0, "one buffer cannot take 50 frames at once");
            images.close();
        }
        assertEquals(50, images.written() + images.skipped(), "every offered image is either saved or counted as skipped");
        assertEquals(images.written(), pngs(tmp).size());
    }

    @Test
    void imagesPastTheirAgeAreDeletedAtStart(@TempDir Path tmp) throws Exception {
        Path old = tmp.resolve("line-0/20200101-000000-000_part-1_defect.png");
        Files.createDirectories(old.getParent());
        Files.write(old, new byte[100]);
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L * 40));
        try (RejectImages images = new RejectImages(tmp, new int[] {8}, new int[] {8}, 1, 1L << 30, Duration.ofDays(30))) {
            assertFalse(Files.exists(old), "a 40-day-old image goes with a 30-day limit");
            assertEquals(1, images.deleted());
        }
    }
}
