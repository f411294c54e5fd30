package io.sightline.station.cli;

import io.sightline.postprocess.security.TlsFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sightline tls self-signed --out DIR [--host H]...}: a first TLS setup for the station's
 * server. Writes {@code cert.pem} (what clients trust), {@code key.pem} (mode 600),
 * {@code keystore.p12} and {@code keystore.password} (a random password, mode 600), refusing any
 * file that exists, and prints the {@code server.tls} snippet for the station config.
 */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "TLS material for the station's server.",
        subcommands = {TlsCommand.SelfSigned.class})
public final class TlsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Write a self-signed certificate, its key, a PKCS12 keystore and its password (mode 600) into DIR,"
                    + " and print the server.tls config to paste.")
    static final class SelfSigned implements Callable<Integer> {
        static final Duration VALIDITY = Duration.ofDays(825);
        static final String PASSWORD_FILE = "keystore.password";

        @Spec
        CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "the folder to write into (created if missing)")
        Path out;

        @Option(names = "--host", paramLabel = "H",
                description = "a host name or IP address clients use to reach the station (repeatable); default: 127.0.0.1, localhost"
                        + " and this machine's host name")
        List<String> hosts = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            List<String> names = hosts.isEmpty() ? defaultHosts() : List.copyOf(new LinkedHashSet<>(hosts));
            for (String h : names) {
                if (h.isBlank() || h.chars().anyMatch(ch -> ch <= 0x20 || ch >= 0x7f)) {
                    throw new IllegalArgumentException("--host: expected a host name or IP address, got '" + h + "'");
                }
            }
            Path passwordFile = out.resolve(PASSWORD_FILE);
            for (String name : List.of("cert.pem", "key.pem", "keystore.p12", PASSWORD_FILE)) {
                if (Files.exists(out.resolve(name))) {
                    throw new IllegalArgumentException("--out " + out + ": expected a folder without " + name + ", got one that has it"
                            + " (refusing to overwrite a key; choose another folder or move the old files away)");
                }
            }
            Files.createDirectories(out);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            char[] password = HexFormat.of().formatHex(random).toCharArray();
            // the password file first, created private, so a failure leaves no keystore without its password
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, new String(password) + "\n", StandardCharsets.UTF_8);
            TlsFiles.SelfSigned written;
            try {
                written = TlsFiles.selfSigned(out, names, password, VALIDITY);
            } catch (RuntimeException e) {
                Files.deleteIfExists(passwordFile);
                throw e;
            }
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %s (clients trust this), %s (mode 600), %s and %s (mode 600) for %s, valid %d days%n",
                    written.certPem(), written.keyPem(), written.keystore(), passwordFile, String.join(", ", names), VALIDITY.toDays());
            o.println("paste into the station config:");
            o.println();
            o.println("server:");
            o.println("  bind: 0.0.0.0");
            o.println("  tls:");
            o.println("    keystore: " + written.keystore().toAbsolutePath());
            o.println("    password-file: " + passwordFile.toAbsolutePath());
            o.println("  tokens:");
            o.println("    - {role: operate, file: /etc/sightline/operate.token}   # e.g. (umask 077; openssl rand -hex 16 > FILE)");
            o.println();
            o.println("and give clients " + written.certPem().toAbsolutePath() + " to trust (curl --cacert, Prometheus tls_config.ca_file).");
            o.flush();
            return 0;
        }

        /** 127.0.0.1, localhost and this machine's host name (when it has one). */
        static List<String> defaultHosts() {
            Set<String> h = new LinkedHashSet<>(List.of("127.0.0.1", "localhost"));
            try {
                String name = InetAddress.getLocalHost().getHostName();
                if (name != null && !name.isBlank()) h.add(name);
            } catch (IOException e) {
                // no resolvable host name: loopback only
            }
            return List.copyOf(h);
        }
    }
}
