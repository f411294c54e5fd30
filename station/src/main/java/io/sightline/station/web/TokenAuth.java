package io.sightline.station.web;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The station server's access rule: with a token, every request must carry it (compared as
 * SHA-256 digests, in constant time); without one, the server is loopback only and refuses pages
 * that reached it through another host name (DNS rebinding).
 */
final class TokenAuth {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final byte[] tokenDigest;

    /** {@code token} null: no token, loopback only. */
    TokenAuth(String token) {
        this.tokenDigest = token == null ? null : sha256(token);
    }

    /** Whether requests must carry a token. */
    boolean hasToken() {
        return tokenDigest != null;
    }

    /** Whether the request carries the token (as a bearer header or {@code ?token=}); always without a token. */
    boolean authorized(HttpExchange ex, Map<String, String> query) {
        if (tokenDigest == null) return true;
        String given = null;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) given = header.substring(7).trim();
        else if (query.containsKey("token")) given = query.get("token");
        // digests have one length whatever was sent, and isEqual compares every byte
        return given != null && MessageDigest.isEqual(sha256(given), tokenDigest);
    }

    /** Without a token the server is loopback only: a page that got here through another host name is refused. */
    void checkHost(HttpExchange ex, Supplier<String> url) {
        if (tokenDigest != null) return;
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) return;
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        name = name.toLowerCase(java.util.Locale.ROOT);
        if (!(name.equals("localhost") || name.equals("[::1]") || LOOPBACK_V4.matcher(name).matches())) {
            throw new StationServer.HttpError(403, "Host '" + host + "' is not a loopback name, and this server has no token: open " + url.get());
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
