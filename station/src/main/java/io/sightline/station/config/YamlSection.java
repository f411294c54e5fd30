package io.sightline.station.config;

import io.sightline.station.TriggerSchedule;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongPredicate;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One map of a station YAML file: its known keys and their values, with typed getters (strings,
 * numbers, integers, booleans, paths, lists) that report what is wrong into {@link YamlProblems},
 * naming the key's full path and line, and return a default. The toolkit
 * {@link StationFileReader} walks the schema with.
 */
final class YamlSection {
final String path;
final int line;
final Map<String, NodeTuple> entries = new LinkedHashMap<>();
private final YamlProblems problems;
private final Path folder;

private YamlSection(YamlProblems problems, Path folder, String path, int line) {
    this.problems = problems;
    this.folder = folder;
    this.path = path;
    this.line = line;
}

    String key(String k) {
        return path.isEmpty() ? k : path + "." + k;
    }

    boolean has(String k) {
        return entries.containsKey(k);
    }

    /** Given and not null. */
    boolean present(String k) {
        return has(k) && !isNull(get(k));
    }

    boolean isNull(String k) {
        return has(k) && isNull(get(k));
    }

    Node get(String k) {
        NodeTuple t = entries.get(k);
        return t == null ? null : t.getValueNode();
    }

    void problem(String k, String message) {
        Node n = get(k);
        if (n != null) problems.problem(n, key(k), message);
        else problems.add(line, key(k), message);
    }

    boolean problemAt(String k) {
        return problems.at(key(k));
    }

    /** A plain scalar's text, or null after reporting anything else (null, a list, a map, a quoted value when {@code plain}). */
    private String scalar(String k, String expected, boolean plain) {
        Node n = get(k);
        if (n instanceof ScalarNode s && !isNull(n)
                && (!plain || s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN)) {
            return s.getValue();
        }
        problem(k, "expected " + expected + ", got " + got(n));
        return null;
    }

    String string(String k, String dflt, java.util.function.Predicate<String> ok, String expected) {
        if (!has(k)) return dflt;
        String v = scalar(k, expected, false);
        if (v == null) return dflt;
        if (!ok.test(v)) {
            problem(k, "expected " + expected + ", got '" + v + "'");
            return dflt;
        }
        return v;
    }

    String required(String k, java.util.function.Predicate<String> ok, String expected) {
        if (!has(k)) {
            problems.add(line, key(k), "expected " + expected + ", got nothing (the key is missing)");
            return null;
        }
        return string(k, null, ok, expected);
    }

    double number(String k, double dflt, java.util.function.DoublePredicate ok, String expected) {
        if (!has(k)) return dflt;
        String v = scalar(k, expected, true);
        if (v == null) return dflt;
        double d;
        try {
            d = Double.parseDouble(v.replace("_", ""));
        } catch (NumberFormatException e) {
            problem(k, "expected " + expected + ", got " + got(get(k)));
            return dflt;
        }
        if (!Double.isFinite(d) || !ok.test(d)) {
            problem(k, "expected " + expected + ", got " + got(get(k)));
            return dflt;
        }
        return d;
    }

    long integer(String k, long dflt, LongPredicate ok, String expected) {
        if (!has(k)) return dflt;
        String v = scalar(k, expected, true);
        if (v == null) return dflt;
        Long n = parseLong(v);
        if (n == null || !ok.test(n)) {
            problem(k, "expected " + expected + ", got " + got(get(k)));
            return dflt;
        }
        return n;
    }

    /** {@code auto} (null) or an integer in [min, max]. */
    Integer auto(String k, int min, int max, String expected) {
        if (!has(k)) return null;
        if (get(k) instanceof ScalarNode s && s.getValue().equals("auto")) return null;
        String v = scalar(k, expected, true);
        if (v == null) return null;
        Long n = parseLong(v);
        if (n == null || n < min || n > max) {
            problem(k, "expected " + expected + ", got " + got(get(k)));
            return null;
        }
        return n.intValue();
    }

    boolean bool(String k, boolean dflt) {
        if (!has(k)) return dflt;
        Node n = get(k);
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return switch (s.getValue().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "y" -> true;
                default -> false;
            };
        }
        problem(k, "expected true or false, got " + got(n));
        return dflt;
    }

    /** A path resolved against the config's folder; {@code none} is null when {@code noneAllowed}. */
    Path path(String k, Path dflt, boolean noneAllowed) {
        if (!has(k)) return dflt;
        String expected = noneAllowed ? "a path or none" : "a path";
        if (!noneAllowed && isNull(k)) return dflt == null ? null : reportNull(k, expected, dflt);
        String v = scalar(k, expected, false);
        if (v == null) return dflt;
        if (noneAllowed && v.equalsIgnoreCase("none")) return null;
        if (v.isBlank()) {
            problem(k, "expected " + expected + ", got an empty string");
            return dflt;
        }
        try {
            return folder.resolve(v).normalize();
        } catch (InvalidPathException e) {
            problem(k, "expected " + expected + ", got " + got(get(k)) + " (" + e.getReason() + ")");
            return dflt;
        }
    }

    private Path reportNull(String k, String expected, Path dflt) {
        problem(k, "expected " + expected + ", got null");
        return dflt;
    }

    TriggerSchedule.Overrun overrun(String k) {
        String expected = "resync (a free-running camera skips the triggers it missed) or catch-up (a triggered camera"
                + " delivers them all, late)";
        if (!has(k)) return TriggerSchedule.Overrun.RESYNC;
        String v = scalar(k, expected, false);
        if (v == null) return TriggerSchedule.Overrun.RESYNC;
        for (TriggerSchedule.Overrun o : TriggerSchedule.Overrun.values()) {
            String lower = o.name().toLowerCase(Locale.ROOT);
            if (v.equals(lower) || v.equals(lower.replace('_', '-'))) return o;
        }
        problem(k, "expected " + expected + ", got " + got(get(k)));
        return TriggerSchedule.Overrun.RESYNC;
    }

    /** {@code [x, y, w, h]} or null. */
    StationFile.Roi roi(String k) {
        if (!present(k)) return null;
        Node n = get(k);
        String expected = "[x, y, w, h]: 4 integers in frame pixels, x and y >= 0, w and h > 0";
        if (!(n instanceof SequenceNode seq) || seq.getValue().size() != 4) {
            problem(k, "expected " + expected + ", got " + got(n));
            return null;
        }
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            Node e = seq.getValue().get(i);
            Long x = e instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? parseLong(s.getValue()) : null;
            if (x == null || x < (i < 2 ? 0 : 1) || x > 100_000) {
                problem(k, "expected " + expected + ", got " + got(n));
                return null;
            }
            v[i] = x.intValue();
        }
        return new StationFile.Roi(v[0], v[1], v[2], v[3]);
    }

    /** A list of detector names, {@code []} or {@code none} (empty), or one name; {@code dflt} when absent or null. */
    List<String> detectors(String k, List<String> dflt) {
        if (!present(k)) return dflt;
        Node n = get(k);
        String expected = "a list of trend detectors from " + String.join(", ", StationFile.DETECTORS) + ", or none / []";
        List<Node> items = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            items.addAll(seq.getValue());
        } else if (n instanceof ScalarNode s) {
            if (s.getValue().equalsIgnoreCase("none")) return List.of();
            items.add(n);
        } else {
            problem(k, "expected " + expected + ", got " + got(n));
            return dflt;
        }
        List<String> names = new ArrayList<>();
        for (Node item : items) {
            String name = item instanceof ScalarNode s ? s.getValue().trim().toLowerCase(Locale.ROOT) : null;
            if (name == null || !StationFile.DETECTORS.contains(name)) {
                String near = name == null ? null : nearest(name, StationFile.DETECTORS);
                problems.problem(item, key(k), "expected " + expected + ", got " + got(item) + (near != null ? " (did you mean '" + near + "'?)" : ""));
                continue;
            }
            if (names.contains(name)) {
                problems.problem(item, key(k), "expected each detector once, got " + name + " twice");
                continue;
            }
            names.add(name);
        }
        return names;
    }

    /** A map at {@code path}: absent or null is an empty one; anything else is reported. */
    static YamlSection of(YamlProblems problems, Path folder, String path, Node node, int fallbackLine, List<String> known) {
        YamlSection s = new YamlSection(problems, folder, path, node != null ? line(node) : fallbackLine);
        if (node == null || isNull(node)) return s;
        if (!(node instanceof MappingNode map)) {
            problems.problem(node, path.isEmpty() ? "(top level)" : path, "expected a map" + (known.isEmpty() ? "" : " with keys " + String.join(", ", known))
                    + ", got " + got(node));
            return s;
        }
        for (NodeTuple t : map.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode ks)) {
                problems.problem(k, path.isEmpty() ? "(top level)" : path, "expected a key (one of " + String.join(", ", known) + "), got " + got(k));
                continue;
            }
            String key = ks.getValue();
            String full = s.key(key);
            if (!known.contains(key)) {
                String near = nearest(key, known);
                problems.problem(k, full, "expected one of the keys " + String.join(", ", known) + ", got '" + key + "'"
                        + (near != null ? " (did you mean '" + near + "'?)" : ""));
                continue;
            }
            NodeTuple first = s.entries.putIfAbsent(key, t);
            if (first != null) {
                problems.problem(k, full, "expected each key once, got it again (first on line " + line(first.getKeyNode()) + ")");
            }
        }
        return s;
    }

    // ---- nodes and values ----

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    /** How a value is described after "got": the scalar as written, or what kind of node it is. */
    static String got(Node n) {
        if (n == null) return "nothing";
        if (n instanceof SequenceNode s) return s.getValue().isEmpty() ? "an empty list" : "a list of " + s.getValue().size();
        if (n instanceof MappingNode) return "a map";
        ScalarNode s = (ScalarNode) n;
        if (s.getTag().equals(Tag.NULL)) return "null" + (s.getValue().isEmpty() ? " (no value)" : "");
        String v = s.getValue();
        if (v.length() > 120) v = v.substring(0, 117) + "...";
        if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) return "\"" + v + "\" (a quoted string)";
        return s.getTag().equals(Tag.STR) ? "'" + v + "'" : v;
    }

    /** A whole number as YAML writes one (underscores allowed, 0x hex), or null. */
    static Long parseLong(String v) {
        String s = v.replace("_", "");
        try {
            if (s.matches("[-+]?[0-9]+")) return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
            if (s.matches("0x[0-9a-fA-F]+")) return Long.parseLong(s.substring(2), 16);
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** The known key nearest to {@code key} when it is close enough to be a typo, else null. */
    static String nearest(String key, List<String> known) {
        String norm = key.toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equals(norm) ? 0 : distance(norm, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, key.length() / 3));
        return best != null && bestDistance <= allowed ? best : null;
    }

    /** Edit distance counting an insertion, deletion, substitution or swap of neighbours as one (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
