package io.sightline.postprocess.trend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Seeded synthetic histories of one line's parts, in control and drifting, for training the LSTM
 * and for measuring every detector on the same footing.
 *
 * <p>Each part is defective with probability {@code p(t)}. A defective part scores
 * {@code 1 - 0.35 U^2} (mostly above 0.65), a good one {@code 0.07 |N| + g(t)}, where {@code g(t)}
 * is how far the drift has lifted good parts' scores (a dimming lamp or a dirtier surface makes
 * good parts look worse before they are bad). A part is rejected at score 0.5.
 *
 * <pre>
 *   kind          after the change at c (d = t - c):
 *   IN_CONTROL    p = p0 throughout (no change)
 *   STEP          p = m p0, m in [1.8, 3]
 *   LINEAR        p = p0 (1 + 2 d / R), R in [800, 2000] parts (tool wear); g rises to 0.05 at R
 *   EXPONENTIAL   p = p0 3^(d / R), R in [800, 2000]; g likewise
 *   PERIODIC      p = p0 (1 + A (1 - cos(2 pi d / T))), A in [0.6, 1.2], T in [200, 600]
 *   BURST         every B in [300, 700] parts a run of L in [15, 40] parts at p = 0.5
 *   SURGE         a breakdown (a broken tool, a jammed feeder): after a warning of P parts (half the
 *                 time none, else P in [50, 300]) in which g rises to G in [0.05, 0.2], p jumps to
 *                 min(0.95, m p0), m in [5, 40], and g stays at G. The change is the warning's start:
 *                 the P-F interval of maintenance, where good parts look worse before they fail.
 * </pre>
 *
 * Base rates {@code p0} are drawn from {@link #BASE_RATES}. {@code p} is capped at 0.6 (0.95 in a
 * surge). With a {@code timeScale} every length above (R, T, B, L, P) is multiplied by it: the same
 * shapes over fewer parts, for lines watched in smaller windows.
 */
public final class TrendScenarios {
    public enum Kind {
        IN_CONTROL, STEP, LINEAR, EXPONENTIAL, PERIODIC, BURST, SURGE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace("_", "-");
        }

        /** The drifting kinds. */
        public static List<Kind> drifts() {
            return List.of(STEP, LINEAR, EXPONENTIAL, PERIODIC, BURST, SURGE);
        }
    }

    /** In-control reject rates a line may have. */
    public static final double[] BASE_RATES = {0.01, 0.03, 0.08};
    /** Scores at or above this are rejects. */
    public static final float REJECT_AT = 0.5f;
    static final double MAX_RATE = 0.6;
    static final double MAX_SURGE_RATE = 0.95;

    /**
     * One line's history.
     *
     * @param changeAt index of the first part after the change; {@code scores.length} for IN_CONTROL
     * @param rate the true defect probability of each part (what a forecaster tries to foresee)
     */
    public record Scenario(Kind kind, long seed, double baseRate, int changeAt, float[] scores, boolean[] rejected,
                           float[] rate) {
        public int length() {
            return scores.length;
        }
    }

    private TrendScenarios() {}

    /**
     * @param changeAfter parts before the change (baseline included)
     * @param length parts in all
     */
    public static Scenario generate(Kind kind, long seed, int changeAfter, int length) {
        return generate(kind, seed, changeAfter, length, 1);
    }

    /** As {@link #generate(Kind, long, int, int)}, every drift's length in parts multiplied by {@code timeScale}. */
    public static Scenario generate(Kind kind, long seed, int changeAfter, int length, double timeScale) {
        if (!(timeScale > 0)) throw new IllegalArgumentException("timeScale must be > 0, got " + timeScale);
        if (length < 1 || changeAfter < 0 || changeAfter > length) {
            throw new IllegalArgumentException("scenario needs 0 <= changeAfter <= length and length >= 1, got "
                    + changeAfter + " and " + length);
        }
        Random r = new Random(seed);
        double p0 = BASE_RATES[r.nextInt(BASE_RATES.length)];
        int c = kind == Kind.IN_CONTROL ? length : changeAfter;
        double m = 1.8 + 1.2 * r.nextDouble();
        double ramp = timeScale * (800 + 1200 * r.nextDouble());
        double amplitude = 0.6 + 0.6 * r.nextDouble();
        double period = timeScale * (200 + 400 * r.nextDouble());
        int burstEvery = Math.max(2, (int) Math.round(timeScale * (300 + r.nextInt(401))));
        int burstLength = Math.max(1, (int) Math.round(timeScale * (15 + r.nextInt(26))));
        // drawn for a surge only, so every other kind's parts stay as they were
        int warning = 0;
        double surgeLift = 0;
        double surgeMultiple = 1;
        if (kind == Kind.SURGE) {
            warning = r.nextBoolean() ? 0 : (int) Math.round(timeScale * (50 + 250 * r.nextDouble()));
            surgeLift = 0.05 + 0.15 * r.nextDouble();
            surgeMultiple = Math.exp(Math.log(5) + (Math.log(40) - Math.log(5)) * r.nextDouble());
        }
        float[] scores = new float[length];
        boolean[] rejected = new boolean[length];
        float[] rate = new float[length];
        for (int t = 0; t < length; t++) {
            double p = p0;
            double g = 0;
            int d = t - c;
            if (d >= 0) {
                switch (kind) {
                    case STEP -> p = m * p0;
                    case LINEAR -> {
                        p = p0 * (1 + 2 * d / ramp);
                        g = 0.05 * Math.min(1, d / ramp);
                    }
                    case EXPONENTIAL -> {
                        p = p0 * Math.pow(3, d / ramp);
                        g = 0.05 * Math.min(1, d / ramp);
                    }
                    case PERIODIC -> p = p0 * (1 + amplitude * (1 - Math.cos(2 * Math.PI * d / period)));
                    case BURST -> p = d % burstEvery < burstLength ? 0.5 : p0;
                    case SURGE -> {
                        if (d >= warning) p = surgeMultiple * p0;
                        g = d >= warning ? surgeLift : surgeLift * d / warning;
                    }
                    default -> { }
                }
            }
            p = Math.min(kind == Kind.SURGE ? MAX_SURGE_RATE : MAX_RATE, p);
            rate[t] = (float) p;
            float score = r.nextDouble() < p
                    ? (float) (1 - 0.35 * Math.pow(r.nextDouble(), 2))
                    : (float) Math.min(1, 0.07 * Math.abs(r.nextGaussian()) + g);
            scores[t] = score;
            rejected[t] = score >= REJECT_AT;
        }
        return new Scenario(kind, seed, p0, c, scores, rejected, rate);
    }

    /** {@code count} scenarios of {@code kind}, seeds {@code firstSeed, firstSeed + 1, ...}. */
    public static List<Scenario> suite(Kind kind, long firstSeed, int count, int changeAfter, int length) {
        List<Scenario> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) list.add(generate(kind, firstSeed + i, changeAfter, length));
        return list;
    }
}
