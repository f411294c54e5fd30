package io.sightline.postprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Full trigger-to-acknowledge cycles through a real Modbus TCP server: a PLC program (a thread
 * on the server's process image) triggers parts and acknowledges results; the station side runs
 * {@link ModbusHandshake} as a client.
 */
class ModbusHandshakeTest {
    record Seen(int id, boolean ok, int reason) {}

    @Test
    void triggersResultsAndAcknowledgementsGoRoundAndAStationErrorForcesNg() throws Exception {
        try (ModbusTestPlc plc = new ModbusTestPlc();
             ModbusHandshake station = new ModbusHandshake(new ModbusPlc("127.0.0.1", plc.port, 1))) {
            List<Seen> seen = new ArrayList<>();
            int parts = 8;
            Thread program = new Thread(() -> {
                try {
                    for (int id = 100; id < 100 + parts; id++) {
                        plc.image.getRegister(ModbusPlc.TRIGGER_ID).setValue(id);
                        plc.setCoil(ModbusPlc.TRIGGER_READY, true);
                        waitFor(() -> plc.coil(ModbusPlc.RESULT_READY));
                        seen.add(new Seen(plc.reg(ModbusPlc.RESULT_ID), plc.coil(ModbusPlc.RESULT_OK), plc.reg(ModbusPlc.RESULT_REASON)));
                        plc.setCoil(ModbusPlc.TRIGGER_READY, false);
                        plc.setCoil(ModbusPlc.ACK, true);
                        waitFor(() -> !plc.coil(ModbusPlc.RESULT_READY));
                        plc.setCoil(ModbusPlc.ACK, false);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "plc-program");
            program.start();
            for (int i = 0; i < parts; i++) {
                int id = station.awaitTrigger(10_000);
                assertEquals(100 + i, id, "triggers arrive in order");
                if (i == 6) station.setStationError(true);
                Outcome outcome = id % 3 == 0 ? Outcome.REJECT_DEFECT : Outcome.PASS;
                assertTrue(station.report(id, outcome, 10_000), "the PLC acknowledges part " + id);
            }
            program.join(TimeUnit.SECONDS.toMillis(10));
            assertEquals(parts, seen.size());
            for (int i = 0; i < parts; i++) {
                int id = 100 + i;
                Seen s = seen.get(i);
                assertEquals(id, s.id());
                boolean expectOk = id % 3 != 0 && i < 6;
                assertEquals(expectOk, s.ok(), "part " + id + (i >= 6 ? " (station error: NG)" : ""));
                assertEquals(id % 3 == 0 ? Outcome.REJECT_DEFECT.ordinal() : Outcome.PASS.ordinal(), s.reason());
            }
        }
    }

    @Test
    void aResultThePlcNeverAcknowledgesIsReportedAsSuch() throws Exception {
        try (ModbusTestPlc plc = new ModbusTestPlc();
             ModbusHandshake station = new ModbusHandshake(new ModbusPlc("127.0.0.1", plc.port, 1))) {
            assertFalse(station.report(5, Outcome.PASS, 200));
            assertFalse(plc.coil(ModbusPlc.RESULT_READY), "the station withdraws an unacknowledged result");
            assertEquals(-1, station.awaitTrigger(100), "no trigger: -1 after the timeout");
        }
    }

    interface Condition {
        boolean holds();
    }

    static void waitFor(Condition c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("PLC program timed out");
            Thread.sleep(1);
        }
    }
}
