package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code journal query --json} on a real SQLite journal: each row's defect box, or null. */
class JournalQueryTest {
    @Test
    void aRejectsDefectBoxIsInItsRowAndAPassHasNull(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("journal.db");
        long t = System.nanoTime();
        try (DecisionJournal j = DecisionJournal.open(file, new String[] {"cam"}, "m 1", "cal-2", false)) {
            j.append(0, 1, Outcome.REJECT_DEFECT, 0.93f, t, t, 300, 200, 96, 64);
            j.append(0, 2, Outcome.PASS, 0.05f, t, t);
        }
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code;
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = SightlineCli.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "journal", "query",
                    "--file", file.toString(), "--json");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, err.toString());
        String[] lines = buffer.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertTrue(lines[1].contains("300,200 96x64"), "the table shows the box: " + lines[1]);
        JsonNode rows = new ObjectMapper().readTree(lines[lines.length - 1]).get("rows");
        assertEquals(2, rows.size());
        JsonNode box = rows.get(0).get("defectBox");
        assertEquals(300, box.get("x").asInt());
        assertEquals(200, box.get("y").asInt());
        assertEquals(96, box.get("width").asInt());
        assertEquals(64, box.get("height").asInt());
        assertEquals("cal-2", rows.get(0).get("calibration").asText());
        assertTrue(rows.get(1).has("defectBox") && rows.get(1).get("defectBox").isNull(), rows.get(1).toString());
    }
}
