package io.sightline.station.config;

import static io.sightline.station.config.ConfigFiles.assertProblem;
import static io.sightline.station.config.ConfigFiles.bad;
import static io.sightline.station.config.ConfigFiles.read;
import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.opcua.OpcUaSecurity;
import io.sightline.postprocess.security.TlsFiles;
import io.sightline.station.web.AccessToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security keys of a station file: the server's tokens with their roles, its TLS keystore and
 * the insecure switch, and the OPC UA outputs' security, certificate store and users. Each bad
 * combination is a problem that names its key.
 */
class SecurityConfigTest {
    @TempDir
    Path dir;

    /** Lines 1-5; a test appends its own keys from line 6 on. */
    private static final String HEAD = ConfigFiles.MINIMAL;
    private static final String READ = "read-token-0123456789abcdef";
    private static final String OPERATE = "operate-token-0123456789abcdef";

    private Path secret(String name, String value, String mode) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, value + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void tokensComeFromFilesAndVariablesWithTheirRoles() throws Exception {
        secret("read.token", READ, "rw-------");
        Path f = ConfigFiles.write(dir, HEAD + """
                server:
                  bind: 0.0.0.0
                  insecure: true
                  token: file:legacy.token
                  tokens:
                    - {role: read, file: read.token}
                    - {role: operate, env: OPERATE_TOKEN}
                """);
        Files.writeString(dir.resolve("legacy.token"), "legacy-token-0123456789\n");
        StationFile.Server s = StationFileReader.read(f, Map.of("OPERATE_TOKEN", OPERATE)::get).server();
        assertEquals(List.of(AccessToken.operate("legacy-token-0123456789"), new AccessToken(AccessToken.Role.READ, READ),
                AccessToken.operate(OPERATE)), s.tokens());
        assertTrue(s.insecure());
        assertNull(s.tls());
        assertFalse(s.toString().contains(READ) || s.toString().contains(OPERATE), s.toString());
    }

    @Test
    void aBadTokenEntryNamesItsKeyAndNeverTheToken() throws Exception {
        secret("open.token", READ, "rw-r--r--");
        secret("short.token", "abc", "rw-------");
        ConfigException e = bad(dir, HEAD + """
                server:
                  tokens:
                    - operate-token-inline-0123456789
                    - {role: admin, file: short.token}
                    - {role: read}
                    - {role: read, file: open.token, env: X}
                    - {role: read, file: open.token}
                    - {role: operate, file: short.token}
                    - {role: read, env: UNSET_TOKEN}
                """);
        assertProblem(e, 8, "server.tokens[0]", "{role: read|operate, file: PATH}", "not shown: a token is never written in the config");
        assertProblem(e, 9, "server.tokens[1].role", "read (metrics and state views) or operate", "got 'admin'");
        assertProblem(e, 10, "server.tokens[2]", "file: PATH", "got neither");
        assertProblem(e, 11, "server.tokens[3]", "not both");
        assertProblem(e, 12, "server.tokens[4].file", "readable by the station's user only", "readable by every user");
        assertProblem(e, 13, "server.tokens[5].file", "at least 16 characters", "got 3 characters");
        assertProblem(e, 14, "server.tokens[6].env", "UNSET_TOKEN to hold the token", "got it unset");
        assertFalse(e.getMessage().contains("operate-token-inline"), e.getMessage());
        assertFalse(e.getMessage().contains(READ), e.getMessage());
    }

    @Test
    void offLoopbackTheServerNeedsTlsOrInsecureInSoManyWords() throws Exception {
        secret("op.token", OPERATE, "rw-------");
        String tokens = "  tokens: [{role: operate, file: op.token}]\n";
        ConfigException e = bad(dir, HEAD + "server:\n  bind: 0.0.0.0\n" + tokens);
        assertProblem(e, 7, "server.tls", "expected TLS (server.tls: {keystore: FILE.p12, password-file: FILE})",
                "server.bind 0.0.0.0 is not a loopback address", "or server.insecure: true", "got neither");
        assertEquals(1, e.problems().size(), e.getMessage());
        ConfigException no = bad(dir, HEAD + "server:\n  bind: 0.0.0.0\n" + tokens + "  insecure: no\n");
        assertProblem(no, 9, "server.tls", "expected TLS");
        assertTrue(read(dir, HEAD + "server:\n  bind: 0.0.0.0\n" + tokens + "  insecure: true\n").server().insecure());
        assertNull(read(dir, HEAD + "server: {bind: 127.0.0.1}\n").server().tls(), "loopback needs neither");
    }

    @Test
    void theKeystoreMustOpenWithItsPassword() throws Exception {
        Path tls = dir.resolve("tls");
        Files.createDirectories(tls);
        TlsFiles.selfSigned(tls, List.of("127.0.0.1"), "right-password".toCharArray(), Duration.ofDays(1));
        secret("right.password", "right-password", "rw-------");
        secret("wrong.password", "wrong-password", "rw-------");
        secret("open.password", "right-password", "rw-r--r--");
        secret("op.token", OPERATE, "rw-------");
        String head = HEAD + "server:\n  bind: 0.0.0.0\n  tokens: [{role: operate, file: op.token}]\n";

        StationFile.Server ok = read(dir, head + "  tls: {keystore: tls/keystore.p12, password-file: right.password}\n").server();
        assertEquals(new StationFile.ServerTls(tls.resolve("keystore.p12"), dir.resolve("right.password"), null), ok.tls());
        Path env = ConfigFiles.write(dir, head + "  tls: {keystore: tls/keystore.p12, password-env: KS_PASSWORD}\n");
        assertNotNull(StationFileReader.read(env, Map.of("KS_PASSWORD", "right-password")::get).server().tls());

        assertProblem(bad(dir, head + "  tls: {keystore: tls/keystore.p12, password-file: wrong.password}\n"), 9, "server.tls.keystore",
                "opens with the password from password-file", "the password is wrong");
        assertProblem(bad(dir, head + "  tls: {keystore: tls/nothing.p12, password-file: right.password}\n"), 9, "server.tls.keystore",
                "a PKCS12 keystore file", "(no such file)");
        assertProblem(bad(dir, head + "  tls: {keystore: tls/keystore.p12, password-file: open.password}\n"), 9, "server.tls.password-file",
                "readable by the station's user only", "readable by every user");
        assertProblem(bad(dir, head + "  tls: {keystore: tls/keystore.p12}\n"), 9, "server.tls.password-file", "got neither");
        assertProblem(bad(dir, head + "  tls: {keystore: tls/keystore.p12, password-file: right.password, password-env: X}\n"), 9,
                "server.tls.password-env", "not both");
        assertProblem(bad(dir, head + "  tls: {password-file: right.password}\n"), 9, "server.tls.keystore", "the key is missing");
        ConfigException unset = bad(dir, head + "  tls: {keystore: tls/keystore.p12, password-env: KS_PASSWORD}\n");
        assertProblem(unset, 9, "server.tls.password-env", "KS_PASSWORD", "got it unset");
        assertFalse(unset.problems().stream().anyMatch(p -> p.key().equals("server.tls") && p.message().startsWith("expected TLS")),
                "a broken tls section is reported once, as itself: " + unset.getMessage());
    }

    @Test
    void opcUaIsSecuredUnlessTheFileSaysNone() throws Exception {
        ConfigException e = bad(dir, HEAD + """
                reject:
                  sinks:
                    opcua: {url: "opc.tcp://plc:4840"}
                    opcua-server: {port: 4841}
                """);
        assertProblem(e, 8, "reject.sinks.opcua.pki", "because security is Basic256Sha256/SignAndEncrypt", "or security: None/None");
        assertProblem(e, 9, "reject.sinks.opcua-server.pki", "because security lists Basic256Sha256/SignAndEncrypt");

        StationFile.Sinks none = read(dir, HEAD + """
                reject:
                  sinks:
                    opcua: {url: "opc.tcp://plc:4840", security: None/None}
                    opcua-server: {port: 4841, security: [None/None]}
                """).reject().sinks();
        assertEquals(new StationFile.OpcUa("opc.tcp://plc:4840"), none.opcua());
        assertEquals(new StationFile.OpcUaServer(4841), none.opcuaServer());

        secret("opcua.password", "plc-password", "rw-------");
        secret("opcua.users", "# operators\nalice:secret-1\nbob:secret-2\n", "rw-------");
        StationFile.Sinks secured = read(dir, HEAD + """
                reject:
                  sinks:
                    opcua: {url: "opc.tcp://plc:4840", security: Aes256_Sha256_RsaPss/Sign, pki: pki-client, username: press-7,
                            password-file: opcua.password}
                    opcua-server: {security: [Basic256Sha256/SignAndEncrypt, Basic256Sha256/Sign], pki: pki-server, users-file: opcua.users}
                """).reject().sinks();
        assertEquals(new StationFile.OpcUa("opc.tcp://plc:4840", OpcUaSecurity.parse("Aes256_Sha256_RsaPss/Sign"), dir.resolve("pki-client"),
                "press-7", dir.resolve("opcua.password"), null), secured.opcua());
        assertEquals(List.of(OpcUaSecurity.DEFAULT, OpcUaSecurity.parse("Basic256Sha256/Sign")), secured.opcuaServer().security());
        assertEquals(4841, secured.opcuaServer().port());
        assertEquals(List.of("alice", "bob"), List.copyOf(secured.opcuaServer().readUsers().keySet()));
        assertArrayEquals("secret-2".toCharArray(), secured.opcuaServer().readUsers().get("bob"));
    }

    @Test
    void badOpcUaSecurityNamesItsKey() throws Exception {
        secret("open.users", "alice:secret\n", "rw-r--r--");
        secret("bad.users", "alice:secret\njust-a-name\n", "rw-------");
        secret("opcua.password", "plc-password", "rw-------");
        ConfigException e = bad(dir, HEAD + """
                reject:
                  sinks:
                    opcua: {url: "opc.tcp://plc:4840", security: Basic256/Sign, username: press-7}
                    opcua-server: {security: [None/None, Basic256Sha256/None], pki: p, users-file: open.users}
                """);
        assertProblem(e, 8, "reject.sinks.opcua.security", "POLICY/MODE", "got policy 'Basic256'");
        assertProblem(e, 8, "reject.sinks.opcua.username", "password-file");
        assertProblem(e, 9, "reject.sinks.opcua-server.security", "POLICY/MODE", "Basic256Sha256/None");
        assertProblem(e, 9, "reject.sinks.opcua-server.users-file", "readable by the station's user only", "readable by every user");

        ConfigException clear = bad(dir, HEAD + """
                reject:
                  sinks:
                    opcua: {url: "opc.tcp://plc:4840", security: None/None, username: press-7, password-file: opcua.password}
                    opcua-server: {security: None/None, users-file: bad.users}
                """);
        assertProblem(clear, 8, "reject.sinks.opcua.username", "a secured policy");
        ConfigProblem users = assertProblem(clear, 9, "reject.sinks.opcua-server.users-file", "line 2 (not name:password)");
        assertFalse(users.message().contains("secret"), users.toString());
        ConfigException file = bad(dir, HEAD + "reject: {sinks: {opcua: {url: \"opc.tcp://plc:4840\", pki: opcua.password}}}\n");
        assertProblem(file, 6, "reject.sinks.opcua.pki", "a file");
        ConfigException shared = bad(dir, HEAD + """
                reject:
                  sinks:
                    opcua: {url: "opc.tcp://plc:4840", pki: pki}
                    opcua-server: {pki: pki}
                """);
        assertProblem(shared, 9, "reject.sinks.opcua-server.pki", "a pki folder of its own");
    }
}
