package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.natives.cuda.CudaDevices;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class DevicesCommandTest {

    @Test
    void printsTheReportAndWhatAutoResolvesToAndJsonLast() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "devices", "--json");
        assertEquals(0, code, "no GPU is not an error: " + err);
        String text = out.toString();
        assertTrue(text.startsWith("CUDA: "), text);
        assertTrue(text.contains("TensorFlow: 2."), text);
        assertTrue(text.contains("auto: "), text);
        String[] lines = text.strip().split("\\R");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        boolean usable = CudaDevices.usable();
        assertEquals(usable, json.at("/cuda/available").asBoolean());
        if (usable) {
            assertTrue(json.at("/cuda/devices").size() >= 1);
            assertEquals("cuda:0", json.at("/auto/device").asText());
        } else {
            assertTrue(text.contains("CUDA: not available: " + CudaDevices.discover().reason()), text);
            assertEquals(CudaDevices.discover().reason(), json.at("/cuda/reason").asText());
            assertEquals(0, json.at("/cuda/devices").size());
            assertEquals("cpu", json.at("/auto/device").asText());
            assertEquals("cpu", json.at("/inference/device").asText());
            assertEquals(16, json.at("/inference/maxBatch").asInt());
        }
        assertFalse(json.at("/tensorflow/version").asText().isEmpty());
    }

    @Test
    void withoutJsonPrintsNoJson() {
        StringWriter out = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "devices");
        assertEquals(0, code);
        assertFalse(out.toString().contains("{"), out.toString());
    }
}
