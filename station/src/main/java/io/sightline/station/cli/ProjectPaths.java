package io.sightline.station.cli;

import java.nio.file.Path;

/** Where the launcher says the project lives, for defaults such as the bundled model. */
final class ProjectPaths {
    private ProjectPaths() {}

    static Path home() {
        String home = System.getProperty("sightline.home");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    /** The demo's default model package, committed with the exact command that reproduces it. */
    static Path defaultModel() {
        return home().resolve("models").resolve("default");
    }
}
