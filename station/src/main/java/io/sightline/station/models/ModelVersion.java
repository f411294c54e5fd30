package io.sightline.station.models;

import io.sightline.inference.ModelException;
import io.sightline.inference.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model package's identity: its {@code model.json} name and version and its content hash, the
 * SHA-256 of {@code model.json} (which records the SHA-256 of every other file, so the hash covers
 * the whole package). {@link #label()} is how the journal names it in each outcome's {@code model}.
 */
public record ModelVersion(String name, String version, String contentHash) {
    /** The identity of the package in {@code dir} (its model.json is read, not checked further). */
    public static ModelVersion of(Path dir) {
        ModelInfo info = ModelInfo.read(dir.resolve(ModelInfo.FILE_NAME));
        return of(dir, info);
    }

    /** As {@link #of(Path)}, with its model.json already read. */
    public static ModelVersion of(Path dir, ModelInfo info) {
        try {
            byte[] json = Files.readAllBytes(dir.resolve(ModelInfo.FILE_NAME));
            return new ModelVersion(info.name(), info.version(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)));
        } catch (IOException e) {
            throw new ModelException("model package " + dir + ": cannot read " + ModelInfo.FILE_NAME + " (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** {@code NAME VERSION sha256:HASH12}: the journal's model column. */
    public String label() {
        return name + " " + version + " sha256:" + contentHash.substring(0, 12);
    }
}
