package io.sightline.station.web;

import java.util.Locale;

/**
 * One bearer token the station server accepts, and what it may do: {@link Role#READ} the metrics,
 * the dashboard and the state views; {@link Role#OPERATE} all of that and the endpoints that change
 * the station (thresholds; model endpoints when there are some). The value is never printed.
 *
 * @param value at least {@value StationServer#MIN_TOKEN_LENGTH} printable ASCII characters, no spaces
 */
public record AccessToken(Role role, String value) {
    /** What a token may do; each role includes the ones before it. */
    public enum Role {
        /** {@code GET} the dashboard, {@code /metrics}, {@code /api/state}, {@code /api/rejects}, the camera images. */
        READ,
        /** Also change the station: {@code POST /api/thresholds}. */
        OPERATE;

        /** {@code read} or {@code operate}, as the config writes it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a token of this role may do what {@code needed} allows. */
        public boolean allows(Role needed) {
            return compareTo(needed) >= 0;
        }

        /**
         * {@code read} or {@code operate}.
         *
         * @throws IllegalArgumentException naming what is accepted
         */
        public static Role parse(String s) {
            for (Role r : values()) if (r.label().equals(s)) return r;
            throw new IllegalArgumentException("expected a role, read or operate, got '" + s + "'");
        }
    }

    public AccessToken {
        if (role == null) throw new IllegalArgumentException("server token: expected a role, read or operate");
        if (value == null || value.length() < StationServer.MIN_TOKEN_LENGTH || !value.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new IllegalArgumentException("server token: expected at least " + StationServer.MIN_TOKEN_LENGTH
                    + " printable ASCII characters without spaces (e.g. from `openssl rand -hex 16`), got "
                    + (value == null ? "none" : value.length() + " characters"));
        }
    }

    /** An operate token: what the single {@code server.token} of older configs is. */
    public static AccessToken operate(String value) {
        return new AccessToken(Role.OPERATE, value);
    }

    @Override
    public String toString() {
        return "AccessToken[" + role.label() + "]";
    }
}
