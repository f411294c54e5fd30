package io.sightline.postprocess;

import io.sightline.postprocess.trend.TrendAlarm;

/**
 * Reject signals, per-part results and trend alarms written to a PLC's holding registers over
 * Modbus TCP, as records whose last register is a sequence number (map: {@link ModbusPlc}).
 * Buffered within a bound and never blocking (see {@link BufferedSink}); a PLC that cannot be
 * reached at start-up leaves the sink down and buffering, not the station stopped.
 */
public final class ModbusSink extends BufferedSink<int[]> {
    private final ModbusPlc plc;
    private int rejectSeq;
    private int resultSeq;
    private int trendSeq;

    public ModbusSink(ModbusPlc plc, int capacity) {
        super("sightline-modbus-" + plc.address(), capacity);
        this.plc = plc;
        try {
            plc.connect();
            setUp(true, null);
        } catch (Exception e) {
            setUp(false, e.getMessage());
        }
        startDelivery();
    }

    @Override
    protected void deliver(int[] message) throws Exception {
        int[] values = java.util.Arrays.copyOfRange(message, 1, message.length);
        plc.writeRegisters(message[0], values);
    }

    @Override
    protected void onFailure() {
        plc.disconnect();
    }

    @Override
    public synchronized void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        rejectSeq = (rejectSeq + 1) & 0xffff;
        offer(new int[] {ModbusPlc.REJECT_RECORD, line, (int) (partId >>> 16) & 0xffff, (int) partId & 0xffff, reason.ordinal(), rejectSeq});
    }

    @Override
    public synchronized void result(int line, long partId, Outcome outcome, float defectScore) {
        resultSeq = (resultSeq + 1) & 0xffff;
        int decision = outcome == Outcome.PASS ? 0 : outcome.isFailSafe() ? 2 : 1;
        offer(new int[] {ModbusPlc.RESULT_RECORD, line, (int) (partId >>> 16) & 0xffff, (int) partId & 0xffff, decision, resultSeq});
    }

    @Override
    public synchronized void trendAlarm(TrendAlarm a) {
        trendSeq = (trendSeq + 1) & 0xffff;
        int detector = switch (a.detector()) {
            case "lstm" -> 1;
            case "ewma" -> 2;
            case "cusum" -> 3;
            case "pchart" -> 4;
            case "rate-cusum" -> 5; // a defect class's rate; the registers carry no class name
            default -> 0;
        };
        offer(new int[] {ModbusPlc.TREND_RECORD, a.line(), detector, a.raised() ? 1 : 0, trendSeq});
    }

    @Override
    public void close() {
        super.close();
        plc.close();
    }
}
