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
 *   DEGRADATION   a wear path seen in the scores themselves (a worn screw, a clouding lens): every
 *                 part's score rises by g = 0.5 (d / R)^a, R in [200, 1000] parts, a in [1, 2.5],
 *                 g at most 0.7, so good parts creep towards the reject score and their tail crosses
 *                 it: p = p0 + (1 - p0) P(0.07 |N| + g &gt;= 0.5), reaching one at about R.
 * </pre>
 *
 * Base rates {@code p0} are drawn from {@link #BASE_RATES}. {@code p} is capped at 0.6 (0.95 in a
 * surge). With a {@code timeScale} every length above (R, T, B, L, P) is multiplied by it: the same
 * shapes over fewer parts, for lines watched in smaller windows.
 */
public final class TrendScenarios {
    public enum Kind {
        IN_CONTROL, STEP, LINEAR, EXPONENTIAL, PERIODIC, BURST, SURGE, DEGRADATION;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace("_", "-");
        }

        /** The drifting kinds. */
        public static List<Kind> drifts() {
            return List.of(STEP, LINEAR, EXPONENTIAL, PERIODIC, BURST, SURGE, DEGRADATION);
        }
    }

    /** In-control reject rates a line may have. */
    public static final double[] BASE_RATES = {0.01, 0.03, 0.08};
    /** Scores at or above this are rejects. */
    public static final float REJECT_AT = 0.5f;
    static final double MAX_RATE = 0.6;
    static final double MAX_SURGE_RATE = 0.95;
    /** The spread of good parts' scores: 0.07 |N|. */
    static final double GOOD_SPREAD = 0.07;
    /** How far a degradation lifts every score at most. */
    static final double MAX_WEAR_LIFT = 0.7;

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
        double wearParts = 0;
        double wearPower = 1;
        if (kind == Kind.DEGRADATION) {
            wearParts = timeScale * (200 + 800 * r.nextDouble());
            wearPower = 1 + 1.5 * r.nextDouble();
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
                    case DEGRADATION -> {
                        g = Math.min(MAX_WEAR_LIFT, REJECT_AT * Math.pow(d / wearParts, wearPower));
                        p = p0 + (1 - p0) * goodRejectProbability(g);
                    }
                    default -> { }
                }
            }
            if (kind != Kind.DEGRADATION) p = Math.min(kind == Kind.SURGE ? MAX_SURGE_RATE : MAX_RATE, p);
            rate[t] = (float) p;
            // in a degradation the rejects are good parts' tail crossing the reject score: only p0 is drawn as defects
            double defect = kind == Kind.DEGRADATION ? p0 : p;
            float score = r.nextDouble() < defect
                    ? (float) (1 - 0.35 * Math.pow(r.nextDouble(), 2))
                    : (float) Math.min(1, GOOD_SPREAD * Math.abs(r.nextGaussian()) + g);
            scores[t] = score;
            rejected[t] = score >= REJECT_AT;
        }
        return new Scenario(kind, seed, p0, c, scores, rejected, rate);
    }

    /** The chance that a good part lifted by {@code g} scores at or above {@link #REJECT_AT}: P(0.07 |N| >= 0.5 - g). */
    static double goodRejectProbability(double g) {
        double x = (REJECT_AT - g) / GOOD_SPREAD;
        return x <= 0 ? 1 : 2 * normalUpperTail(x);
    }

    /** P(N > x) for x >= 0 (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
    static double normalUpperTail(double x) {
        double z = x / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-z * z);
        return erfc / 2;
    }

    /** {@code count} scenarios of {@code kind}, seeds {@code firstSeed, firstSeed + 1, ...}. */
    public static List<Scenario> suite(Kind kind, long firstSeed, int count, int changeAfter, int length) {
        List<Scenario> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) list.add(generate(kind, firstSeed + i, changeAfter, length));
        return list;
    }
}
