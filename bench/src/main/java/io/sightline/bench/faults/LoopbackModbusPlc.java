package io.sightline.bench.faults;

import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import io.sightline.postprocess.ModbusPlc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real Modbus TCP server (j2mod's slave) on loopback with the station's PLC register map
 * ({@link ModbusPlc}), standing in for the PLC; it can be stopped and started again on the same
 * port, its registers kept, as a PLC that reboots. It records every result and reject record the
 * station writes (when the record's sequence register is written), so a test can check that each
 * part's result arrived, once or more (delivery is at least once).
 */
final class LoopbackModbusPlc implements FarEnd {
    private static final String[] DECISIONS = {"pass", "reject", "failsafe"};

    final int port;
    private final SimpleProcessImage image = new SimpleProcessImage(1);
    private final Map<String, String> results = new ConcurrentHashMap<>();
    private final List<String> conflicts = new CopyOnWriteArrayList<>();
    private final Set<String> rejects = ConcurrentHashMap.newKeySet();
    private final AtomicLong writes = new AtomicLong();
    private ModbusSlave slave;
    private volatile boolean armed;

    LoopbackModbusPlc() throws Exception {
        for (int i = 0; i < ModbusPlc.COILS; i++) image.addDigitalOut(new SimpleDigitalOut(false));
        for (int i = 0; i < ModbusPlc.REGISTERS; i++) {
            int ref = i;
            image.addRegister(new SimpleRegister(0) {
                @Override
                public synchronized void setValue(int v) {
                    super.setValue(v);
                    if (!armed) return; // the registers' own initial values, set by their constructor
                    if (ref == ModbusPlc.RESULT_RECORD + 4) {
                        writes.incrementAndGet();
                        String part = reg(20) + "/" + ((reg(21) << 16) | reg(22));
                        String decision = DECISIONS[Math.min(2, reg(23))];
                        String before = results.putIfAbsent(part, decision);
                        if (before != null && !before.equals(decision)) {
                            conflicts.add(part + " " + before + " then " + decision + " (seq " + v + ", " + Thread.currentThread().getName() + ")");
                        }
                    } else if (ref == ModbusPlc.REJECT_RECORD + 4) {
                        writes.incrementAndGet();
                        rejects.add(reg(10) + "/" + ((reg(11) << 16) | reg(12)));
                    }
                }
            });
        }
        armed = true;
        this.port = freePort();
        start();
    }

    private int reg(int ref) {
        return image.getRegister(ref).getValue();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Serves on the port (again). */
    @Override
    public synchronized void start() throws Exception {
        if (slave != null) return;
        ModbusSlave s = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 4, false);
        s.addProcessImage(1, image);
        s.open();
        slave = s;
    }

    /** Stops serving: the listener and every connection close. */
    @Override
    public synchronized void stop() {
        if (slave == null) return;
        ModbusSlaveFactory.close(slave);
        slave = null;
    }

    /** Parts whose result record arrived ("line/part"). */
    @Override
    public Set<String> results() {
        return results.keySet();
    }

    /** Result records that contradicted an earlier one for the same part (a torn or stale record). */
    @Override
    public List<String> conflicts() {
        return conflicts;
    }

    /** Distinct reject records received ("line/part"). */
    @Override
    public Set<String> rejects() {
        return rejects;
    }

    /** Record writes received, repeats included. */
    @Override
    public long received() {
        return writes.get();
    }

    @Override
    public void close() {
        stop();
    }
}
