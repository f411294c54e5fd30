package io.sightline.station.config;

import static io.sightline.station.config.YamlSection.got;
import static io.sightline.station.config.YamlSection.isNull;
import static io.sightline.station.config.YamlSection.line;

import io.sightline.postprocess.security.Secrets;
import io.sightline.station.web.AccessToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code server} section: where the metrics and dashboard server listens, its tokens
 * with their roles, and its TLS keystore.
 *
 * <pre>
 *   server:
 *     bind: 0.0.0.0
 *     port: 8443
 *     tokens:                                   # a token is never written here, only where it is kept
 *       - {role: read, file: /etc/sightline/grafana.token}      # chmod 600
 *       - {role: operate, env: SIGHTLINE_OPERATOR_TOKEN}
 *     token: env:NAME | file:PATH | VALUE      # older form: one operate token
 *     tls: {keystore: /etc/sightline/tls/keystore.p12, password-file: /etc/sightline/tls/keystore.password}
 *     insecure: true                            # only for plain HTTP off loopback
 *     inspect-max-mb: 16                        # the most bytes of an image sent to POST /api/inspect
 * </pre>
 *
 * <p>Off loopback the server needs a token, and TLS or {@code insecure: true} in so many words. The
 * token files and the keystore's password are read here, so {@code config check} finds a missing
 * file, a file others can read, a short token or a keystore that does not open with its password.
 */
final class ServerSection {
    static final List<String> KEYS = List.of("enabled", "bind", "port", "token", "tokens", "tls", "insecure", "inspect-max-mb");
    private static final String TLS_FORM = "server.tls: {keystore: FILE.p12, password-file: FILE}";

    private final YamlProblems problems;
    private final Path folder;
    private final Function<String, String> env;
    private final StationFileChecks checks;

    ServerSection(YamlProblems problems, Path folder, Function<String, String> env, StationFileChecks checks) {
        this.problems = problems;
        this.folder = folder;
        this.env = env;
        this.checks = checks;
    }

    StationFile.Server read(YamlSection root) {
        YamlSection s = YamlSection.of(problems, folder, "server", root.get("server"), root.line, KEYS);
        boolean enabled = s.bool("enabled", true);
        String bind = s.string("bind", "127.0.0.1", HostNames::isHost, "an IP address or host name to listen on, e.g. 127.0.0.1");
        int port = (int) s.integer("port", 8080, v -> v >= 0 && v <= 65_535, "a TCP port from 0 (any free port) to 65535");
        List<AccessToken> tokens = new ArrayList<>();
        Node tokenNode = s.get("token");
        if (tokenNode != null && !isNull(tokenNode)) {
            if (!(tokenNode instanceof ScalarNode t)) {
                problems.problem(tokenNode, "server.token", "expected a token, env:NAME or file:PATH, got " + got(tokenNode));
            } else {
                String token = checks.token(t);
                if (token != null && printable(tokenNode, "server.token", token)) tokens.add(AccessToken.operate(token));
            }
        }
        tokens.addAll(tokens(s));
        StationFile.ServerTls tls = s.present("tls") ? tls(s) : null;
        boolean insecure = s.bool("insecure", false);
        long inspectMaxMb = s.integer("inspect-max-mb", StationFile.Server.DEFAULT_INSPECT_MAX_MB, v -> v >= 1 && v <= 1024,
                "the inspection API's body limit in MB, 1 to 1024");
        boolean offLoopback = enabled && bind != null && !HostNames.isLoopback(bind);
        if (offLoopback && tokens.isEmpty() && !s.problemAt("token") && !s.problemAt("tokens")) {
            Node at = s.get("tokens") != null ? s.get("tokens") : tokenNode != null ? tokenNode : s.get("bind");
            problems.add(at != null ? line(at) : s.line, "server.tokens", "expected a token of at least " + StationFileChecks.MIN_TOKEN_CHARS
                    + " characters (server.tokens: [{role: operate, file: PATH}], or server.token) because server.bind " + bind
                    + " is not a loopback address, got none");
        }
        if (offLoopback && tls == null && !insecure && !s.present("tls")) {
            Node at = s.get("insecure") != null ? s.get("insecure") : s.get("bind");
            problems.add(at != null ? line(at) : s.line, "server.tls", "expected TLS (" + TLS_FORM + ") because server.bind " + bind
                    + " is not a loopback address, or server.insecure: true to serve plain HTTP there (tokens and data in clear),"
                    + " got neither");
        }
        return new StationFile.Server(enabled, bind, port, tokens, tls, insecure, inspectMaxMb << 20);
    }

    /** {@code server.tokens}: a list of {role, file} or {role, env}. */
    private List<AccessToken> tokens(YamlSection s) {
        if (!s.present("tokens")) return List.of();
        Node node = s.get("tokens");
        String expected = "a list of tokens, each {role: read|operate, file: PATH} or {role: read|operate, env: NAME}";
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problems.problem(node, "server.tokens", "expected " + expected + ", got " + got(node));
            return List.of();
        }
        List<AccessToken> tokens = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String path = "server.tokens[" + i + "]";
            if (!(item instanceof MappingNode)) {
                problems.problem(item, path, "expected " + expected.substring("a list of tokens, each ".length()) + ", got "
                        + (item instanceof ScalarNode ? "a plain value (not shown: a token is never written in the config; put it in a file"
                        + " or a variable)" : got(item)));
                continue;
            }
            YamlSection t = YamlSection.of(problems, folder, path, item, line(item), List.of("role", "file", "env"));
            AccessToken.Role role = null;
            String r = t.required("role", v -> v.equals("read") || v.equals("operate"),
                    "read (metrics and state views) or operate (also thresholds)");
            if (r != null) role = AccessToken.Role.parse(r);
            Path file = t.path("file", null, false);
            String var = t.string("env", null, e -> e.matches("[A-Za-z_][A-Za-z0-9_]*"), "an environment variable's name");
            if (t.problemAt("file") || t.problemAt("env") || (file == null) == (var == null)) {
                if (!t.problemAt("file") && !t.problemAt("env")) {
                    problems.add(line(item), path, "expected where the token is kept: file: PATH (readable by the station's user only) or"
                            + " env: NAME, " + (file == null ? "got neither" : "not both"));
                }
                continue;
            }
            String value = file != null ? tokenFile(t, file) : tokenEnv(t, var);
            if (value == null || role == null) continue;
            if (value.length() < StationFileChecks.MIN_TOKEN_CHARS) {
                t.problem(file != null ? "file" : "env", "expected a token of at least " + StationFileChecks.MIN_TOKEN_CHARS
                        + " characters, got " + (value.isEmpty() ? "an empty one" : value.length() + " characters"));
                continue;
            }
            if (!printable(t.get(file != null ? "file" : "env"), t.key(file != null ? "file" : "env"), value)) continue;
            if (values.contains(value)) {
                problems.problem(item, path, "expected each token once, got the same token as server.tokens[" + values.indexOf(value) + "]");
                continue;
            }
            values.add(value);
            tokens.add(new AccessToken(role, value));
        }
        return Collections.unmodifiableList(tokens);
    }

    private String tokenFile(YamlSection t, Path file) {
        try {
            return new String(Secrets.fromFile(file, "file")).trim();
        } catch (IllegalArgumentException e) {
            t.problem("file", "expected a token file readable by the station's user only, got " + e.getMessage().substring("file: ".length()));
            return null;
        }
    }

    private String tokenEnv(YamlSection t, String name) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) {
            t.problem("env", "expected environment variable " + name + " to hold the token, got it " + (v == null ? "unset" : "empty"));
            return null;
        }
        return v.trim();
    }

    private boolean printable(Node at, String key, String token) {
        if (token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) return true;
        problems.problem(at, key, "expected a token of printable ASCII characters without spaces (e.g. from `openssl rand -hex 16`),"
                + " got one with other characters");
        return false;
    }

    /** {@code server.tls}: the keystore exists and opens with its password. */
    private StationFile.ServerTls tls(YamlSection s) {
        YamlSection t = YamlSection.of(problems, folder, "server.tls", s.get("tls"), s.line, List.of("keystore", "password-file", "password-env"));
        if (!(s.get("tls") instanceof MappingNode)) return null; // reported by of()
        Path keystore = null;
        if (!t.has("keystore")) {
            problems.add(t.line, "server.tls.keystore", "expected a PKCS12 keystore (FILE.p12, e.g. from `sightline tls self-signed`),"
                    + " got nothing (the key is missing)");
        } else {
            keystore = t.path("keystore", null, false);
            if (keystore != null && !Files.isRegularFile(keystore)) {
                t.problem("keystore", "expected a PKCS12 keystore file, got " + keystore + (Files.isDirectory(keystore) ? " (a folder)" : " (no such file)"));
                keystore = null;
            }
        }
        Path passwordFile = t.path("password-file", null, false);
        String passwordEnv = t.string("password-env", null, e -> e.matches("[A-Za-z_][A-Za-z0-9_]*"), "an environment variable's name");
        if (passwordFile != null && passwordEnv != null) {
            t.problem("password-env", "expected the keystore's password in one place: password-file or password-env, not both");
            return null;
        }
        if (passwordFile == null && passwordEnv == null) {
            if (!t.problemAt("password-file") && !t.problemAt("password-env")) {
                problems.add(t.line, "server.tls.password-file", "expected the keystore's password: password-file (readable by the station's"
                        + " user only) or password-env, got neither");
            }
            return null;
        }
        char[] password;
        if (passwordFile != null) {
            try {
                password = Secrets.fromFile(passwordFile, "file");
            } catch (IllegalArgumentException e) {
                t.problem("password-file", "expected the keystore's password in a file readable by the station's user only, got "
                        + e.getMessage().substring("file: ".length()));
                return null;
            }
        } else {
            String v = env.apply(passwordEnv);
            if (v == null || v.isEmpty()) {
                t.problem("password-env", "expected environment variable " + passwordEnv + " to hold the keystore's password, got it "
                        + (v == null ? "unset" : "empty"));
                return null;
            }
            password = v.toCharArray();
        }
        if (keystore == null) return null;
        String why = openKeystore(keystore, password);
        java.util.Arrays.fill(password, '\0');
        if (why != null) {
            t.problem("keystore", "expected a PKCS12 keystore with a key that opens with the password from "
                    + (passwordFile != null ? "password-file" : "password-env") + ", got " + keystore + " (" + why + ")");
            return null;
        }
        return new StationFile.ServerTls(keystore, passwordFile, passwordEnv);
    }

    /** Null when {@code keystore} opens with {@code password} and holds a private key, else why not. */
    static String openKeystore(Path keystore, char[] password) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getKey(alias, password) != null) return null;
            }
            return "it holds no private key";
        } catch (IOException e) {
            return e.getCause() instanceof java.security.UnrecoverableKeyException ? "the password is wrong" : e.getMessage();
        } catch (java.security.GeneralSecurityException e) {
            return e.getMessage();
        }
    }
}
