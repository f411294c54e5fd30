package io.sightline.postprocess;

import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A real Modbus TCP server (j2mod) on loopback with {@link ModbusPlc}'s map, standing in for the
 * PLC (there is no PLC here). Records each record the station writes, when its sequence register
 * is written.
 */
final class ModbusTestPlc implements AutoCloseable {
    final SimpleProcessImage image = new SimpleProcessImage(1);
    final List<String> records = Collections.synchronizedList(new ArrayList<>());
    final ModbusSlave slave;
    final int port;
    private volatile boolean armed;

    ModbusTestPlc() throws Exception {
        for (int i = 0; i < ModbusPlc.COILS; i++) image.addDigitalOut(new SimpleDigitalOut(false));
        for (int i = 0; i < ModbusPlc.REGISTERS; i++) {
            int ref = i;
            image.addRegister(new SimpleRegister(0) {
                @Override
                public synchronized void setValue(int v) {
                    super.setValue(v);
                    if (!armed) return; // the registers' own initial values
                    if (ref == ModbusPlc.REJECT_RECORD + 4) records.add("reject " + reg(10) + " " + ((reg(11) << 16) | reg(12)));
                    if (ref == ModbusPlc.RESULT_RECORD + 4) {
                        String[] decisions = {"pass", "reject", "failsafe"};
                        records.add("result " + reg(20) + " " + ((reg(21) << 16) | reg(22)) + " " + decisions[reg(23)]);
                    }
                    if (ref == ModbusPlc.TREND_RECORD + 3) {
                        String[] detectors = {"?", "lstm", "ewma", "cusum", "pchart", "rate-cusum"};
                        records.add("trend " + reg(30) + " " + detectors[reg(31)]);
                    }
                }
            });
        }
        armed = true;
        port = LoopbackPorts.free();
        slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 4, false);
        slave.addProcessImage(1, image);
        slave.open();
    }

    int reg(int ref) {
        return image.getRegister(ref).getValue();
    }

    boolean coil(int ref) {
        return image.getDigitalOut(ref).isSet();
    }

    void setCoil(int ref, boolean v) {
        image.getDigitalOut(ref).set(v);
    }

    @Override
    public void close() {
        ModbusSlaveFactory.close(slave);
    }
}
