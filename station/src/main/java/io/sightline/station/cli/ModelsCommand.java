package io.sightline.station.cli;

import io.sightline.station.config.StationFile;
import io.sightline.station.config.StationFileReader;
import io.sightline.station.models.ModelStore;
import io.sightline.station.models.ModelVersion;
import io.sightline.station.models.ShadowVerdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sightline models list|add|promote|rollback}: the model store ({@link ModelStore}). A
 * station whose config names the store ({@code model-store}) follows its live pointer: promote and
 * rollback reach it within a second, and it journals the swap with the name given here.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Model versions in a store: list, add a package, promote one to live, roll back to the one before.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Add.class, ModelsCommand.Promote.class, ModelsCommand.Rollback.class})
public final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the store is: given, or the {@code model-store} of a station config. */
    static final class StoreOption {
        static final class Where {
            @Option(names = "--store", paramLabel = "DIR", required = true, description = "the model store folder")
            Path store;
            @Option(names = "--config", paramLabel = "FILE", required = true, description = "a station config: its model-store")
            Path config;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        ModelStore open(boolean create) {
            if (where.store != null) return ModelStore.open(where.store, create);
            StationFile file = StationFileReader.read(where.config);
            if (file.modelStore() == null) {
                throw new IllegalArgumentException(where.config + " has no model-store: expected model-store: DIR in it, or --store DIR");
            }
            return ModelStore.open(file.modelStore(), create);
        }
    }

    /** Who asks, for the store's log and the station's journal. */
    static final class ByOption {
        @Option(names = "--by", paramLabel = "NAME", description = "who asks (default: USER@HOST)")
        String by;

        String who() {
            if (by != null) {
                if (by.isBlank() || by.length() > 64) throw new IllegalArgumentException("--by: expected a name of 1 to 64 characters, got '" + by + "'");
                return by.strip();
            }
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            return System.getProperty("user.name", "someone") + "@" + host;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every version in the store, the live one marked.")
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store;
        @Option(names = "--json", description = "one JSON object as the last line")
        boolean json;

        @Override
        public Integer call() {
            ModelStore s = store.open(false);
            PrintWriter o = spec.commandLine().getOut();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ModelStore.Entry e : s.list()) {
                o.printf("%s %-10s %-32s %-10s sha256:%s  added %s%n", e.live() ? "*" : " ", e.id(), e.version().name(), e.version().version(),
                        e.version().contentHash().substring(0, 12), e.added());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", e.id());
                m.put("name", e.version().name());
                m.put("version", e.version().version());
                m.put("sha256", e.version().contentHash());
                m.put("live", e.live());
                m.put("added", e.added().toString());
                rows.add(m);
            }
            ModelStore.State st = s.state();
            if (rows.isEmpty()) o.println("(no versions in " + s.dir() + ": models add PACKAGE)");
            else o.println("live: " + (st.live() == null ? "none (models promote VERSION)" : st.live()));
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("store", s.dir().toString());
                m.put("live", st.live());
                m.put("promoted", st.promoted());
                m.put("versions", rows);
                o.println(Json.line(m));
            }
            o.flush();
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Copy a sealed, intact model package into the store as a new version (not live yet).")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store;
        @Parameters(paramLabel = "PACKAGE", description = "the model package folder (model.json, saved_model.pb, variables/)")
        Path pkg;
        @Option(names = "--as", paramLabel = "ID", description = "the version's name in the store (default: the next vN)")
        String id;

        @Override
        public Integer call() {
            ModelStore.Entry e = store.open(true).add(pkg, id);
            PrintWriter o = spec.commandLine().getOut();
            o.printf("added %s as %s (%s); make it live with: sightline models promote %s%n", pkg, e.id(), e.version().label(), e.id());
            o.flush();
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Make a version live: a station following the store swaps to it within a second.",
                    "Prints the version's shadow run figures, and refuses a version never shadowed, or whose shadow scored fewer "
                            + "than --min-parts parts or agreed less than --min-agreement on a line, unless --force."})
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store;
        @Mixin
        ByOption by;
        @Parameters(paramLabel = "VERSION", description = "the store version, as models list names it")
        String version;
        @Option(names = "--force", description = "promote even when its shadow run is missing or disagreed beyond the limits")
        boolean force;
        @Option(names = "--min-agreement", paramLabel = "RATE", description = "the agreement each line's shadow needs (default: ${DEFAULT-VALUE})")
        double minAgreement = ShadowVerdict.DEFAULT_MIN_AGREEMENT;
        @Option(names = "--min-parts", paramLabel = "N", description = "the parts each line's shadow must have scored (default: ${DEFAULT-VALUE})")
        long minParts = ShadowVerdict.DEFAULT_MIN_PARTS;

        @Override
        public Integer call() {
            ModelStore st = store.open(false);
            ShadowVerdict v = st.state().live() == null ? ShadowVerdict.firstVersion(version) : ShadowVerdict.of(version, ModelVersion.of(st.versionDir(version)).contentHash(), st.readShadow(version),
                    minAgreement, minParts);
            PrintWriter o = spec.commandLine().getOut();
            v.figures().forEach(o::println);
            if (!v.promotable()) {
                if (!force) {
                    o.flush();
                    throw new IllegalArgumentException("models promote " + version + ": refused: " + String.join("; ", v.problems())
                            + " (--force promotes it anyway)");
                }
                o.println("promoted with --force despite: " + String.join("; ", v.problems()));
            }
            ModelStore.State s = st.promote(version, by.who());
            o.printf("live: %s (promoted: %s); a running station logs and journals the swap, or refuses it and keeps its model%n",
                    s.live(), String.join(" > ", s.promoted()));
            o.flush();
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Make the version promoted before the live one live again.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store;
        @Mixin
        ByOption by;

        @Override
        public Integer call() {
            ModelStore.State s = store.open(false).rollback(by.who());
            PrintWriter o = spec.commandLine().getOut();
            o.printf("live: %s (promoted: %s)%n", s.live(), String.join(" > ", s.promoted()));
            o.flush();
            return 0;
        }
    }
}
