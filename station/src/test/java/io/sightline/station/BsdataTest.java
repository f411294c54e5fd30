package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.natives.Natives;
import io.sightline.preprocess.ImageDataset;
import io.sightline.preprocess.ImageTensorizer;
import io.sightline.preprocess.InputChoice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BSData (../shared/data/bsdata, CC BY-SA 4.0, Schlagenhauf and Landwehr): the import keeps its
 * split and labels, and its images read into tensors. Skips when the data is not there. Training
 * on it takes minutes and is measured by the command in the README, not here.
 */
public class BsdataTest {
    /** ../shared/data/bsdata next to the project root; skips the calling test when it is absent. */
    public static Path bsdata() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("sightline"))) dir = dir.getParent();
        Path data = dir == null ? null : dir.resolve("../shared/data/bsdata").normalize();
        Assumptions.assumeTrue(data != null && Files.isDirectory(data.resolve("data")),
                "BSData not found at ../shared/data/bsdata (relative to the project root): skipping the real-data test");
        return data;
    }

    @Test
    void importKeepsBsdataSplitAndLabels(@TempDir Path tmp) throws Exception {
        Path src = bsdata();
        Path out = tmp.resolve("bs");
        TrainEvalCliTest.Run r = TrainEvalCliTest.run("dataset", "import", "bsdata", src.toString(), out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        var counts = r.json();
        // BSData: 324 + 70 labelled pitting images with BSData's own split, 710 unlabelled split 80/20
        assertEquals(324, counts.get("train").get("pitting").asInt());
        assertEquals(70, counts.get("test").get("pitting").asInt());
        assertEquals(710, counts.get("train").get("ok").asInt() + counts.get("test").get("ok").asInt());
        assertEquals(142, counts.get("test").get("ok").asInt());

        ImageDataset ds = ImageDataset.open(out);
        assertTrue(ds.fixedSplit());
        assertEquals(List.of("ok", "pitting"), ds.classes());
        Natives.opencv();
        InputChoice choice = InputChoice.probe(ds.train());
        assertEquals(1130, choice.medianWidth());
        assertEquals(460, choice.medianHeight());
        assertTrue(choice.scale() <= 2.1, "small pits keep at least half their size: " + choice.describe());
        try (ImageTensorizer t = new ImageTensorizer(choice.width(), choice.height(), choice.channels(),
                choice.pixelMean(), choice.pixelStd())) {
            float[] tensor = new float[t.floatsPerImage()];
            ImageTensorizer.SourceImage s = t.load(ds.test().get(0).path(), tensor);
            assertEquals(3, s.channels(), "BSData is stored as colour JPEG");
            double mean = 0;
            for (float v : tensor) mean += v;
            assertEquals(0, mean / tensor.length, 1.5, "normalised with the data's own statistics");
        }
    }
}
