package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInfoTest {
    private static final String VALID_JSON = """
            {
              "format": "sightline-model/1",
              "name": "bottle-caps",
              "version": "3",
              "classes": ["dent", "ok", "scratch"],
              "inputWidth": 128,
              "inputHeight": 96,
              "inputChannels": 1,
              "normMean": 0.5,
              "normStd": 0.25,
              "training": {"seed": 42},
              "evaluation": {"validationAuroc": 0.99}
            }
            """;

    @TempDir
    Path tempDir;

    @Test
    void derivedFigures() {
        ModelInfo info = ModelInfo.of("m", "1", List.of("dent", "ok", "scratch"), 128, 96, 3, 0.5f, 0.25f);
        assertEquals(1, info.okIndex());
        assertEquals(3, info.numClasses());
        assertEquals(128 * 96 * 3, info.floatsPerImage());
        assertEquals(ModelInfo.FORMAT, info.format());
    }

    @Test
    void writesAndReadsBack() throws Exception {
        ModelInfo info = ModelInfo.of("m", "1", List.of("ok", "dent"), 64, 32, 1, 0.45f, 0.2f)
                .withFigures(Map.of("seed", 7, "samplesPerClass", Map.of("ok", 10, "dent", 3)),
                        Map.of("validationAuroc", 0.97));
        Path file = tempDir.resolve(ModelInfo.FILE_NAME);
        info.write(file);
        assertEquals(info, ModelInfo.read(file));
        assertTrue(Files.readString(file).contains("\n  \"name\" : \"m\""), "pretty-printed");
    }

    @Test
    void readsAHandWrittenFile() throws Exception {
        ModelInfo info = ModelInfo.read(Files.writeString(tempDir.resolve("model.json"), VALID_JSON));
        assertEquals(List.of("dent", "ok", "scratch"), info.classes());
        assertEquals(128, info.inputWidth());
        assertEquals(96, info.inputHeight());
        assertEquals(0.25f, info.normStd());
        assertEquals(42, info.training().get("seed"));
    }

    @Test
    void withFiguresAddsToTheMapsAndReplacesSameKeys() {
        ModelInfo base = ModelInfo.of("m", "1", List.of("ok", "dent"), 8, 8, 1, 0f, 1f)
                .withFigures(Map.of("camera", "A", "seed", 1), Map.of());
        ModelInfo merged = base.withFigures(Map.of("seed", 2), Map.of("bestEpoch", 5));
        assertEquals(Map.of("camera", "A", "seed", 2), merged.training());
        assertEquals(Map.of("bestEpoch", 5), merged.evaluation());
    }

    @Test
    void missingField() throws Exception {
        assertReadFails(VALID_JSON.replace("\"inputWidth\": 128,", ""), "model.json: missing field inputWidth");
    }

    @Test
    void wrongFieldType() throws Exception {
        assertReadFails(VALID_JSON.replace("\"inputWidth\": 128", "\"inputWidth\": \"128\""),
                "model.json: field inputWidth must be an integer, found \"128\"");
    }

    @Test
    void unknownField() throws Exception {
        assertReadFails(VALID_JSON.replace("\"inputWidth\"", "\"inputWidht\": 1, \"inputWidth\""),
                "model.json: unknown field 'inputWidht'");
    }

    @Test
    void unsupportedFormat() throws Exception {
        assertReadFails(VALID_JSON.replace("sightline-model/1", "sightline-model/9"),
                "model.json: format is 'sightline-model/9', expected 'sightline-model/1'");
    }

    @Test
    void missingOkClass() throws Exception {
        assertReadFails(VALID_JSON.replace("\"ok\"", "\"good\""), "do not include the passing class 'ok'");
    }

    @Test
    void nonPositiveSize() throws Exception {
        assertReadFails(VALID_JSON.replace("\"inputHeight\": 96", "\"inputHeight\": 0"), "inputHeight must be > 0, got 0");
    }

    @Test
    void malformedJson() throws Exception {
        assertReadFails("{\"format\": ", "model.json: not valid JSON");
    }

    @Test
    void notAnObject() throws Exception {
        assertReadFails("[1, 2]", "model.json: expected a JSON object, found array");
    }

    @Test
    void missingFile() {
        Path file = tempDir.resolve("absent.json");
        ModelException failure = assertThrows(ModelException.class, () -> ModelInfo.read(file));
        assertTrue(failure.getMessage().startsWith(file + " does not exist"), failure.getMessage());
    }

    @Test
    void constructorRejectsDuplicateClasses() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> ModelInfo.of("m", "1", List.of("ok", "dent", "dent"), 8, 8, 1, 0f, 1f));
        assertTrue(failure.getMessage().contains("'dent' is listed twice"), failure.getMessage());
    }

    private void assertReadFails(String json, String expectedPart) throws Exception {
        Path file = Files.writeString(tempDir.resolve("model.json"), json);
        ModelException failure = assertThrows(ModelException.class, () -> ModelInfo.read(file));
        assertTrue(failure.getMessage().contains(expectedPart),
                "expected the message to contain\n  " + expectedPart + "\nbut it was\n  " + failure.getMessage());
        assertTrue(failure.getMessage().startsWith(file.toString()), "names the file: " + failure.getMessage());
    }
}
