package io.sightline.natives.aravis;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Loading only: nothing here discovers or opens a camera (that would broadcast on this machine's
 * own network); the camera side is tested in capture's GigeVisionSourceTest, inside network
 * namespaces.
 */
class AravisLoadingTest {

    @Test
    void anAbsentLibraryIsReportedWithWhatToInstall() {
        Aravis.Loaded l = Aravis.load("libaravis-sightline-absent.so.0", false);
        assertFalse(l.ok());
        assertNull(l.version());
        assertTrue(l.reason().startsWith("libaravis-sightline-absent.so.0 not found: install Debian package libaravis-0.8-0"),
                l.reason());
    }

    @Test
    void aLibraryWithoutAravisSymbolsIsNamedWithWhatItLacks() {
        Aravis.Loaded l = Aravis.load(Aravis.GLIB, false); // a real library, but not Aravis
        assertFalse(l.ok());
        assertTrue(l.reason().contains("lacks") && l.reason().contains("arv_camera_new")
                && l.reason().contains("Aravis 0.8"), l.reason());
    }

    @Test
    void theInstalledAravisHasEverySymbolAndReportsItsVersion() {
        assumeTrue(Aravis.available(), "Aravis is not installed here: " + Aravis.unavailableReason());
        assertNull(Aravis.unavailableReason());
        assertTrue(Aravis.version().startsWith("0.8."), Aravis.version());
        assertTrue(Aravis.load(Aravis.LIBRARY, false).ok(), "every symbol Arv declares is in " + Aravis.LIBRARY);
        System.out.println("Aravis " + Aravis.version() + " loaded from " + Aravis.LIBRARY);
    }

    @Test
    void aGErrorSlotStartsEmptyAndFreesOnce() {
        assumeTrue(Aravis.available(), "Aravis is not installed here: " + Aravis.unavailableReason());
        GErrorSlot slot = new GErrorSlot();
        assertFalse(slot.isSet());
        assertNull(slot.take());
        assertNotEquals(0, slot.address());
        slot.close();
        slot.close();
        assertThrows(IllegalStateException.class, slot::address);
    }
}
