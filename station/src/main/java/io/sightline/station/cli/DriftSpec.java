package io.sightline.station.cli;

import java.util.Locale;

/**
 * {@code --drift LINE:START_SECONDS:KIND}: from START seconds on, line LINE's synthetic camera
 * makes defective parts more often, the way a drifting process would.
 *
 * <pre>
 *   kind          defect rate d seconds after START (p0 = the camera's own rate)
 *   step          3 p0
 *   linear        p0 (1 + 2 d / 60)            tool wear: 3 p0 after a minute
 *   exponential   p0 3^(d / 60)
 *   periodic      p0 (2 - cos(2 pi d / 20))
 *   burst         0.5 for 2 s of every 20 s, else p0
 * </pre>
 * The rate is capped at 0.6.
 */
record DriftSpec(int line, double startSeconds, String kind) {
    static final java.util.List<String> KINDS = java.util.List.of("step", "linear", "exponential", "periodic", "burst");

    static DriftSpec parse(String s, int lines) {
        String[] parts = s.split(":");
        String expected = "LINE:START_SECONDS:KIND with LINE in 0.." + (lines - 1) + ", START_SECONDS >= 0 and KIND one of " + KINDS;
        if (parts.length != 3) throw new IllegalArgumentException("--drift: expected " + expected + ", got '" + s + "'");
        try {
            int line = Integer.parseInt(parts[0].trim());
            double start = Double.parseDouble(parts[1].trim());
            String kind = parts[2].trim().toLowerCase(Locale.ROOT);
            if (line < 0 || line >= lines || !(start >= 0) || !KINDS.contains(kind)) {
                throw new IllegalArgumentException("--drift: expected " + expected + ", got '" + s + "'");
            }
            return new DriftSpec(line, start, kind);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--drift: expected " + expected + ", got '" + s + "'", e);
        }
    }

    /** The defect rate {@code elapsedSeconds} after the station started, for a camera whose own rate is p0. */
    double rate(double p0, double elapsedSeconds) {
        double d = elapsedSeconds - startSeconds;
        if (d < 0) return p0;
        double p = switch (kind) {
            case "step" -> 3 * p0;
            case "linear" -> p0 * (1 + 2 * d / 60);
            case "exponential" -> p0 * Math.pow(3, d / 60);
            case "periodic" -> p0 * (2 - Math.cos(2 * Math.PI * d / 20));
            default -> d % 20 < 2 ? 0.5 : p0;
        };
        return Math.min(0.6, p);
    }
}
