package io.sightline.postprocess;

import com.ghgande.j2mod.modbus.ModbusException;

/**
 * The trigger/result handshake with a PLC over Modbus TCP (register map: {@link ModbusPlc}):
 *
 * <pre>
 *   PLC: TRIGGER_ID = n, TRIGGER_READY = 1      ──▶ awaitTrigger() returns n
 *   station inspects part n
 *   station: RESULT_ID = n, RESULT_REASON, RESULT_OK (forced 0 on a station error), RESULT_READY = 1
 *   PLC reads the result, ACK = 1               ──▶ report() sees ACK, RESULT_READY = 0
 *   PLC: ACK = 0, TRIGGER_READY = 0 (and the next trigger)
 * </pre>
 *
 * A result the PLC does not acknowledge in time is reported back as not acknowledged; a PLC
 * that sees no result in time must treat the part as NG (the PLC's side of fail-safe).
 */
public final class ModbusHandshake implements AutoCloseable {
    private static final long POLL_MILLIS = 2;

    private final ModbusPlc plc;
    private volatile boolean stationError;
    private int lastTrigger = -1;

    public ModbusHandshake(ModbusPlc plc) {
        this.plc = plc;
    }

    /** Any station error (a stopped line, a failed journal, a sink down) makes every result NG until cleared. */
    public void setStationError(boolean error) {
        this.stationError = error;
    }

    /**
     * Waits for the PLC's next trigger.
     *
     * @return the part id the PLC triggered, or -1 if none came within {@code timeoutMillis}
     */
    public int awaitTrigger(long timeoutMillis) throws ModbusException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            if (plc.readCoil(ModbusPlc.TRIGGER_READY)) {
                int id = plc.readRegister(ModbusPlc.TRIGGER_ID);
                if (id != lastTrigger) {
                    lastTrigger = id;
                    return id;
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        return -1;
    }

    /**
     * Writes the result of part {@code id} and completes the handshake.
     *
     * @return true when the PLC acknowledged within {@code ackTimeoutMillis}
     */
    public boolean report(int id, Outcome outcome, long ackTimeoutMillis) throws ModbusException, InterruptedException {
        boolean ok = outcome == Outcome.PASS && !stationError;
        plc.writeRegisters(ModbusPlc.RESULT_ID, id, outcome.ordinal());
        plc.writeCoil(ModbusPlc.RESULT_OK, ok);
        plc.writeCoil(ModbusPlc.RESULT_READY, true);
        long deadline = System.nanoTime() + ackTimeoutMillis * 1_000_000L;
        boolean acked = false;
        while (System.nanoTime() - deadline < 0) {
            if (plc.readCoil(ModbusPlc.ACK)) {
                acked = true;
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        plc.writeCoil(ModbusPlc.RESULT_READY, false);
        return acked;
    }

    @Override
    public void close() {
        plc.close();
    }
}
