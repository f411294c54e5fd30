package io.sightline.station.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A station config file that cannot be used, with every problem found in it (not only the first):
 * the message has one line per problem, {@code FILE:LINE: key.path: expected WHAT, got VALUE}, after
 * a first line that counts them.
 */
public final class ConfigException extends IllegalArgumentException {
    private final Path file;
    private final List<ConfigProblem> problems;

    public ConfigException(Path file, List<ConfigProblem> problems) {
        super(message(file, problems));
        if (problems.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one problem");
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    private static String message(Path file, List<ConfigProblem> problems) {
        StringBuilder b = new StringBuilder("station config ").append(file).append(": ").append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (ConfigProblem p : problems) b.append('\n').append(p);
        return b.toString();
    }

    /** The config file, as it was named. */
    public Path file() {
        return file;
    }

    /** Every problem, in the order of the file. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
