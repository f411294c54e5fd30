package io.sightline.station.cli;

import io.sightline.capture.DefectKind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code --drift LINE:START_SECONDS:KIND[:CLASS]}: from START seconds on, line LINE's synthetic
 * camera makes defective parts more often, the way a drifting process would; with CLASS, only that
 * defect class rises (each class otherwise at its share of the camera's rate), so the per-class
 * trend says "crack rising on line-1".
 *
 * <pre>
 *   kind          defect rate d seconds after START (p0 = the camera's own rate, or with CLASS the class's share of it)
 *   step          3 p0
 *   linear        p0 (1 + 2 d / 60)            tool wear: 3 p0 after a minute
 *   exponential   p0 3^(d / 60)
 *   periodic      p0 (2 - cos(2 pi d / 20))
 *   burst         0.5 for 2 s of every 20 s, else p0
 * </pre>
 * The rate is capped at 0.6.
 *
 * @param defectClass the defect class that rises (a label of {@link DefectKind#renderable()}); null: every class
 */
record DriftSpec(int line, double startSeconds, String kind, String defectClass) {
    static final List<String> KINDS = List.of("step", "linear", "exponential", "periodic", "burst");
    static final List<String> CLASSES = Arrays.stream(DefectKind.renderable()).map(DefectKind::label).toList();

    static DriftSpec parse(String s, int lines) {
        String[] parts = s.split(":");
        String expected = "LINE:START_SECONDS:KIND[:CLASS] with LINE in 0.." + (lines - 1) + ", START_SECONDS >= 0, KIND one of " + KINDS
                + " and CLASS one of " + CLASSES;
        if (parts.length != 3 && parts.length != 4) throw new IllegalArgumentException("--drift: expected " + expected + ", got '" + s + "'");
        try {
            int line = Integer.parseInt(parts[0].trim());
            double start = Double.parseDouble(parts[1].trim());
            String kind = parts[2].trim().toLowerCase(Locale.ROOT);
            String defectClass = parts.length == 4 ? parts[3].trim().toLowerCase(Locale.ROOT) : null;
            if (line < 0 || line >= lines || !(start >= 0) || !KINDS.contains(kind) || defectClass != null && !CLASSES.contains(defectClass)) {
                throw new IllegalArgumentException("--drift: expected " + expected + ", got '" + s + "'");
            }
            return new DriftSpec(line, start, kind, defectClass);
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

    /**
     * With a class: each kind's rate (in {@code kinds} order) {@code elapsedSeconds} after the start,
     * every kind at its share p0 / kinds of the camera's rate p0 and the drifting class at
     * {@link #rate} of its share.
     */
    double[] classRates(List<DefectKind> kinds, double p0, double elapsedSeconds) {
        double share = p0 / kinds.size();
        double[] rates = new double[kinds.size()];
        for (int k = 0; k < rates.length; k++) {
            rates[k] = kinds.get(k).label().equals(defectClass) ? rate(share, elapsedSeconds) : share;
        }
        return rates;
    }
}
