package io.sightline.station.web;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus text exposition of {@code /metrics}, parsed for the tests: every sample line checked and read. */
final class PrometheusText {
    private PrometheusText() {}

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {}

    static List<Sample> parse(String exposition) {
        List<Sample> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "a Prometheus sample line: " + line);
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity"))));
        }
        return out;
    }

    /** The one sample with this name and (at least) these labels. */
    static double value(List<Sample> samples, String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.name().equals(name)) continue;
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) match &= labels[i + 1].equals(s.labels().get(labels[i]));
            if (match) found.add(s);
        }
        assertEquals(1, found.size(), "one sample " + name + " " + List.of(labels) + ", found " + found);
        return found.get(0).value();
    }

    /** The capture-to-decision histogram's cumulative count at {@code le} (the label compared as a number). */
    static double bucket(List<Sample> samples, String stage, double le) {
        for (Sample s : samples) {
            if (s.name().equals("sightline_stage_latency_seconds_bucket") && stage.equals(s.labels().get("stage"))
                    && Double.parseDouble(s.labels().get("le").replace("+Inf", "Infinity")) == le) {
                return s.value();
            }
        }
        throw new AssertionError("no bucket le=" + le + " for stage " + stage);
    }
}
