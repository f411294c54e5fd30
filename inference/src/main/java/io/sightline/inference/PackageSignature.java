package io.sightline.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Ed25519 signatures of model packages, so a station can require that its model comes from a
 * trusted signer (the team that trains and validates models), not only that it is intact.
 *
 * <pre>
 *   keygen:  NAME.key (PKCS8 PEM, mode 600, kept by the signer)  +  NAME.pub (X.509 PEM, given to stations)
 *   sign:    model.sig = {"algorithm": "Ed25519", "signer": NAME, "key": sha256 of the public key,
 *                         "signature": base64 of Ed25519 over the bytes of model.json}
 *   verify:  model.sig present, signed by one of the trusted public keys, over model.json as it is
 * </pre>
 *
 * <p>model.json records the SHA-256 of every other file ({@link PackageDigests}), so signing it
 * signs the whole package; {@code model.sig} itself is not digested. Ed25519 is in the JDK.
 */
public final class PackageSignature {
    /** The signature's file name inside a package. */
    public static final String FILE_NAME = "model.sig";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PackageSignature() {}

    /** A new key pair written as {@code dir/NAME.key} (private, mode 600) and {@code dir/NAME.pub}; refuses existing files. */
    public static Path[] keygen(Path dir, String name) {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("signer name: expected letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        Path key = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        for (Path p : List.of(key, pub)) {
            if (Files.exists(p)) throw new IllegalArgumentException(p + " exists already: refusing to overwrite a key");
        }
        try {
            Files.createDirectories(dir);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return new Path[] {key, pub};
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot write a signing key into " + dir + ": " + e, e);
        }
    }

    /**
     * Signs the package in {@code dir} with the private key in {@code keyFile}, as signer {@code name}.
     *
     * @throws ModelException if the package is not sealed (its model.json records no file digests)
     */
    public static void sign(Path dir, Path keyFile, String name) {
        ModelInfo info = ModelInfo.read(dir.resolve(ModelInfo.FILE_NAME));
        if (!info.sealed()) {
            throw new ModelException("model package " + dir + " is not sealed (model.json records no file digests): retrain it, "
                    + "so that signing model.json signs every file");
        }
        PackageDigests.verify(dir, info);
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(unpem(keyFile, "PRIVATE KEY")));
            PublicKey pub = publicOf(keyFile);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(Files.readAllBytes(dir.resolve(ModelInfo.FILE_NAME)));
            ObjectNode sig = JSON.createObjectNode();
            sig.put("algorithm", "Ed25519");
            sig.put("signer", name);
            sig.put("key", fingerprint(pub));
            sig.put("signature", Base64.getEncoder().encodeToString(s.sign()));
            Files.writeString(dir.resolve(FILE_NAME), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sig) + "\n");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign " + dir + " with " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that the package in {@code dir} is signed by one of {@code trusted} (public key files).
     *
     * @return the signer's name
     * @throws ModelException naming the package and what is wrong: no signature, an unknown signer, a bad signature
     */
    public static String verify(Path dir, List<Path> trusted) {
        Path sigFile = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(sigFile)) {
            throw new ModelException("model package " + dir + " is not signed (no " + FILE_NAME + ") but the station requires a "
                    + "signature by one of " + trusted);
        }
        try {
            JsonNode sig = JSON.readTree(sigFile.toFile());
            String keyId = sig.path("key").asText("");
            for (Path pubFile : trusted) {
                PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(unpem(pubFile, "PUBLIC KEY")));
                if (!fingerprint(pub).equals(keyId)) continue;
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(pub);
                s.update(Files.readAllBytes(dir.resolve(ModelInfo.FILE_NAME)));
                if (!s.verify(Base64.getDecoder().decode(sig.path("signature").asText("")))) {
                    throw new ModelException("model package " + dir + ": the signature by " + sig.path("signer").asText("?")
                            + " does not match model.json: the package was changed after it was signed");
                }
                return sig.path("signer").asText("?");
            }
            throw new ModelException("model package " + dir + " is signed by " + sig.path("signer").asText("?") + " (key "
                    + keyId + "), who is not among the trusted signers " + trusted);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ModelException("model package " + dir + ": " + FILE_NAME + " or a trusted key cannot be read: " + e.getMessage(), e);
        }
    }

    /** The public key's SHA-256, hex: how model.sig names its key. */
    static String fingerprint(PublicKey key) throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    }

    private static PublicKey publicOf(Path keyFile) throws IOException, GeneralSecurityException {
        Path pub = keyFile.resolveSibling(keyFile.getFileName().toString().replaceFirst("\\.key$", ".pub"));
        if (!Files.isRegularFile(pub)) throw new IllegalArgumentException("the public key " + pub + " beside " + keyFile + " is missing");
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(unpem(pub, "PUBLIC KEY")));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int a = text.indexOf(begin);
        int b = text.indexOf(end);
        if (a < 0 || b < a) throw new IllegalArgumentException(file + ": expected a PEM " + type);
        return Base64.getMimeDecoder().decode(text.substring(a + begin.length(), b));
    }
}
