package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model package records the SHA-256 of its files, and a package changed on disk is refused at load, naming the file. */
class PackageDigestsTest {
    private static final List<String> CLASSES = List.of("ok", "scratch");

    @TempDir
    Path tempDir;

    private Path exported(String name) {
        return TestModels.export(tempDir.resolve(name), TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(2, 1));
    }

    @Test
    void anExportedPackageRecordsEveryFileOfItsSavedModelAndLoads() {
        Path dir = exported("m");
        ModelInfo info = ModelInfo.read(dir.resolve(ModelInfo.FILE_NAME));
        assertTrue(info.files().containsKey("saved_model.pb"), info.files().toString());
        assertTrue(info.files().keySet().stream().anyMatch(p -> p.startsWith("variables/")), info.files().toString());
        assertFalse(info.files().containsKey(ModelInfo.FILE_NAME), "model.json cannot hold its own digest");
        assertEquals(PackageDigests.compute(dir), info.files());
        ModelPackage.load(dir).close();
    }

    @Test
    void aChangedWeightsFileIsRefusedNamingIt() throws Exception {
        Path dir = exported("m");
        Path weights;
        try (var files = Files.list(dir.resolve("variables"))) {
            weights = files.filter(f -> f.getFileName().toString().startsWith("variables.data")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x01; // one bit of one weight
        Files.write(weights, bytes);
        String message = refusal(dir);
        assertTrue(message.contains("variables/" + weights.getFileName()) && message.contains("does not match its SHA-256"), message);
    }

    @Test
    void aMissingFileIsRefusedNamingIt() throws Exception {
        Path dir = exported("m");
        Files.delete(dir.resolve("variables").resolve("variables.index"));
        String message = refusal(dir);
        assertTrue(message.contains("variables/variables.index") && message.contains("missing"), message);
    }

    @Test
    void anAddedFileIsRefusedNamingIt() throws Exception {
        Path dir = exported("m");
        Files.writeString(dir.resolve("variables").resolve("extra.bin"), "x", StandardOpenOption.CREATE_NEW);
        String message = refusal(dir);
        assertTrue(message.contains("variables/extra.bin") && message.contains("not recorded"), message);
    }

    @Test
    void aDigestEditedInModelJsonIsRefusedToo() throws Exception {
        Path dir = exported("m");
        Path json = dir.resolve(ModelInfo.FILE_NAME);
        ModelInfo info = ModelInfo.read(json);
        Map<String, String> files = new java.util.TreeMap<>(info.files());
        files.put("saved_model.pb", "0".repeat(64));
        info.withFiles(files).write(json);
        assertTrue(refusal(dir).contains("saved_model.pb"));
    }

    @Test
    void anUnsealedPackageStillLoadsAndSealingItMakesChangesDetectable() throws Exception {
        Path dir = tempDir.resolve("old");
        ModelInfo unsealed = TestModels.info(CLASSES, 32, 16);
        TestModels.exportWithSignature(dir, unsealed, ModelPackage.SIGNATURE_KEY, InspectionCnn.INPUT_NAME, InspectionCnn.OUTPUT_NAME);
        assertFalse(ModelInfo.read(dir.resolve(ModelInfo.FILE_NAME)).sealed());
        ModelPackage.load(dir).close(); // with a warning: nothing to verify against
        ModelInfo sealed = PackageDigests.seal(dir);
        assertTrue(sealed.sealed());
        Files.writeString(dir.resolve("saved_model.pb"), "garbage", StandardOpenOption.APPEND);
        assertTrue(refusal(dir).contains("saved_model.pb"));
    }

    @Test
    void modelJsonWithAMalformedDigestOrPathIsAnErrorNamingTheField() throws Exception {
        Path dir = exported("m");
        Path json = dir.resolve(ModelInfo.FILE_NAME);
        String text = Files.readString(json);
        Files.writeString(json, text.replaceFirst("\"saved_model.pb\" : \"[0-9a-f]{64}\"", "\"saved_model.pb\" : \"abc\""));
        String message = refusal(dir);
        assertTrue(message.contains("files.saved_model.pb") && message.contains("64 lower-case hex"), message);
        assertThrows(IllegalArgumentException.class, () -> TestModels.info(CLASSES, 32, 16).withFiles(Map.of("../x", "0".repeat(64))));
    }

    private static String refusal(Path dir) {
        return assertThrows(ModelException.class, () -> ModelPackage.load(dir).close()).getMessage();
    }
}
