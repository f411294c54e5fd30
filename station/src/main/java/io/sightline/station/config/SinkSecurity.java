package io.sightline.station.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the security keys of an output's section: the TLS trust, the user name and where its
 * password is kept. A password is never written in the config itself: it comes from a private
 * file or an environment variable, so the config can be read, versioned and shown without it.
 *
 * <pre>
 *   mqtt:                                          (kafka: the same keys, with tls: true and sasl-mechanism)
 *     uri: ssl://broker.plant:8883
 *     tls-ca: /etc/sightline/broker-ca.pem        # PEM or .p12; default: the JVM's trust store
 *     username: press-7
 *     password-file: /etc/sightline/mqtt.password  # or password-env: SIGHTLINE_MQTT_PASSWORD
 *     insecure: true                               # only to send credentials over plain tcp://
 * </pre>
 */
final class SinkSecurity {
    private SinkSecurity() {}

    /**
     * @param tls whether the section's link is TLS (an ssl:// uri, tls: true)
     * @param whyNotTls how the section says it is not, for the error on a tls-ca without TLS
     */
    static StationFile.SinkAuth auth(YamlSection m, boolean tls, String whyNotTls) {
        Path ca = m.path("tls-ca", null, false);
        if (ca != null && !m.problemAt("tls-ca")) {
            if (!tls) m.problem("tls-ca", "expected TLS with tls-ca, but " + whyNotTls);
            else if (!Files.isRegularFile(ca)) m.problem("tls-ca", "expected a PEM certificate file or a PKCS12 trust store, but " + ca + " does not exist");
        }
        String username = m.string("username", null, u -> !u.isBlank() && u.length() <= 256, "a user name");
        Path passwordFile = m.path("password-file", null, false);
        String passwordEnv = m.string("password-env", null, e -> e.matches("[A-Za-z_][A-Za-z0-9_]*"), "an environment variable's name");
        boolean insecure = m.bool("insecure", false);
        if (passwordFile != null && passwordEnv != null) {
            m.problem("password-env", "expected the password in one place: password-file or password-env, not both");
        }
        boolean password = passwordFile != null || passwordEnv != null;
        if (username != null && !password) {
            m.problem("username", "expected its password beside it: password-file (a file readable by the station only) or password-env");
        } else if (username == null && password) {
            m.problem(passwordFile != null ? "password-file" : "password-env", "expected a username with it");
        } else if (username != null && !tls && !insecure) {
            m.problem("username", "expected TLS for credentials (the password would cross the network in clear: "
                    + whyNotTls + "), or insecure: true if the link is trusted");
        }
        return new StationFile.SinkAuth(ca, username, passwordFile, passwordEnv, insecure);
    }
}
