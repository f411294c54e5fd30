package io.sightline.postprocess;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The Modbus sink against a real Modbus TCP server on loopback. */
class ModbusSinkContractTest extends RejectSinkContract {
    private ModbusTestPlc plc;

    @BeforeEach
    void start() throws Exception {
        plc = new ModbusTestPlc();
    }

    @AfterEach
    void stop() {
        plc.close();
    }

    @Override
    protected RejectSink newSink() {
        return new ModbusSink(new ModbusPlc("127.0.0.1", plc.port, 1), 10_000);
    }

    @Override
    protected List<String> received() {
        synchronized (plc.records) {
            return new ArrayList<>(plc.records);
        }
    }

    @Override
    protected RejectSink newSinkToNowhere(int capacity) throws Exception {
        int port = LoopbackPorts.free();
        return new ModbusSink(new ModbusPlc("127.0.0.1", port, 1), capacity);
    }
}
