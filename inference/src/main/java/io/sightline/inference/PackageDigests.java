package io.sightline.inference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SHA-256 of every file of a model package, recorded in {@code model.json}'s {@code files} and
 * checked when the package loads, so that weights changed on disk (a copy cut short, a disk
 * error, a hand edit) are refused instead of deciding parts.
 *
 * <pre>
 *   export:  SavedModel written -> compute(dir) -> model.json written with files = {path: sha256}
 *   load:    model.json read -> verify(dir, info): every recorded file present and equal,
 *            no file of the package left unrecorded -> only then the SavedModel is loaded
 * </pre>
 *
 * <p>Every regular file under the package folder counts except {@code model.json} itself (it holds
 * the digests), its temporary {@code model.json.tmp}, and {@code model.sig} (a signature of
 * model.json, {@link PackageSignature}). Paths are relative and {@code /}-separated,
 * in sorted order, so the same package always gives the same map. A package whose {@code model.json}
 * records no files (written before digests existed) is unsealed: it loads, and {@link ModelPackage}
 * says once that it could not be verified.
 */
public final class PackageDigests {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> NOT_DIGESTED = List.of(ModelInfo.FILE_NAME, ModelInfo.FILE_NAME + ".tmp", PackageSignature.FILE_NAME);

    private PackageDigests() {}

    /**
     * The SHA-256 of each file of the package in {@code dir}, by relative path, sorted.
     *
     * @throws ModelException if the folder or a file cannot be read
     */
    public static Map<String, String> compute(Path dir) {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String relative = relative(dir, file);
                if (NOT_DIGESTED.contains(relative)) continue;
                digests.put(relative, sha256(file));
            }
        } catch (IOException e) {
            throw new ModelException("model package " + dir + ": cannot read its files to hash them: " + e, e);
        }
        return Collections.unmodifiableMap(digests);
    }

    /**
     * Checks the files in {@code dir} against {@code info.files()}. Does nothing for an unsealed
     * package (no files recorded).
     *
     * @throws ModelException naming the first file that is missing, changed or not recorded
     */
    public static void verify(Path dir, ModelInfo info) {
        if (!info.sealed()) return;
        Map<String, String> found = compute(dir);
        for (Map.Entry<String, String> recorded : info.files().entrySet()) {
            String actual = found.get(recorded.getKey());
            if (actual == null) {
                throw new ModelException("model package " + dir + ": file " + recorded.getKey() + " is recorded in "
                        + ModelInfo.FILE_NAME + " but missing: the package is incomplete (copy it again)");
            }
            if (!actual.equals(recorded.getValue())) {
                throw new ModelException("model package " + dir + ": file " + recorded.getKey() + " does not match its SHA-256 in "
                        + ModelInfo.FILE_NAME + " (recorded " + recorded.getValue().substring(0, 12) + "..., found "
                        + actual.substring(0, 12) + "...): it was changed after the package was written; refusing to load it");
            }
        }
        for (String path : found.keySet()) {
            if (!info.files().containsKey(path)) {
                throw new ModelException("model package " + dir + ": file " + path + " is not recorded in " + ModelInfo.FILE_NAME
                        + "'s files: it was added after the package was written; refusing to load it");
            }
        }
    }

    /**
     * Records the digests of the package in {@code dir} in its {@code model.json} (which must exist
     * and be valid): for a package written before digests existed, after checking it by hand.
     *
     * @return the sealed description
     */
    public static ModelInfo seal(Path dir) {
        Path json = dir.resolve(ModelInfo.FILE_NAME);
        ModelInfo sealed = ModelInfo.read(json).withFiles(compute(dir));
        sealed.write(json);
        return sealed;
    }

    /** A validated, sorted, unmodifiable copy of a files map, for {@link ModelInfo}'s constructor. */
    static Map<String, String> checkedCopy(Map<String, String> files) {
        if (files == null || files.isEmpty()) return Map.of();
        Map<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            String path = e.getKey();
            if (path == null || path.isBlank() || path.startsWith("/") || path.contains("\\") || List.of(path.split("/")).contains("..")
                    || NOT_DIGESTED.contains(path)) {
                throw new IllegalArgumentException("files: '" + path + "' is not a relative path inside the package");
            }
            if (e.getValue() == null || !SHA256_HEX.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("files." + path + ": expected a SHA-256 as 64 lower-case hex digits, got '"
                        + e.getValue() + "'");
            }
            copy.put(path, e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    private static String relative(Path dir, Path file) {
        Path rel = dir.relativize(file);
        StringBuilder b = new StringBuilder();
        for (Path part : rel) {
            if (b.length() > 0) b.append('/');
            b.append(part);
        }
        return b.toString();
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
