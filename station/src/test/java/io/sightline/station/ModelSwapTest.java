package io.sightline.station;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.JournalVerifier;
import io.sightline.station.models.ModelCopies;
import io.sightline.station.models.ModelSwitch;
import io.sightline.station.models.ModelVersion;
import io.sightline.station.telemetry.StationStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swaps on a running station with real cameras, TensorFlow sessions and the real ring: every
 * frame accounted for, a broken model refused with the old one still live, rollback, and every
 * journal row naming the model version that decided it.
 */
class ModelSwapTest {
    static final Path DEFAULT = ModelCopies.DEFAULT;

    @Test
    void swapsUnderLoadLoseNoFrameRefuseABrokenModelAndRollBack(@TempDir Path tmp) throws Exception {
        Path v2 = ModelCopies.asVersion(tmp.resolve("v2"), "2");
        Path broken = ModelCopies.broken(tmp.resolve("broken"));
        String label1 = ModelVersion.of(DEFAULT).label();
        String label2 = ModelVersion.of(v2).label();
        assertNotEquals(label1, label2);

        Path file = tmp.resolve("journal.db");
        StationConfig config = StationConfig.defaults(DEFAULT).withLines(2).withFps(150).withMaxFramesPerLine(1_200)
                .withRejectDelayMillis(2_000); // a starved shared machine must not make parts late; bench lifecycle runs 200 ms
        List<FrameSource> cams = new ArrayList<>();
        for (int i = 0; i < 2; i++) cams.add(new SyntheticPartCamera("s-" + i, new SyntheticPartCamera.Options(320, 256, 0.2, 70 + i, 8)));
        try (ModelPackage model = ModelPackage.load(DEFAULT);
             DecisionJournal journal = DecisionJournal.open(file, new String[] {"s-0", "s-1"}, label1, "none", false);
             Station station = Station.create(config, model, cams, StationAttachments.of(new StationTest.CountingSink()).withJournal(journal))) {
            ModelSwitch models = station.models();
            assertEquals(label1, models.live().label());
            io.sightline.station.inspect.Inspector inspector = station.inspector(List.of("s-0", "s-1"), 1 << 20);
            byte[] png = io.sightline.station.inspect.TestImages.part(320, 256, io.sightline.capture.DefectKind.NONE, 3, ".png");
            station.start();
            assertEquals("1", inspector.inspect("s-0", "image/png", png).model().get("version"), "the API names the live version");
            while (station.snapshot().captured() < 200) Thread.sleep(5);

            String what = models.swap(v2, "test swap");
            assertTrue(what.contains(label1 + " -> " + label2), what);
            assertEquals(label2, models.live().label());
            assertEquals("model unchanged (" + label2 + " is live)", models.swap(v2, "again"));
            assertEquals("2", inspector.inspect("s-1", "image/png", png).model().get("version"),
                    "an API request after a swap is scored by, and names, the new version");
            while (station.snapshot().captured() < 700) Thread.sleep(5);

            ModelSwitch.Refused refused = assertThrows(ModelSwitch.Refused.class, () -> models.swap(broken, "test broken"));
            assertTrue(refused.getMessage().contains(broken.toString()) && refused.getMessage().contains("does not match its SHA-256"),
                    refused.getMessage());
            assertTrue(refused.getMessage().endsWith(label2 + " keeps running"), refused.getMessage());
            assertEquals(label2, models.live().label(), "a refused model leaves the live one");
            Path otherInput = ModelCopies.asVersion(tmp.resolve("norm"), "norm");
            java.nio.file.Files.writeString(otherInput.resolve("model.json"), java.nio.file.Files.readString(otherInput.resolve("model.json"))
                    .replace("\"normMean\" : 0.4", "\"normMean\" : 0.5"));
            refused = assertThrows(ModelSwitch.Refused.class, () -> models.swap(otherInput, "test input"));
            assertTrue(refused.getMessage().contains("its input is 128x128x1 normalised (x-0.5)/0.25 but the cameras' preprocessing "
                    + "writes 128x128x1 normalised (x-0.4)/0.25"), refused.getMessage());
            refused = assertThrows(ModelSwitch.Refused.class, () -> models.swap(tmp.resolve("nowhere"), "test missing"));
            assertTrue(refused.getMessage().contains("does not exist"), refused.getMessage());

            String back = models.rollback("test rollback");
            assertTrue(back.contains(label2 + " -> " + label1), back);
            assertEquals(label1, models.live().label());
            assertEquals("1", inspector.inspect("s-0", "image/png", png).model().get("version"), "and after a rollback, the old one");
            refused = assertThrows(ModelSwitch.Refused.class, () -> models.rollback("again"));
            assertTrue(refused.getMessage().contains("no earlier model version"), refused.getMessage());
            while (station.snapshot().captured() < 1_400) Thread.sleep(5);
            models.swap(v2, "test swap 2");

            while (!station.camerasFinished()) Thread.sleep(5);
            StationStats s = station.stop(Duration.ofSeconds(10));
            assertTrue(s.balanced(), "captured = passed + rejected + fail-safe: " + s);
            assertEquals(0, s.inFlight());
            assertEquals(2_400, s.captured());
            assertEquals(0, s.failSafe(), "no frame fail-safe (late, error, ring full) across the swaps: " + s.failSafeByReason());
            assertEquals(3, models.swaps());
            assertEquals(1, models.rollbacks());
            assertEquals(4, models.refused());
        }

        List<DecisionJournal.Entry> rows = DecisionJournal.query(file, null, null, null, 10_000);
        assertEquals(2_400, rows.size(), "every frame journaled");
        Map<String, Integer> byModel = new HashMap<>();
        for (DecisionJournal.Entry e : rows) byModel.merge(e.model(), 1, Integer::sum);
        assertEquals(2, byModel.size(), "rows name the version that decided them: " + byModel);
        assertTrue(byModel.get(label1) > 300 && byModel.get(label2) > 300, byModel.toString());
        assertEquals(label1, rows.get(0).model(), "the first parts were decided by the first version");
        assertEquals(label2, rows.get(rows.size() - 1).model(), "the last ones by the version swapped in last");
        List<DecisionJournal.Change> changes = DecisionJournal.changes(file, 10).stream().filter(c -> c.setting().equals("model")).toList();
        assertEquals(3, changes.size(), "each swap journaled, the refused and unchanged ones not: " + changes);
        assertEquals(label1, changes.get(0).oldValue());
        assertTrue(changes.get(0).newValue().startsWith(label2), changes.get(0).newValue());
        assertEquals("test swap", changes.get(0).requestedBy());
        assertEquals("test rollback (rollback)", changes.get(1).requestedBy());
        JournalVerifier.Report report = DecisionJournal.verify(file);
        assertTrue(report.intact(), "the hash chain holds over rows of both versions: " + report);
    }
}
