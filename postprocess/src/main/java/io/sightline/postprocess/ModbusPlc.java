package io.sightline.postprocess;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;

/**
 * The station's side of a PLC over Modbus TCP (j2mod), as a client. The register map, in the
 * PLC's coils and holding registers (unit id configurable):
 *
 * <pre>
 *   coil 0  TRIGGER_READY   PLC sets: a part is under the camera, its id in HR 0
 *   coil 1  RESULT_READY    station sets when the result is written; clears after ACK
 *   coil 2  RESULT_OK       station: 1 OK, 0 NG (any station error forces NG)
 *   coil 3  ACK             PLC sets when it has read the result; clears after RESULT_READY drops
 *   HR 0    TRIGGER_ID      PLC: the triggered part's id (16 bits)
 *   HR 1    RESULT_ID       station: the id the result is for
 *   HR 2    RESULT_REASON   station: the outcome's code (0 pass, 1 defect, 2.. fail-safe reasons)
 *   HR 10-14  last reject:  line, part high word, part low word, reason code, sequence (+1 per reject)
 *   HR 20-24  last result:  line, part high word, part low word, decision (0 pass, 1 reject, 2 fail-safe), sequence
 *   HR 30-33  last trend alarm: line, detector code (1 lstm, 2 ewma, 3 cusum, 4 pchart, 5 rate-cusum: a defect
 *             class's rate, the class not carried), raised (1/0), sequence
 * </pre>
 *
 * A PLC detects a new record by its sequence register changing (written last, in the same
 * request). Not thread-safe: one thread talks to the PLC.
 */
public class ModbusPlc implements AutoCloseable {
    public static final int TRIGGER_READY = 0;
    public static final int RESULT_READY = 1;
    public static final int RESULT_OK = 2;
    public static final int ACK = 3;
    public static final int TRIGGER_ID = 0;
    public static final int RESULT_ID = 1;
    public static final int RESULT_REASON = 2;
    public static final int REJECT_RECORD = 10;
    public static final int RESULT_RECORD = 20;
    public static final int TREND_RECORD = 30;
    /** Coils and registers a PLC must provide for this map. */
    public static final int COILS = 4;
    public static final int REGISTERS = 34;

    private final String host;
    private final int port;
    private final int unit;
    private ModbusTCPMaster master;

    public ModbusPlc(String host, int port, int unit) {
        this.host = host;
        this.port = port;
        this.unit = unit;
    }

    public String address() {
        return host + ":" + port + " unit " + unit;
    }

    /** Connects if not connected. */
    public void connect() throws ModbusException {
        if (master != null) return;
        ModbusTCPMaster m = new ModbusTCPMaster(host, port, 2000, true);
        try {
            m.connect();
        } catch (Exception e) {
            throw new ModbusException("cannot reach the PLC at " + address() + ": " + e.getMessage());
        }
        master = m;
    }

    public boolean connected() {
        return master != null;
    }

    /** Drops the connection (after an error); the next call reconnects. */
    public void disconnect() {
        if (master != null) master.disconnect();
        master = null;
    }

    public boolean readCoil(int ref) throws ModbusException {
        connect();
        return master.readCoils(unit, ref, 1).getBit(0);
    }

    public void writeCoil(int ref, boolean value) throws ModbusException {
        connect();
        master.writeCoil(unit, ref, value);
    }

    public int readRegister(int ref) throws ModbusException {
        connect();
        return master.readMultipleRegisters(unit, ref, 1)[0].getValue();
    }

    public void writeRegisters(int ref, int... values) throws ModbusException {
        connect();
        Register[] r = new Register[values.length];
        for (int i = 0; i < values.length; i++) r[i] = new SimpleRegister(values[i] & 0xffff);
        master.writeMultipleRegisters(unit, ref, r);
    }

    @Override
    public void close() {
        disconnect();
    }
}
