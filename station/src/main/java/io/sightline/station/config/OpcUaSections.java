package io.sightline.station.config;

import static io.sightline.station.config.YamlSection.got;

import io.sightline.postprocess.opcua.OpcUaSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code reject.sinks.opcua} (the station as a client of a PLC) and {@code
 * reject.sinks.opcua-server} (the station's own server) with their security.
 *
 * <pre>
 *   opcua:
 *     url: opc.tcp://plc.cell-3:4840
 *     security: Basic256Sha256/SignAndEncrypt     # the default; None/None only when written here
 *     pki: /var/lib/sightline/opcua-pki           # own/, trusted/certs, rejected/ (required unless None/None)
 *     username: press-7                           # optional; with password-file or password-env
 *     password-file: /etc/sightline/opcua.password
 *   opcua-server:
 *     port: 4841
 *     security: [Basic256Sha256/SignAndEncrypt, Aes256_Sha256_RsaPss/Sign]   # the default: the first alone
 *     pki: /var/lib/sightline/opcua-server-pki
 *     users-file: /etc/sightline/opcua.users      # lines name:password, chmod 600; none: anonymous sessions
 * </pre>
 *
 * <p>The pki folder is created, with the station's certificate, at its first start; a client or
 * server whose certificate is not trusted yet is refused and lands in {@code rejected/}, from where
 * an operator moves it to {@code trusted/certs}.
 */
final class OpcUaSections {
    private static final String PKI_WHAT = "a folder for the station's OPC UA certificate and trust lists (own/, trusted/, rejected/)";

    private OpcUaSections() {
    }

    static StationFile.OpcUa client(YamlSection s, YamlProblems problems, Path folder) {
        YamlSection o = YamlSection.of(problems, folder, "reject.sinks.opcua", s.get("opcua"), s.line,
                List.of("url", "security", "pki", "username", "password-file", "password-env"));
        String url = o.required("url", u -> u.matches("opc\\.tcp://[^/?#\\s]+(:\\d{1,5})?(/.*)?"),
                "an OPC UA endpoint URL such as opc.tcp://127.0.0.1:4840");
        OpcUaSecurity security = OpcUaSecurity.DEFAULT;
        if (o.has("security")) {
            String text = o.string("security", null, v -> true, "POLICY/MODE, e.g. Basic256Sha256/SignAndEncrypt");
            if (text != null) {
                try {
                    security = OpcUaSecurity.parse(text.trim());
                } catch (IllegalArgumentException e) {
                    o.problem("security", e.getMessage());
                }
            }
        }
        Path pki = pki(o, security.secured(), "security is " + security);
        String username = o.string("username", null, u -> !u.isBlank() && u.length() <= 256, "a user name");
        Path passwordFile = o.path("password-file", null, false);
        String passwordEnv = o.string("password-env", null, e -> e.matches("[A-Za-z_][A-Za-z0-9_]*"), "an environment variable's name");
        boolean password = passwordFile != null || passwordEnv != null;
        if (passwordFile != null && passwordEnv != null) {
            o.problem("password-env", "expected the password in one place: password-file or password-env, not both");
        } else if (username != null && !password) {
            o.problem("username", "expected its password beside it: password-file (a file readable by the station only) or password-env");
        } else if (username == null && password) {
            o.problem(passwordFile != null ? "password-file" : "password-env", "expected a username with it");
        } else if (username != null && !security.secured() && !o.problemAt("security")) {
            o.problem("username", "expected a secured policy for a user's password (with None/None it would cross the network in clear),"
                    + " e.g. security: Basic256Sha256/SignAndEncrypt");
        }
        return new StationFile.OpcUa(url, security, pki, username, passwordFile, passwordEnv);
    }

    static StationFile.OpcUaServer server(YamlSection s, YamlProblems problems, Path folder) {
        YamlSection o = YamlSection.of(problems, folder, "reject.sinks.opcua-server", s.get("opcua-server"), s.line, List.of("port", "security", "pki", "users-file"));
        int port = (int) o.integer("port", 4841, v -> v >= 1 && v <= 65_535, "a TCP port from 1 to 65535");
        List<OpcUaSecurity> endpoints = new ArrayList<>();
        if (!o.present("security")) {
            endpoints.add(OpcUaSecurity.DEFAULT);
        } else {
            Node n = o.get("security");
            List<Node> items = n instanceof SequenceNode seq ? seq.getValue() : List.of(n);
            if (items.isEmpty() || items.stream().anyMatch(i -> !(i instanceof ScalarNode))) {
                o.problem("security", "expected a list of POLICY/MODE, e.g. [Basic256Sha256/SignAndEncrypt], got " + got(n));
            }
            for (Node item : items) {
                if (!(item instanceof ScalarNode sc)) continue;
                try {
                    OpcUaSecurity sec = OpcUaSecurity.parse(sc.getValue().trim());
                    if (endpoints.contains(sec)) problems.problem(item, o.key("security"), "expected each POLICY/MODE once, got " + sec + " twice");
                    else endpoints.add(sec);
                } catch (IllegalArgumentException e) {
                    problems.problem(item, o.key("security"), e.getMessage());
                }
            }
        }
        boolean secured = endpoints.stream().anyMatch(OpcUaSecurity::secured);
        Path pki = pki(o, secured, "security lists " + endpoints.stream().filter(OpcUaSecurity::secured).findFirst().orElse(OpcUaSecurity.NONE));
        Path users = o.path("users-file", null, false);
        if (users != null && !o.problemAt("users-file")) {
            String why = checkUsers(users);
            if (why != null) o.problem("users-file", "expected a file of lines name:password readable by the station's user only, got " + why);
        }
        if (endpoints.isEmpty()) endpoints.add(OpcUaSecurity.DEFAULT); // reported above
        return new StationFile.OpcUaServer(port, endpoints, pki, users);
    }

    private static Path pki(YamlSection o, boolean secured, String because) {
        Path pki = o.path("pki", null, false);
        if (pki == null && secured && !o.problemAt("pki")) {
            o.problem("pki", "expected " + PKI_WHAT + " because " + because + ", got nothing (set pki: DIR, created at the first start;"
                    + " or security: None/None on a trusted, isolated network)");
        } else if (pki != null && Files.exists(pki) && !Files.isDirectory(pki)) {
            o.problem("pki", "expected " + PKI_WHAT + ", got " + pki + ", a file");
        }
        return pki;
    }

    /** Null when {@code file} is a users file the server can take, else what is wrong (never a password). */
    static String checkUsers(Path file) {
        try {
            read(file);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * The users of a {@code users-file}: one {@code name:password} a line; blank lines and lines
     * starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the file and line (never the password) when it is
     *     missing, readable by others, empty, or has a line without a name or a password, or a name twice
     */
    static Map<String, char[]> read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " (" + (Files.isDirectory(file) ? "a folder" : "no such file") + ")");
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ)) throw new IllegalArgumentException(file + ", readable by every user (chmod 600 it)");
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " (" + e.getMessage() + ")", e);
        }
        Map<String, char[]> users = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) continue;
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1 || line.substring(0, colon).isBlank()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " (not name:password)");
            }
            String name = line.substring(0, colon).trim();
            if (!seen.add(name)) throw new IllegalArgumentException(file + " line " + (i + 1) + " (user " + name + " again)");
            users.put(name, line.substring(colon + 1).toCharArray());
        }
        if (users.isEmpty()) throw new IllegalArgumentException(file + " (no users in it)");
        return users;
    }
}
