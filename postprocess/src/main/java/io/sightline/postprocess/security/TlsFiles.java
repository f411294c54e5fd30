package io.sightline.postprocess.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS material from files, the way plants hand it out: PEM certificates (a broker's CA, a
 * self-signed server certificate) and PKCS12 keystores, turned into {@link SSLContext}s for the
 * station's outputs and its server; and a self-signed certificate for a first setup.
 *
 * <pre>
 *   trust:    FILE.pem (one or more certificates)  |  FILE.p12 / FILE.pfx (a PKCS12 trust store)
 *   identity: FILE.p12 with its password            (a certificate and its private key)
 *   selfSigned(dir): cert.pem + key.pem (PKCS8, mode 600) + keystore.p12, RSA 2048, SHA256withRSA,
 *                    subject alternative names for each host (IP address or DNS name)
 * </pre>
 *
 * <p>Every problem is an {@link IllegalArgumentException} naming the file and what was expected.
 */
public final class TlsFiles {
    /** The alias of the key entry in a keystore that {@link #selfSigned} writes. */
    public static final String ALIAS = "sightline";

    private TlsFiles() {}

    /** The files {@link #selfSigned} wrote, and the certificate. */
    public record SelfSigned(Path certPem, Path keyPem, Path keystore, X509Certificate certificate) {}

    /**
     * Writes a new self-signed certificate for {@code hosts} (IP addresses or DNS names; the first is
     * the common name) into {@code dir}: {@code cert.pem}, {@code key.pem} and {@code keystore.p12}
     * protected by {@code password}. It can serve as its own CA: clients trust {@code cert.pem}.
     *
     * @throws IllegalArgumentException if {@code hosts} is empty or a file exists already
     */
    public static SelfSigned selfSigned(Path dir, List<String> hosts, char[] password, Duration validity) {
        if (hosts.isEmpty()) throw new IllegalArgumentException("a certificate needs at least one host name or IP address");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path keystore = dir.resolve("keystore.p12");
        for (Path p : List.of(cert, key, keystore)) {
            if (Files.exists(p)) throw new IllegalArgumentException(p + " exists already: refusing to overwrite a key (choose another folder)");
        }
        try {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + hosts.get(0).replace(",", "\\,") + ",O=Sightline");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String host : hosts) {
                names.add(isIpAddress(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            writePem(cert, certificate);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            writePem(key, pair.getPrivate());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
            try (OutputStream out = Files.newOutputStream(keystore)) {
                store.store(out, password);
            }
            return new SelfSigned(cert, key, keystore, certificate);
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalArgumentException("cannot write a self-signed certificate into " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client context that trusts the certificates in {@code trust} ({@code null}: the JVM's
     * default trust) and, when {@code identity} is given, presents its key (client certificates).
     */
    public static SSLContext clientContext(Path trust, Path identity, char[] identityPassword) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust == null ? null : trustStore(trust));
            KeyManagerFactory kmf = null;
            if (identity != null) kmf = keyManagers(identity, identityPassword);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS with trust " + trust + ": " + e.getMessage(), e);
        }
    }

    /** A server context presenting the key in the PKCS12 {@code keystore}. */
    public static SSLContext serverContext(Path keystore, char[] password) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(keystore, password).getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS with keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file, or of a PKCS12 trust store ({@code .p12}, {@code .pfx}), as a trust store. */
    public static KeyStore trustStore(Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            if (isPkcs12(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, new char[0]);
                }
                if (store.size() == 0) throw new IllegalArgumentException(file + ": the trust store holds no certificate");
                return store;
            }
            store.load(null, null);
            List<X509Certificate> certificates = readCertificates(file);
            for (int i = 0; i < certificates.size(); i++) store.setCertificateEntry("trusted-" + i, certificates.get(i));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": expected PEM certificates or a PKCS12 trust store: " + reason(e), e);
        }
    }

    /** The X.509 certificates of a PEM (or DER) file; at least one. */
    public static List<X509Certificate> readCertificates(Path pem) {
        if (!Files.isRegularFile(pem)) throw new IllegalArgumentException(pem + ": no such certificate file");
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) out.add((X509Certificate) c);
            if (out.isEmpty()) throw new IllegalArgumentException(pem + ": expected one or more PEM certificates, found none");
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + ": expected one or more PEM certificates: " + reason(e), e);
        }
    }

    private static KeyManagerFactory keyManagers(Path keystore, char[] password) throws GeneralSecurityException {
        if (!Files.isRegularFile(keystore)) throw new IllegalArgumentException(keystore + ": no such keystore file");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IllegalArgumentException(keystore + ": not a PKCS12 keystore, or the password is wrong: " + reason(e), e);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return kmf;
    }

    private static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private static boolean isIpAddress(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object instanceof java.security.PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : object);
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
