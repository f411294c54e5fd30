package io.sightline.postprocess.trend;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The online blend of the LSTM's, the EWMA's and the mean's rate forecasts, on seeded part streams. */
class ForecastBlendTest {
    @Test
    void aForecasterThatIsWrongAboutTheLineLosesItsWeight() {
        ForecastBlend blend = new ForecastBlend(2, 0.1 / ForecastBlend.FEEDBACK_PARTS);
        Random random = new Random(1);
        for (int t = 0; t < 4_000; t++) {
            blend.add(0, 0.01, random.nextDouble() < 0.10); // line 0: the "LSTM" says 1 %, the line makes 10 %
            blend.add(1, 0.10, random.nextDouble() < 0.10); // line 1: it says what the line makes
        }
        assertTrue(blend.weight(0, ForecastBlend.LSTM) < 0.05, "weight of a forecaster 10x too low: " + blend.weight(0, ForecastBlend.LSTM));
        assertEquals(0.10, blend.rate(0, 0.01), 0.02, "the blend follows the line, not the wrong forecaster");
        assertTrue(blend.weight(1, ForecastBlend.LSTM) > 0.2, "a right forecaster keeps its share: " + blend.weight(1, ForecastBlend.LSTM));
        double sum = 0;
        for (int k = 0; k < 3; k++) sum += blend.weight(1, k);
        assertEquals(1.0, sum, 1e-9);
    }

    @Test
    void aForecasterThatSeesAStepComingWinsOverTheMeanThatLagsIt() {
        ForecastBlend blend = new ForecastBlend(1, 0.1 / ForecastBlend.FEEDBACK_PARTS);
        Random random = new Random(2);
        for (int t = 0; t < 6_000; t++) {
            double rate = (t / 1_000) % 2 == 0 ? 0.02 : 0.20; // steps every 1,000 parts
            blend.add(0, rate, random.nextDouble() < rate); // the "LSTM" knows the rate
        }
        assertTrue(blend.weight(0, ForecastBlend.LSTM) > blend.weight(0, ForecastBlend.MEAN),
                "lstm " + blend.weight(0, ForecastBlend.LSTM) + " vs mean " + blend.weight(0, ForecastBlend.MEAN));
        assertTrue(blend.weight(0, ForecastBlend.LSTM) > blend.weight(0, ForecastBlend.EWMA),
                "lstm " + blend.weight(0, ForecastBlend.LSTM) + " vs ewma " + blend.weight(0, ForecastBlend.EWMA));
    }

    @Test
    void nothingIsJudgedBeforeAWindowHasPassedAndAMissingLstmIsLeftOut() {
        ForecastBlend blend = new ForecastBlend(1, 0.5);
        assertTrue(Double.isNaN(blend.rate(0, Double.NaN)), "no part, no forecast");
        for (int t = 0; t < ForecastBlend.FEEDBACK_PARTS; t++) blend.add(0, Double.NaN, t % 2 == 0);
        for (int k = 0; k < 3; k++) assertEquals(1.0 / 3, blend.weight(0, k), 1e-12, "no forecast judged yet");
        assertEquals(0.5, blend.rate(0, Double.NaN), 0.2, "without the LSTM: the EWMA's and the mean's rates");
        blend.resetLine(0);
        assertTrue(Double.isNaN(blend.rate(0, 0.1)));
    }

    @Test
    void badArgumentsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ForecastBlend(0, 0.1));
        assertTrue(e.getMessage().contains("lines >= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ForecastBlend(1, 0));
    }
}
