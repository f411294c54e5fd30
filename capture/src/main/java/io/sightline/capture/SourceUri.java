package io.sightline.capture;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A source URI split once, with the option syntax every source shares:
 * {@code scheme:TARGET?key=value&key=value}. Each pair must be {@code KEY=VALUE} with a key the
 * source knows, given once; the values are the source's to interpret, and its errors come from
 * {@link #bad}, so every message names the URI, the option, the value and what was expected.
 */
final class SourceUri {
    private final String uri;
    private final String target;
    private final Map<String, String> options;

    private SourceUri(String uri, String target, Map<String, String> options) {
        this.uri = uri;
        this.target = target;
        this.options = options;
    }

    /**
     * @param scheme the prefix the caller has already checked {@code uri} starts with, e.g. {@code "usb:"}
     * @param keys the option keys the source takes
     * @param help the options as a user should read them, e.g. {@code "settle=MS, existing=0|1"}
     */
    static SourceUri parse(String uri, String scheme, Collection<String> keys, String help) {
        String rest = uri.substring(scheme.length());
        int q = rest.indexOf('?');
        Map<String, String> options = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + uri + "': option '" + pair + "' is not KEY=VALUE (options: " + help + ")");
                }
                String key = pair.substring(0, eq);
                if (!keys.contains(key)) {
                    throw new IllegalArgumentException("'" + uri + "': unknown option '" + key + "' (options: " + help + ")");
                }
                if (options.put(key, pair.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("'" + uri + "': option '" + key + "' is given twice");
                }
            }
        }
        return new SourceUri(uri, q < 0 ? rest : rest.substring(0, q), Collections.unmodifiableMap(options));
    }

    /** What comes between the scheme and the options: a device, a folder, a camera id. */
    String target() {
        return target;
    }

    /** The options in the order given. */
    Map<String, String> options() {
        return options;
    }

    /** The error for option {@code key} given {@code value}, which should have been {@code expected}. */
    IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("'" + uri + "': option '" + key + "' is '" + value + "': expected " + expected);
    }

    /** The error for option {@code key}, refused for {@code why}. */
    IllegalArgumentException refused(String key, String why) {
        return new IllegalArgumentException("'" + uri + "': option '" + key + "': " + why);
    }

    /** {@code value} as a finite number, or {@link #bad}. */
    double number(String key, String value, String expected) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, value, expected);
    }

    /** {@code value} as a number above 0, or {@link #bad}. */
    double positive(String key, String value, String expected) {
        double d = number(key, value, expected);
        if (d > 0) return d;
        throw bad(key, value, expected);
    }

    /** {@code value} as a whole number above 0, or {@link #bad}. */
    int positiveInt(String key, String value, String expected) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, value, expected);
    }
}
