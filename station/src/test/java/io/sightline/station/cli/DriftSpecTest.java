package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.capture.DefectKind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --drift LINE:START_SECONDS:KIND[:CLASS]}: parsing, the class's rates, and bad input named. */
class DriftSpecTest {
    static final List<DefectKind> KINDS = Arrays.asList(DefectKind.renderable());

    @Test
    void aClassDriftRaisesOnlyThatClassFromItsStart() {
        DriftSpec d = DriftSpec.parse("1:25:step:Crack", 2);
        assertEquals(new DriftSpec(1, 25, "step", "crack"), d);
        assertArrayEquals(new double[] {0.02, 0.02, 0.02, 0.02, 0.02}, d.classRates(KINDS, 0.1, 10), 1e-12, "before the start");
        assertArrayEquals(new double[] {0.02, 0.02, 0.06, 0.02, 0.02}, d.classRates(KINDS, 0.1, 30), 1e-12, "crack at 3x its share");
        assertNull(DriftSpec.parse("0:5:linear", 2).defectClass(), "without a class the whole line drifts, as before");
    }

    @Test
    void badDriftsNameTheInputAndWhatIsExpected() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriftSpec.parse("1:25:step:rust", 2));
        assertTrue(e.getMessage().startsWith("--drift: expected LINE:START_SECONDS:KIND[:CLASS]"), e.getMessage());
        assertTrue(e.getMessage().contains("CLASS one of [scratch, pit, crack, missing_feature, misplaced_feature]"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got '1:25:step:rust'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DriftSpec.parse("2:25:step:crack", 2));
        assertTrue(e.getMessage().contains("LINE in 0..1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DriftSpec.parse("1:25:step:crack:extra", 2));
    }
}
