package io.sightline.postprocess.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * Passwords and tokens from where plants keep them: a file readable by the station's user only, or
 * an environment variable set by the service manager. Never from the command line, where any user
 * of the machine can read them in the process list.
 */
public final class Secrets {
    private Secrets() {}

    /**
     * The first line of {@code file}, without its line end.
     *
     * @param what what the secret is for, to name it in errors (e.g. {@code reject.sinks.mqtt.password-file})
     * @throws IllegalArgumentException if the file is missing, unreadable, empty, or readable by others
     */
    public static char[] fromFile(Path file, String what) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(what + ": " + file + " does not exist or is not a file");
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException(what + ": " + file + " is readable by every user of the machine; chmod 600 it");
            }
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: nothing to check
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": " + file + " cannot be read: " + e.getMessage(), e);
        }
        String first = text.lines().findFirst().orElse("");
        if (first.isEmpty()) throw new IllegalArgumentException(what + ": " + file + " is empty (expected the secret on its first line)");
        return first.toCharArray();
    }

    /**
     * The value of environment variable {@code name} in {@code environment}.
     *
     * @throws IllegalArgumentException if it is not set or empty
     */
    public static char[] fromEnv(Map<String, String> environment, String name, String what) {
        String value = environment.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + ": environment variable " + name + " is not set (or empty)");
        }
        return value.toCharArray();
    }
}
