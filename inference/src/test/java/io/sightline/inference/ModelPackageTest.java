package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTest {
    private static final List<String> CLASSES = List.of("ok", "scratch", "dent");

    @TempDir
    Path tempDir;

    @Test
    void loadsAValidPackage() {
        ModelInfo info = TestModels.info(CLASSES, 32, 16);
        Path dir = TestModels.export(tempDir.resolve("valid"), info, TestModels.uniformOutput(3, 1));
        try (ModelPackage model = ModelPackage.load(dir)) {
            assertTrue(model.info().sealed(), "an exported package records its files' digests");
            assertEquals(info.withFiles(model.info().files()), model.info());
            assertEquals(dir, model.dir());
        }
    }

    @Test
    void missingFolder() {
        Path dir = tempDir.resolve("nowhere");
        assertMessage(dir, "model folder " + dir + " does not exist");
    }

    @Test
    void fileInsteadOfFolder() throws Exception {
        Path file = Files.writeString(tempDir.resolve("model.bin"), "x");
        assertMessage(file, "model folder " + file + " is a file");
    }

    @Test
    void missingModelJson() throws Exception {
        Path dir = TestModels.export(tempDir.resolve("m"), TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(3, 1));
        Files.delete(dir.resolve(ModelInfo.FILE_NAME));
        assertMessage(dir, dir.resolve(ModelInfo.FILE_NAME) + " does not exist");
    }

    @Test
    void malformedModelJson() throws Exception {
        Path dir = TestModels.export(tempDir.resolve("m"), TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(3, 1));
        Files.writeString(dir.resolve(ModelInfo.FILE_NAME), "{\"format\": \"sightline-model/1\", \"name\": ");
        assertMessage(dir, dir.resolve(ModelInfo.FILE_NAME) + ": not valid JSON");
    }

    @Test
    void missingSavedModel() throws Exception {
        Path dir = Files.createDirectory(tempDir.resolve("json-only"));
        TestModels.info(CLASSES, 32, 16).write(dir.resolve(ModelInfo.FILE_NAME));
        assertMessage(dir, "model folder " + dir + " has no saved_model.pb");
    }

    @Test
    void inputSizeDiffersFromModelJson() {
        Path dir = TestModels.export(tempDir.resolve("m"), TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(3, 1));
        TestModels.info(CLASSES, 128, 128).write(dir.resolve(ModelInfo.FILE_NAME));
        assertMessage(dir, "signature 'serving_default' input 'image' has shape [-1,16,32,1] but model.json says 128x128x1");
    }

    @Test
    void channelsDifferFromModelJson() {
        Path dir = TestModels.export(tempDir.resolve("m"), TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(3, 1));
        ModelInfo.of("test-model", "1", CLASSES, 32, 16, 3, 0.5f, 0.25f).write(dir.resolve(ModelInfo.FILE_NAME));
        assertMessage(dir, "has shape [-1,16,32,1] but model.json says 32x16x3");
    }

    @Test
    void classCountDiffersFromModelJson() {
        Path dir = TestModels.export(tempDir.resolve("m"), TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(3, 1));
        List<String> sixClasses = List.of("ok", "a", "b", "c", "d", "e");
        TestModels.info(sixClasses, 32, 16).write(dir.resolve(ModelInfo.FILE_NAME));
        assertMessage(dir, "output 'probs' has 3 classes but model.json lists 6");
    }

    @Test
    void wrongInputName() throws Exception {
        Path dir = Files.createDirectory(tempDir.resolve("pixels"));
        TestModels.exportWithSignature(dir, TestModels.info(CLASSES, 32, 16), "serving_default", "pixels", "probs");
        assertMessage(dir, "signature 'serving_default' has no input 'image' (found: [pixels])");
    }

    @Test
    void wrongOutputName() throws Exception {
        Path dir = Files.createDirectory(tempDir.resolve("scores"));
        TestModels.exportWithSignature(dir, TestModels.info(CLASSES, 32, 16), "serving_default", "image", "scores");
        assertMessage(dir, "signature 'serving_default' has no output 'probs' (found: [scores])");
    }

    @Test
    void noServingSignature() throws Exception {
        Path dir = Files.createDirectory(tempDir.resolve("other-key"));
        TestModels.exportWithSignature(dir, TestModels.info(CLASSES, 32, 16), "classify", "image", "probs");
        assertMessage(dir, "SavedModel " + dir + " has no signature 'serving_default' (found: [classify])");
    }

    @Test
    void exportRefusesANonEmptyFolder() throws Exception {
        Path dir = Files.createDirectory(tempDir.resolve("busy"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        ModelException failure = assertThrows(ModelException.class,
                () -> TestModels.export(dir, TestModels.info(CLASSES, 32, 16), TestModels.uniformOutput(3, 1)));
        assertTrue(failure.getMessage().contains("export folder " + dir + " is not empty"), failure.getMessage());
    }

    private static void assertMessage(Path dir, String expectedPart) {
        ModelException failure = assertThrows(ModelException.class, () -> ModelPackage.load(dir).close());
        assertTrue(failure.getMessage().contains(expectedPart),
                "expected the message to contain\n  " + expectedPart + "\nbut it was\n  " + failure.getMessage());
    }
}
