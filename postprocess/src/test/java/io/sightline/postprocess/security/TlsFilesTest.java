package io.sightline.postprocess.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aSelfSignedCertificateNamesItsHostsAndItsKeystoreOpensWithItsPassword() throws Exception {
        TlsFiles.SelfSigned s = TlsFiles.selfSigned(tmp.resolve("tls"), List.of("127.0.0.1", "station-7.plant"), "pw".toCharArray(), Duration.ofDays(30));
        assertEquals(s.certificate(), TlsFiles.readCertificates(s.certPem()).get(0));
        String sans = s.certificate().getSubjectAlternativeNames().toString();
        assertTrue(sans.contains("127.0.0.1") && sans.contains("station-7.plant"), sans);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.keyPem())));
        assertTrue(Files.readString(s.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----"));
        TlsFiles.serverContext(s.keystore(), "pw".toCharArray());
        assertEquals(1, TlsFiles.trustStore(s.certPem()).size());
        String wrong = assertThrows(IllegalArgumentException.class, () -> TlsFiles.serverContext(s.keystore(), "nope".toCharArray())).getMessage();
        assertTrue(wrong.contains(s.keystore().toString()) && wrong.contains("password"), wrong);
        String again = assertThrows(IllegalArgumentException.class,
                () -> TlsFiles.selfSigned(tmp.resolve("tls"), List.of("127.0.0.1"), "pw".toCharArray(), Duration.ofDays(1))).getMessage();
        assertTrue(again.contains("exists already"), again);
    }

    @Test
    void aTrustFileThatIsNotACertificateIsNamed() throws Exception {
        Path junk = Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        String message = assertThrows(IllegalArgumentException.class, () -> TlsFiles.clientContext(junk, null, null)).getMessage();
        assertTrue(message.contains(junk.toString()) && message.contains("PEM"), message);
        Path missing = tmp.resolve("nowhere.pem");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsFiles.clientContext(missing, null, null)).getMessage()
                .contains(missing.toString()));
    }

    @Test
    void secretsComeFromAPrivateFileOrTheEnvironmentAndBadOnesAreNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("mqtt.password"), "s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals("s3cret".toCharArray(), Secrets.fromFile(file, "reject.sinks.mqtt.password-file"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String open = assertThrows(IllegalArgumentException.class, () -> Secrets.fromFile(file, "reject.sinks.mqtt.password-file")).getMessage();
        assertTrue(open.contains("reject.sinks.mqtt.password-file") && open.contains("chmod 600"), open);
        Path empty = Files.writeString(tmp.resolve("empty"), "");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Secrets.fromFile(empty, "x")).getMessage().contains("empty"));
        assertArrayEquals("t".toCharArray(), Secrets.fromEnv(Map.of("SIGHTLINE_MQTT_PASSWORD", "t"), "SIGHTLINE_MQTT_PASSWORD", "x"));
        String unset = assertThrows(IllegalArgumentException.class, () -> Secrets.fromEnv(Map.of(), "SIGHTLINE_MQTT_PASSWORD", "x")).getMessage();
        assertTrue(unset.contains("SIGHTLINE_MQTT_PASSWORD") && unset.contains("not set"), unset);
    }
}
