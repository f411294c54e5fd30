package io.sightline.postprocess.opcua;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Period;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.DefaultTrustListManager;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;

/**
 * An OPC UA application's certificate store, laid out as OPC UA tools keep it (UA Expert, the OPC
 * Foundation's stacks, Milo):
 *
 * <pre>
 *   PKI/own/cert.der          this application's instance certificate (made on first use: RSA 2048,
 *   PKI/own/key.p12           SHA256withRSA, the application URI and hosts as alternative names; mode 600)
 *   PKI/trusted/certs/*.der   peers this application trusts (servers for a client, clients for a server)
 *   PKI/trusted/crl/          their revocation lists
 *   PKI/issuers/certs|crl/    CAs that sign peers, trusted only as issuers
 *   PKI/rejected/*.der        peers that tried and were refused: an operator moves one to trusted/certs
 * </pre>
 *
 * Trust is never given automatically: a peer's first connection is refused and its certificate
 * lands in {@code rejected/}, which is how OPC UA installations are commissioned.
 */
public final class OpcUaPki implements AutoCloseable {
    private static final char[] KEY_PASSWORD = "sightline-opcua".toCharArray(); // the file's mode guards the key, not this
    private static final String ALIAS = "application";

    private final Path dir;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final DefaultTrustListManager trustList;

    private OpcUaPki(Path dir, KeyPair keyPair, X509Certificate certificate, DefaultTrustListManager trustList) {
        this.dir = dir;
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.trustList = trustList;
    }

    /**
     * Opens (and on first use creates) the store in {@code dir} for the application {@code applicationUri}.
     *
     * @param hosts the host names or IP addresses the application is reached at (alternative names)
     * @throws IllegalArgumentException naming the folder when it cannot be read or written, or when
     *     its certificate belongs to another application
     */
    public static OpcUaPki open(Path dir, String applicationUri, List<String> hosts) {
        try {
            Path own = dir.resolve("own");
            Files.createDirectories(own);
            Path cert = own.resolve("cert.der");
            Path key = own.resolve("key.p12");
            KeyPair pair;
            X509Certificate certificate;
            if (Files.exists(cert) && Files.exists(key)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(key)) {
                    store.load(in, KEY_PASSWORD);
                }
                try (InputStream in = Files.newInputStream(cert)) {
                    certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
                }
                pair = new KeyPair(certificate.getPublicKey(), (PrivateKey) store.getKey(ALIAS, KEY_PASSWORD));
                String uri = applicationUri(certificate);
                if (!applicationUri.equals(uri)) {
                    throw new IllegalArgumentException("OPC UA certificate store " + dir + " holds the certificate of " + uri
                            + ", not of " + applicationUri + ": give each application its own pki folder");
                }
            } else {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                pair = generator.generateKeyPair();
                SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(pair)
                        .setCommonName("Sightline " + applicationUri).setOrganization("Sightline")
                        .setApplicationUri(applicationUri).setValidityPeriod(Period.ofYears(5));
                for (String host : hosts) {
                    if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) builder.addIpAddress(host);
                    else builder.addDnsName(host);
                }
                certificate = builder.build();
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(ALIAS, pair.getPrivate(), KEY_PASSWORD, new Certificate[] {certificate});
                Files.deleteIfExists(key);
                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try (OutputStream out = Files.newOutputStream(key)) {
                    store.store(out, KEY_PASSWORD);
                }
                Files.write(cert, certificate.getEncoded());
            }
            return new OpcUaPki(dir, pair, certificate, new DefaultTrustListManager(dir.toFile()));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("OPC UA certificate store " + dir + " cannot be used: " + e, e);
        }
    }

    /** The application URI in a certificate's alternative names, or null. */
    static String applicationUri(X509Certificate certificate) throws java.security.cert.CertificateParsingException {
        if (certificate.getSubjectAlternativeNames() == null) return null;
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
            if (Integer.valueOf(6).equals(name.get(0))) return String.valueOf(name.get(1)); // uniformResourceIdentifier
        }
        return null;
    }

    /** Trusts {@code peer} from now on (writes it to {@code trusted/certs}), as an operator would. */
    public void trust(X509Certificate peer) {
        trustList.addTrustedCertificate(peer);
    }

    public Path dir() {
        return dir;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public DefaultTrustListManager trustList() {
        return trustList;
    }

    /** The certificates refused so far ({@code rejected/}). */
    public List<X509Certificate> rejected() {
        return trustList.getRejectedCertificates();
    }

    @Override
    public void close() throws IOException {
        trustList.close();
    }
}
