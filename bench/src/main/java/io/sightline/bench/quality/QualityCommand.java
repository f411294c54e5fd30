package io.sightline.bench.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sightline bench quality}: the one training recipe on every real dataset, in both modes.
 *
 * <pre>
 *   QualityPanel: ../shared/data's layout datasets, BSData imported and its two harder copies, each --data
 *     for each dataset x mode (supervised, anomaly):
 *       sightline train --data D --out WORK/models/D-MODE --seed S --mode MODE --json   (own JVM)
 *         -> the package scores D/test: AUROC, escape rate at a 1% false-reject rate,
 *            false-reject rate at a 1% escape rate; training seconds; the child's peak RSS
 *   one table, and with --json one JSON object as the last stdout line
 * </pre>
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = {"Trains and evaluates every dataset under ../shared/data in the dataset layout (BSData imported, plus"
                + " a copy with half of each class turned 90 degrees and a copy with each defect class cut to 30 images)"
                + " and each --data, in supervised and anomaly mode, with the one recipe and a fixed seed.",
                "JSON: {\"results\": [{\"dataset\", \"mode\", \"images\", \"auroc\", \"escapeAtFrr1\", \"frrAtEscape1\","
                        + " \"trainSeconds\", \"peakRssMb\"}]}"})
public final class QualityCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "another dataset in the layout (repeatable)")
    List<Path> data = new ArrayList<>();

    @Option(names = "--shared", paramLabel = "DIR", description = "the shared data folder (default: ../shared/data from the project root)")
    Path shared;

    @Option(names = "--mode", paramLabel = "supervised|anomaly", description = "only this mode (repeatable; default: both)")
    List<String> modes = new ArrayList<>();

    @Option(names = "--only", paramLabel = "NAME", description = "only the datasets of this name (repeatable)")
    List<String> only = new ArrayList<>();

    @Option(names = "--seed", description = "training seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--work", paramLabel = "DIR", description = "panel copies and models (default: sightline-out/quality)")
    Path work;

    @Option(names = "--json", description = "print the results as one JSON object on the last stdout line")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String home = System.getProperty("sightline.home");
        Path root = Path.of(home != null ? home : "").toAbsolutePath();
        Path workDir = work != null ? work : root.resolve("sightline-out/quality");
        Path sharedData = shared != null ? shared : root.resolve("../shared/data").normalize();
        if (modes.isEmpty()) modes = List.of("supervised", "anomaly");
        for (String m : modes) {
            if (!m.equals("supervised") && !m.equals("anomaly")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--mode: expected supervised or anomaly, got '" + m + "'");
            }
        }
        PrintStream err = System.err;
        ChildCli cli = new ChildCli(home);
        Files.createDirectories(workDir);
        List<QualityPanel.Dataset> panel = new QualityPanel(workDir, seed, err, cli).build(sharedData, data);
        if (!only.isEmpty()) panel = panel.stream().filter(d -> only.contains(d.name())).toList();
        if (panel.isEmpty()) {
            err.println("quality: no dataset to measure (../shared/data absent and no --data given)");
            return 2;
        }
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Map<String, Object>> anomalyByInputs = new LinkedHashMap<>();
        int total = panel.size() * modes.size();
        int done = 0;
        for (QualityPanel.Dataset d : panel) {
            for (String mode : modes) {
                done++;
                // an anomaly model sees only train/ok; with the same train/ok and test (bsdata-cut30 cuts only
                // defect classes) training is deterministic, so the model and its figures are the same
                String inputs = mode.equals("anomaly") ? fingerprint(d.dir()) : null;
                Map<String, Object> same = inputs == null ? null : anomalyByInputs.get(inputs);
                Map<String, Object> row;
                if (same != null) {
                    err.printf("quality: [%d/%d] %s, %s mode: same ok images and test as %s, same model%n", done, total,
                            d.name(), mode, same.get("dataset"));
                    row = new LinkedHashMap<>(same);
                    row.put("sameAs", same.get("dataset"));
                    row.put("dataset", d.name());
                } else {
                    err.printf("quality: [%d/%d] %s, %s mode%n", done, total, d.name(), mode);
                    row = measure(cli, d, mode, workDir.resolve("models").resolve(d.name() + "-" + mode));
                    if (inputs != null) anomalyByInputs.put(inputs, row);
                }
                results.add(row);
                print(err, row);
            }
        }
        printTable(System.out, results);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("results", results);
            out.put("seed", seed);
            System.out.println(new ObjectMapper().writeValueAsString(out));
        }
        return 0;
    }

    private Map<String, Object> measure(ChildCli cli, QualityPanel.Dataset d, String mode, Path modelDir)
            throws IOException, InterruptedException {
        deleteTree(modelDir);
        Files.createDirectories(modelDir.getParent());
        JsonNode r = cli.run("train", "--data", d.dir().toString(), "--out", modelDir.toString(), "--seed", String.valueOf(seed),
                "--mode", mode, "--json");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("dataset", d.name());
        row.put("mode", mode);
        JsonNode test = r == null ? null : r.get("test");
        row.put("images", test == null ? null : imageCount(d.dir()));
        row.put("auroc", number(test, "auroc"));
        row.put("escapeAtFrr1", number(test, "escapeAtFrr1"));
        row.put("frrAtEscape1", number(test, "frrAtEscape1"));
        row.put("trainSeconds", number(r, "trainingSeconds"));
        row.put("peakRssMb", number(r, "peakRssMb"));
        row.put("validationAuroc", number(r, "validationAuroc"));
        row.put("epochsRun", number(r, "epochsRun"));
        row.put("model", modelDir.toString());
        return row;
    }

    /** Names and sizes of every file of train/ok and test/: what an anomaly model is trained and tested on. */
    private static String fingerprint(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path part : List.of(dir.resolve("train").resolve("ok"), dir.resolve("test"))) {
            if (!Files.isDirectory(part)) continue;
            try (Stream<Path> s = Files.walk(part)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    b.append(dir.relativize(p)).append(':').append(Files.size(p)).append('\n');
                }
            }
        }
        return b.toString();
    }

    private static Double number(JsonNode node, String field) {
        return node == null || !node.hasNonNull(field) ? null : node.get(field).asDouble();
    }

    private static long imageCount(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|tiff?)$")).count();
        }
    }

    private static void print(PrintStream err, Map<String, Object> row) {
        err.printf(Locale.ROOT, "quality: %s %s: test AUROC %s, escape at 1%% FRR %s, FRR at 1%% escape %s, %s s, %s MB%n",
                row.get("dataset"), row.get("mode"), fmt(row.get("auroc")), fmt(row.get("escapeAtFrr1")),
                fmt(row.get("frrAtEscape1")), fmt0(row.get("trainSeconds")), fmt0(row.get("peakRssMb")));
    }

    static void printTable(PrintStream out, List<Map<String, Object>> results) {
        out.printf(Locale.ROOT, "%n%-18s %-10s %7s %8s %14s %14s %9s %9s%n", "dataset", "mode", "images", "AUROC",
                "escape@FRR1%", "FRR@escape1%", "train s", "RSS MB");
        for (Map<String, Object> r : results) {
            out.printf(Locale.ROOT, "%-18s %-10s %7s %8s %14s %14s %9s %9s%n", r.get("dataset"), r.get("mode"),
                    r.get("images") == null ? "-" : r.get("images"), fmt(r.get("auroc")), fmt(r.get("escapeAtFrr1")),
                    fmt(r.get("frrAtEscape1")), fmt0(r.get("trainSeconds")), fmt0(r.get("peakRssMb")));
        }
    }

    private static String fmt(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }

    private static String fmt0(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.0f", ((Number) v).doubleValue());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
