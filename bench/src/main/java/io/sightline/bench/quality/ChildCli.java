package io.sightline.bench.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code sightline} commands in a fresh JVM on this JVM's class path: each training gets its
 * own process, so its peak memory is its own and one run cannot leak into the next. Standard
 * error passes through (the command's progress), standard output is kept and its last line is
 * the command's JSON.
 */
final class ChildCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String home;

    ChildCli(String home) {
        this.home = home;
    }

    /** Runs {@code args}; returns the last stdout line parsed as JSON, or null when it is not JSON. */
    JsonNode run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.nopointergc=true", "-cp", System.getProperty("java.class.path")));
        if (home != null) command.add("-Dsightline.home=" + home);
        command.add("io.sightline.station.cli.SightlineCli");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
        Process process = builder.start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.isBlank()) last = line;
            }
        }
        int exit = process.waitFor();
        if (exit != 0) throw new IOException("sightline " + String.join(" ", args) + " failed with exit code " + exit);
        if (last == null || !last.startsWith("{")) return null;
        return JSON.readTree(last);
    }
}
