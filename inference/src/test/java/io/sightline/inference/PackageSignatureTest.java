package io.sightline.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ed25519 signatures of model packages: a trusted signer verifies, everything else is refused by name. */
class PackageSignatureTest {
    @TempDir
    Path tmp;

    private Path model() {
        return TestModels.export(tmp.resolve("m"), TestModels.info(List.of("ok", "scratch"), 32, 16), TestModels.uniformOutput(2, 1));
    }

    @Test
    void aPackageSignedByATrustedKeyVerifiesAndStillLoads() throws Exception {
        Path[] keys = PackageSignature.keygen(tmp.resolve("keys"), "qa-team");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys[0])));
        Path m = model();
        PackageSignature.sign(m, keys[0], "qa-team");
        assertEquals("qa-team", PackageSignature.verify(m, List.of(keys[1])));
        ModelPackage.load(m).close(); // model.sig is not one of the digested files
    }

    @Test
    void unsignedUntrustedAndChangedPackagesAreRefusedNamingWhy() throws Exception {
        Path[] qa = PackageSignature.keygen(tmp.resolve("keys"), "qa-team");
        Path[] other = PackageSignature.keygen(tmp.resolve("keys"), "someone");
        Path m = model();
        String unsigned = assertThrows(ModelException.class, () -> PackageSignature.verify(m, List.of(qa[1]))).getMessage();
        assertTrue(unsigned.contains("is not signed"), unsigned);
        PackageSignature.sign(m, other[0], "someone");
        String untrusted = assertThrows(ModelException.class, () -> PackageSignature.verify(m, List.of(qa[1]))).getMessage();
        assertTrue(untrusted.contains("signed by someone") && untrusted.contains("not among the trusted signers"), untrusted);
        PackageSignature.sign(m, qa[0], "qa-team");
        Path json = m.resolve(ModelInfo.FILE_NAME);
        Files.writeString(json, Files.readString(json).replace("\"test-model\"", "\"test-model-2\""));
        String changed = assertThrows(ModelException.class, () -> PackageSignature.verify(m, List.of(qa[1]))).getMessage();
        assertTrue(changed.contains("does not match model.json"), changed);
        String again = assertThrows(IllegalArgumentException.class, () -> PackageSignature.keygen(tmp.resolve("keys"), "qa-team")).getMessage();
        assertTrue(again.contains("exists already"), again);
    }
}
