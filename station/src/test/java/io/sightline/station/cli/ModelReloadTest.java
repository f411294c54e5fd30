package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.DecisionJournal;
import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.models.ModelCopies;
import io.sightline.station.models.ModelStore;
import io.sightline.station.models.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A station launched from its config: SIGHUP with a changed model swaps it, and model-store starts it on the store's live version. */
class ModelReloadTest {
    static final Path VIDEO = ModelCopies.DEFAULT.getParent().getParent().resolve("config/parts.avi");

    static String config(Path model, String extra) {
        return "model: " + model + "\ntrend: {detectors: none}\ncamera: {fps: 50}\nserver: {enabled: false}\n"
                + "journal: {path: journal.db}\nreject-images: {dir: none}\nlines:\n  - views: [{source: 'file:" + VIDEO + "'}]\n" + extra;
    }

    static StationLauncher.Launch how() {
        return new StationLauncher.Launch("run", new StartupChecks(false), StationLauncher::openCameras, -1, false);
    }

    @Test
    void sighupWithAChangedModelSwapsIt(@TempDir Path tmp) throws Exception {
        Path v2 = ModelCopies.asVersion(tmp.resolve("m2"), "2");
        Path file = tmp.resolve("station.yaml");
        Files.writeString(file, config(ModelCopies.DEFAULT, ""));
        StationFile before = StationFileReader.read(file);
        try (StationLauncher.Launched launched = StationLauncher.launch(before, how())) {
            launched.station().start();
            Files.writeString(file, config(v2, ""));
            StationFile after = StationLauncher.reload(launched.station(), before, null, "SIGHUP");
            assertEquals(v2, after.model());
            assertEquals(ModelVersion.of(v2).label(), launched.station().models().live().label());
            Files.writeString(file, config(ModelCopies.broken(tmp.resolve("m3")), ""));
            StationLauncher.reload(launched.station(), after, null, "SIGHUP");
            assertEquals(ModelVersion.of(v2).label(), launched.station().models().live().label(), "a refused model changes nothing");
            assertEquals(0, launched.station().stop(Duration.ofSeconds(10)).failSafe());
        }
        List<DecisionJournal.Change> changes = DecisionJournal.changes(tmp.resolve("journal.db"), 10).stream()
                .filter(c -> c.setting().equals("model")).toList();
        assertEquals(1, changes.size());
        assertEquals("SIGHUP reload of " + file, changes.get(0).requestedBy());
    }

    @Test
    void aStationWithAModelStoreStartsOnItsLiveVersion(@TempDir Path tmp) throws Exception {
        ModelStore store = ModelStore.open(tmp.resolve("store"), true);
        store.add(ModelCopies.DEFAULT, null);
        store.add(ModelCopies.asVersion(tmp.resolve("m2"), "2"), null);
        store.promote("v2", "test");
        Path file = tmp.resolve("station.yaml");
        Files.writeString(file, config(ModelCopies.DEFAULT, "model-store: store\n"));
        try (StationLauncher.Launched launched = StationLauncher.launch(StationFileReader.read(file), how())) {
            assertEquals(ModelVersion.of(store.versionDir("v2")).label(), launched.station().models().live().label());
            assertEquals(store.dir(), launched.station().models().store().dir());
        }
        Files.writeString(file, config(ModelCopies.DEFAULT, "model-store: nowhere\n"));
        var e = assertThrows(io.sightline.station.config.ConfigException.class, () -> StationFileReader.read(file));
        assertTrue(e.getMessage().contains("model-store: expected a folder of model versions"), e.getMessage());
    }
}
