package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sightline tls self-signed}: its files, their modes, the keystore's password, and no overwriting. */
class TlsCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SightlineCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesACertificateAKeystoreAndItsPrivatePassword() throws Exception {
        Path out = dir.resolve("tls");
        Run r = run("tls", "self-signed", "--out", out.toString(), "--host", "127.0.0.1", "--host", "station.plant.example");
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("cert.pem", "key.pem", "keystore.p12", "keystore.password")) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("key.pem"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("keystore.password"))));

        char[] password = Files.readAllLines(out.resolve("keystore.password")).get(0).toCharArray();
        assertTrue(password.length >= 32, "a long random password");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(out.resolve("keystore.p12"))) {
            store.load(in, password);
        }
        String alias = store.aliases().nextElement();
        assertInstanceOf(PrivateKey.class, store.getKey(alias, password));
        X509Certificate cert = (X509Certificate) store.getCertificate(alias);
        String names = cert.getSubjectAlternativeNames().toString();
        assertTrue(names.contains("127.0.0.1") && names.contains("station.plant.example"), names);

        assertTrue(r.out().contains("keystore: " + out.resolve("keystore.p12").toAbsolutePath()), r.out());
        assertTrue(r.out().contains("password-file: " + out.resolve("keystore.password").toAbsolutePath()), r.out());
        assertFalse(r.out().contains(new String(password)), "the password is never printed");

        Run again = run("tls", "self-signed", "--out", out.toString());
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("refusing to overwrite"), again.err());
        assertArrayEquals(password, Files.readAllLines(out.resolve("keystore.password")).get(0).toCharArray(), "nothing was replaced");
    }

    @Test
    void theDefaultHostsAreLoopbackAndThisMachine() {
        List<String> hosts = TlsCommand.SelfSigned.defaultHosts();
        assertEquals(List.of("127.0.0.1", "localhost"), hosts.subList(0, 2));
    }
}
