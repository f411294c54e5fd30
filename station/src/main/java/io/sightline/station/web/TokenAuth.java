package io.sightline.station.web;

import com.sun.net.httpserver.HttpExchange;
import io.sightline.station.web.AccessToken.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The station server's access rule: with tokens, every request must carry one of them (compared as
 * SHA-256 digests, in constant time, against every token), and what it may do is that token's
 * {@link Role}; without tokens, the server is loopback only, everything is allowed from this
 * machine, and pages that reached it through another host name are refused (DNS rebinding).
 */
final class TokenAuth {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final byte[][] digests;
    private final Role[] roles;

    /** {@code tokens} empty: no token, loopback only. */
    TokenAuth(List<AccessToken> tokens) {
        this.digests = new byte[tokens.size()][];
        this.roles = new Role[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            digests[i] = sha256(tokens.get(i).value());
            roles[i] = tokens.get(i).role();
        }
    }

    /** Whether requests must carry a token. */
    boolean hasToken() {
        return digests.length > 0;
    }

    /**
     * The role of the token the request carries (as a bearer header or {@code ?token=}); without
     * tokens configured, {@link Role#OPERATE} (loopback only); null when it carries none or a wrong one.
     */
    Role role(HttpExchange ex, Map<String, String> query) {
        if (digests.length == 0) return Role.OPERATE;
        String given = null;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) given = header.substring(7).trim();
        else if (query.containsKey("token")) given = query.get("token");
        if (given == null) return null;
        // digests have one length whatever was sent, isEqual compares every byte, and every token is compared
        byte[] digest = sha256(given);
        Role found = null;
        for (int i = 0; i < digests.length; i++) {
            if (MessageDigest.isEqual(digest, digests[i]) && found == null) found = roles[i];
        }
        return found;
    }

    /** Without a token the server is loopback only: a page that got here through another host name is refused. */
    void checkHost(HttpExchange ex, Supplier<String> url) {
        if (hasToken()) return;
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) return;
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        name = name.toLowerCase(java.util.Locale.ROOT);
        if (!(name.equals("localhost") || name.equals("[::1]") || LOOPBACK_V4.matcher(name).matches())) {
            throw new StationServer.HttpError(403, "Host '" + host + "' is not a loopback name, and this server has no token: open " + url.get());
        }
    }

    /** Refuses (403, naming the role needed) a request whose token's role does not allow {@code needed}. */
    static void require(Role given, Role needed, HttpExchange ex) {
        if (!given.allows(needed)) {
            throw new StationServer.HttpError(403, ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " needs a token with role "
                    + needed.label() + "; this one has role " + given.label());
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
