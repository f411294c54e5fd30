package io.sightline.station.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Host names, IP literals and broker lists as a station file writes them: checked by their form
 * alone, with no name lookup, so {@code sightline config check} runs offline.
 */
final class HostNames {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62})?)*");

    private HostNames() {
    }

    static boolean isHost(String s) {
        if (s.isEmpty() || s.length() > 253) return false;
        if (s.contains(":")) return isIpv6(s);
        return HOST.matcher(s).matches();
    }

    private static boolean isIpv6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+")) return false;
        try {
            InetAddress.getByName(s); // a literal: no lookup
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean isBootstrap(String s) {
        for (String b : s.split(",", -1)) {
            String t = b.trim();
            int colon = t.lastIndexOf(':');
            if (colon <= 0) return false;
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            Long port = YamlSection.parseLong(t.substring(colon + 1));
            if (!isHost(host) || port == null || port < 1 || port > 65_535) return false;
        }
        return true;
    }

    /** localhost, 127.0.0.0/8 or ::1: only this machine can reach a server bound there. */
    static boolean isLoopback(String bind) {
        if (bind.equalsIgnoreCase("localhost")) return true;
        if (bind.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) return true;
        if (bind.contains(":") && isIpv6(bind)) {
            try {
                return InetAddress.getByName(bind).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
