package io.sightline.station.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.inference.ModelException;
import io.sightline.inference.ModelInfo;
import io.sightline.inference.PackageDigests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of model versions: each a checked copy of a sealed model package in its own sub-folder
 * ({@code v1}, {@code v2}, ... or a name given), and {@code store.json} with the live version, the
 * versions promoted before it (what {@code rollback} returns to) and a log of every promotion and
 * rollback with who asked.
 *
 * <pre>
 *   STORE/v1/            model.json (name, version, SHA-256 of every file), saved_model.pb, variables/
 *   STORE/v2/
 *   STORE/store.json     {"live": "v2", "promoted": ["v1", "v2"], "log": [{"at", "action", "version", "by"}]}
 * </pre>
 *
 * <p>A version's content hash is the SHA-256 of its {@code model.json} ({@link ModelVersion}), which
 * covers every file; a package is added only when sealed and intact, and only once. {@code store.json}
 * is replaced atomically, so a station watching it ({@link StoreWatch}) never reads half a file.
 */
public final class ModelStore {
    public static final String FILE_NAME = "store.json";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One version in the store. */
    public record Entry(String id, Path dir, ModelVersion version, boolean live, Instant added) {}

    /** What {@code store.json} says: the live version (null: none yet), the promotion stack, the log. */
    public record State(String live, List<String> promoted, List<LogEntry> log) {}

    /** One promotion or rollback. */
    public record LogEntry(Instant at, String action, String version, String by) {}

    private final Path dir;

    private ModelStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The store in {@code dir}; created (empty) when {@code create} and it does not exist.
     *
     * @throws IllegalArgumentException naming the folder when it is not a store
     */
    public static ModelStore open(Path dir, boolean create) {
        if (!Files.isDirectory(dir)) {
            if (!create || Files.exists(dir)) {
                throw new IllegalArgumentException("model store " + dir + ": expected a folder of model versions, "
                        + (Files.exists(dir) ? "got a file" : "it does not exist (models add creates it)"));
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalArgumentException("model store " + dir + ": cannot create it (" + e.getMessage() + ")", e);
            }
        }
        return new ModelStore(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The folder of version {@code id}. */
    public Path versionDir(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("model version '" + id + "': expected a store version name (letters, digits, '.', '_', '-')");
        }
        Path d = dir.resolve(id);
        if (!Files.isRegularFile(d.resolve(ModelInfo.FILE_NAME))) {
            throw new IllegalArgumentException("model version '" + id + "' is not in the store " + dir + " (it has " + ids() + ")");
        }
        return d;
    }

    /** The live version's id, or null when none was promoted. */
    public String live() {
        return state().live();
    }

    /** Every version, in the order they were added. */
    public List<Entry> list() {
        String live = live();
        List<Entry> out = new ArrayList<>();
        for (String id : ids()) {
            Path d = dir.resolve(id);
            try {
                out.add(new Entry(id, d, ModelVersion.of(d), id.equals(live),
                        Files.getLastModifiedTime(d.resolve(ModelInfo.FILE_NAME)).toInstant()));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("model store " + dir + ": version " + id + " cannot be read: " + e.getMessage(), e);
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::added).thenComparing(Entry::id));
        return out;
    }

    private List<String> ids() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(ModelInfo.FILE_NAME))).map(p -> p.getFileName().toString())
                    .filter(n -> ID.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("model store " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the package in {@code pkg} into the store as version {@code id} (null: the next
     * {@code vN}), after checking that it is sealed and intact and not in the store already.
     *
     * @return the new entry
     */
    public synchronized Entry add(Path pkg, String id) {
        ModelInfo info = ModelInfo.read(pkg.resolve(ModelInfo.FILE_NAME));
        if (!info.sealed()) {
            throw new ModelException("model package " + pkg + " is not sealed (its model.json records no SHA-256 of its files), so it "
                    + "has no content hash: retrain it, or seal it after checking it");
        }
        PackageDigests.verify(pkg, info);
        ModelVersion version = ModelVersion.of(pkg, info);
        for (Entry e : list()) {
            if (e.version().contentHash().equals(version.contentHash())) {
                throw new IllegalArgumentException("model package " + pkg + " is in the store already, as " + e.id() + " (sha256:"
                        + version.contentHash().substring(0, 12) + ")");
            }
        }
        if (id == null) {
            int n = 1;
            while (Files.exists(dir.resolve("v" + n))) n++;
            id = "v" + n;
        } else if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("--as: expected a version name of letters, digits, '.', '_', '-' (at most 64), got '" + id + "'");
        } else if (Files.exists(dir.resolve(id))) {
            throw new IllegalArgumentException("--as: the store " + dir + " has a version " + id + " already");
        }
        Path target = dir.resolve(id);
        Path tmp = dir.resolve("." + id + ".adding");
        try {
            copyTree(pkg, tmp);
            PackageDigests.verify(tmp, info); // the copy is what will run
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException("model store " + dir + ": cannot copy " + pkg + " into it (" + e.getMessage() + ")", e);
        } finally {
            deleteTree(tmp);
        }
        return new Entry(id, target, version, false, Instant.now());
    }

    /** Makes version {@code id} the live one (checked intact first); returns the state after. */
    public synchronized State promote(String id, String by) {
        Path d = versionDir(id);
        PackageDigests.verify(d, ModelInfo.read(d.resolve(ModelInfo.FILE_NAME)));
        State s = state();
        if (id.equals(s.live())) throw new IllegalArgumentException("model version " + id + " is live already");
        List<String> promoted = new ArrayList<>(s.promoted());
        promoted.add(id);
        return write(new State(id, promoted, log(s, "promote", id, by)));
    }

    /** Makes the version promoted before the live one live again; returns the state after. */
    public synchronized State rollback(String by) {
        State s = state();
        if (s.promoted().size() < 2) {
            throw new IllegalArgumentException("model store " + dir + ": nothing to roll back to ("
                    + (s.live() == null ? "no version was promoted" : "only " + s.live() + " was ever promoted") + ")");
        }
        List<String> promoted = new ArrayList<>(s.promoted());
        promoted.remove(promoted.size() - 1);
        String back = promoted.get(promoted.size() - 1);
        versionDir(back);
        return write(new State(back, promoted, log(s, "rollback", back, by)));
    }

    private static List<LogEntry> log(State s, String action, String id, String by) {
        List<LogEntry> log = new ArrayList<>(s.log());
        log.add(new LogEntry(Instant.now(), action, id, by));
        return log;
    }

    /** What store.json says now (empty when it does not exist yet). */
    public State state() {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.exists(f)) return new State(null, List.of(), List.of());
        try {
            JsonNode root = JSON.readTree(f.toFile());
            List<String> promoted = new ArrayList<>();
            root.path("promoted").forEach(n -> promoted.add(n.asText()));
            List<LogEntry> log = new ArrayList<>();
            for (JsonNode n : root.path("log")) {
                log.add(new LogEntry(Instant.parse(n.path("at").asText()), n.path("action").asText(), n.path("version").asText(),
                        n.path("by").asText()));
            }
            JsonNode live = root.get("live");
            return new State(live == null || live.isNull() ? null : live.asText(), List.copyOf(promoted), List.copyOf(log));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("model store " + dir + ": " + FILE_NAME + " cannot be read (" + e.getMessage()
                    + "); expected {\"live\": ..., \"promoted\": [...], \"log\": [...]}", e);
        }
    }

    private State write(State s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("live", s.live());
        ArrayNode promoted = root.putArray("promoted");
        s.promoted().forEach(promoted::add);
        ArrayNode log = root.putArray("log");
        for (LogEntry e : s.log()) {
            log.addObject().put("at", e.at().toString()).put("action", e.action()).put("version", e.version()).put("by", e.by());
        }
        Path f = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try {
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalArgumentException("model store " + dir + ": cannot write " + FILE_NAME + " (" + e.getMessage() + ")", e);
        }
        return s;
    }

    /** The folder of the shadow runs' records ({@code .shadow/VERSION.json}); its name is no version's. */
    public static final String SHADOW_DIR = ".shadow";

    /**
     * Records the figures of a shadow run of version {@code id} (what {@code models promote} reads):
     * {@code STORE/.shadow/ID.json}, replaced atomically, outside the version's sealed folder.
     */
    public void writeShadow(String id, java.util.Map<String, Object> record) {
        Path folder = dir.resolve(SHADOW_DIR);
        Path f = folder.resolve(id + ".json");
        Path tmp = folder.resolve(id + ".json.tmp");
        try {
            Files.createDirectories(folder);
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalArgumentException("model store " + dir + ": cannot write " + f + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The last shadow run's record of version {@code id}, or null when it was never shadowed.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public JsonNode readShadow(String id) {
        versionDir(id);
        Path f = dir.resolve(SHADOW_DIR).resolve(id + ".json");
        if (!Files.exists(f)) return null;
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("model store " + dir + ": shadow record " + f + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Copies the package in {@code from} to {@code to} with {@code version} in its model.json instead
     * of its own: another content hash over the same weights (what the swap tests and
     * {@code bench lifecycle} use as a second real model). The copy stays sealed: model.json is not
     * among the files it digests.
     */
    public static Path copyAsVersion(Path from, Path to, String version) {
        Path json = to.resolve(ModelInfo.FILE_NAME);
        try {
            copyTree(from, to);
            ModelInfo info = ModelInfo.read(json);
            String text = Files.readString(json);
            String was = "\"version\" : \"" + info.version() + "\"";
            if (!text.contains(was)) throw new IllegalArgumentException(json + ": expected " + was + " in it");
            Files.writeString(json, text.replace(was, "\"version\" : \"" + version + "\""));
            return to;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            // a leftover temporary folder is not a version (its name starts with '.')
        }
    }
}
