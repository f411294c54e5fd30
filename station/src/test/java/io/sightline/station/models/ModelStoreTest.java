package io.sightline.station.models;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.capture.FrameSource;
import io.sightline.capture.SyntheticPartCamera;
import io.sightline.inference.ModelPackage;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.station.Station;
import io.sightline.station.StationAttachments;
import io.sightline.station.StationConfig;
import io.sightline.station.cli.SightlineCli;
import io.sightline.station.telemetry.StationStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model store through {@code sightline models ...}, and a running station following its live pointer. */
class ModelStoreTest {
    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void addListPromoteRollbackAndTheirErrors(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        Path v2 = ModelCopies.asVersion(tmp.resolve("pkg2"), "2");
        Run r = cli("models", "list", "--store", store.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model store " + store + ": expected a folder of model versions, it does not exist"), r.err());

        r = cli("models", "add", "--store", store.toString(), ModelCopies.DEFAULT.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("as v1 (synthetic-flange-cnn 1 sha256:"), r.out());
        r = cli("models", "add", "--store", store.toString(), ModelCopies.DEFAULT.toString(), "--as", "again");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is in the store already, as v1"), r.err());
        r = cli("models", "add", "--store", store.toString(), ModelCopies.broken(tmp.resolve("broken")).toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not match its SHA-256"), r.err());
        assertEquals(0, cli("models", "add", "--store", store.toString(), v2.toString()).code());

        r = cli("models", "promote", "--store", store.toString(), "v9");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("model version 'v9' is not in the store " + store + " (it has [v1, v2])"), r.err());
        r = cli("models", "rollback", "--store", store.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nothing to roll back to (no version was promoted)"), r.err());
        r = cli("models", "promote", "--store", store.toString(), "v1", "--by", "alice");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("v1 is the store's first live version: no shadow run needed"), r.out());
        r = cli("models", "promote", "--store", store.toString(), "v2", "--by", "bob");
        assertEquals(1, r.code(), "never shadowed: " + r.out());
        assertTrue(r.err().contains("models promote v2: refused: v2 was never shadowed on a station following this store")
                && r.err().contains("--force promotes it anyway"), r.err());
        assertEquals("v1", ModelStore.open(store, false).live(), "a refused promotion changes nothing");
        r = cli("models", "promote", "--store", store.toString(), "v2", "--by", "bob", "--force");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("promoted with --force despite: v2 was never shadowed"), r.out());
        r = cli("models", "promote", "--store", store.toString(), "v2", "--force");
        assertTrue(r.code() == 1 && r.err().contains("v2 is live already"), r.err());

        r = cli("models", "list", "--store", store.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("v2", json.get("live").asText());
        assertEquals(2, json.get("versions").size());
        assertEquals(ModelVersion.of(v2).contentHash(), json.get("versions").get(1).get("sha256").asText());
        assertTrue(json.get("versions").get(1).get("live").asBoolean());

        r = cli("models", "rollback", "--store", store.toString(), "--by", "carol");
        assertEquals(0, r.code(), r.err());
        ModelStore.State s = ModelStore.open(store, false).state();
        assertEquals("v1", s.live());
        assertEquals(List.of("v1"), s.promoted());
        assertEquals(List.of("alice", "bob", "carol"), s.log().stream().map(ModelStore.LogEntry::by).toList());
        assertEquals("rollback", s.log().get(2).action());
    }

    @Test
    void aRunningStationFollowsTheStoresLivePointer(@TempDir Path tmp) throws Exception {
        ModelStore store = ModelStore.open(tmp.resolve("store"), true);
        store.add(ModelCopies.DEFAULT, null);
        store.add(ModelCopies.asVersion(tmp.resolve("pkg2"), "2"), null);
        store.promote("v1", "alice");
        String label1 = ModelVersion.of(store.versionDir("v1")).label();
        String label2 = ModelVersion.of(store.versionDir("v2")).label();
        Path file = tmp.resolve("journal.db");
        StationConfig config = StationConfig.defaults(store.versionDir("v1")).withLines(1).withFps(100).withMaxFramesPerLine(-1)
                .withRejectDelayMillis(2_000); // a starved shared machine must not make parts late; bench lifecycle runs 200 ms
        List<FrameSource> cams = List.of(new SyntheticPartCamera("w-0", new SyntheticPartCamera.Options(320, 256, 0.2, 5, 8)));
        try (ModelPackage model = ModelPackage.load(store.versionDir("v1"));
             DecisionJournal journal = DecisionJournal.open(file, new String[] {"w-0"}, label1, "none", false);
             Station station = Station.create(config, model, cams, StationAttachments.of((line, part, reason, score, deadline) -> { }).withJournal(journal))) {
            station.models().useStore(store);
            station.start();
            try (StoreWatch watch = new StoreWatch(store, station.models(), "v1")) {
                store.promote("v2", "bob");
                awaitLive(station, label2);
                store.rollback("carol");
                awaitLive(station, label1);
            }
            StationStats s = station.stop(Duration.ofSeconds(10));
            assertTrue(s.balanced() && s.inFlight() == 0 && s.failSafe() == 0, s.toString());
        }
        List<DecisionJournal.Change> changes = DecisionJournal.changes(file, 10).stream().filter(c -> c.setting().equals("model")).toList();
        assertEquals(List.of("models promote v2 by bob", "models rollback v1 by carol"),
                changes.stream().map(DecisionJournal.Change::requestedBy).toList());
        assertTrue(DecisionJournal.verify(file).intact());
    }

    /** Waits (bounded) for the watch to have swapped; the station polls the store every second. */
    private static void awaitLive(Station station, String label) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!station.models().live().label().equals(label) && System.nanoTime() - end < 0) Thread.sleep(20);
        assertEquals(label, station.models().live().label(), "the station took the store's live version");
    }
}
