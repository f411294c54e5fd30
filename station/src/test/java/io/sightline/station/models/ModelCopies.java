package io.sightline.station.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/** Real model packages for the swap tests: the committed default, and copies of it as other versions. */
public final class ModelCopies {
    public static final Path DEFAULT = Path.of(System.getProperty("sightline.home", ".")).resolve("models/default");

    private ModelCopies() {}

    /** A copy of the default package with another version in its model.json: another content hash, the same weights. */
    public static Path asVersion(Path dir, String version) {
        return ModelStore.copyAsVersion(DEFAULT, dir, version);
    }

    /** A copy whose weights file was changed after it was sealed: its digests fail. */
    public static Path broken(Path dir) throws IOException {
        asVersion(dir, "broken");
        try (Stream<Path> vars = Files.list(dir.resolve("variables"))) {
            Path weights = vars.filter(p -> p.getFileName().toString().startsWith("variables.data")).findFirst().orElseThrow();
            Files.write(weights, new byte[] {1}, StandardOpenOption.APPEND);
        }
        return dir;
    }
}
