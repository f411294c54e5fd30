package io.sightline.station.config;

import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The problems found so far in one station file, each with its line and key path: what
 * {@link YamlSection}, {@link StationFileChecks} and the schema walk report into, and what the
 * {@link ConfigException} lists at the end.
 */
final class YamlProblems {
    private final Path file;
    private final List<ConfigProblem> problems;

    /** Reports into {@code problems}, a list the caller reads back. */
    YamlProblems(Path file, List<ConfigProblem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** A problem at {@code node}'s line (0 when there is no node). */
    void problem(Node node, String path, String message) {
        add(node == null ? 0 : YamlSection.line(node), path, message);
    }

    void add(int line, String path, String message) {
        problems.add(new ConfigProblem(file, line, path, message));
    }

    /** Whether a problem was reported at exactly the key path {@code path}. */
    boolean at(String path) {
        for (ConfigProblem p : problems) if (p.key().equals(path)) return true;
        return false;
    }
}
