package io.sightline.station;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.postprocess.PartAssembler;
import org.junit.jupiter.api.Test;

/** The station's own defaults and limits, which the config file documents. */
class StationLimitsTest {
    @Test
    void theDefaultRoiIsTheCentredSquareOfThreeQuartersOfTheShorterSide() {
        // config/station.example.yaml: "the centred 384x384 square at this size" (640x512)
        assertArrayEquals(new int[] {128, 64, 384, 384}, StationLayout.defaultRoi(640, 512));
        assertArrayEquals(new int[] {112, 272, 672, 672}, StationLayout.defaultRoi(896, 1216));
        assertArrayEquals(new int[] {0, 0, 1, 1}, StationLayout.defaultRoi(1, 1));
        assertThrows(IllegalArgumentException.class, () -> StationLayout.defaultRoi(0, 10));
    }

    @Test
    void oneViewLimitWhichTheAssemblerCanHold() {
        assertTrue(Station.MAX_VIEWS <= PartAssembler.MAX_VIEWS, "the assembler holds every view a line may have");
    }
}
