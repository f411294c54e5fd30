package io.sightline.postprocess.opcua;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.RejectSink;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OPC UA client sink against a real OPC UA server (Milo) on loopback holding a PLC's
 * variables; and the station's own OPC UA server read by a real client.
 */
class OpcUaSinkContractTest extends io.sightline.postprocess.RejectSinkContractAccess {
    private OpcUaStationServer plc;


    @BeforeEach
    void start() throws Exception {
        plc = new OpcUaStationServer("127.0.0.1", io.sightline.postprocess.LoopbackPorts.free(), "PLC", OpcUaSink.PLC_VARIABLES, true);
        plc.onChange("LastReject/Seq", v -> arrivals.add("reject " + plc.get("LastReject/Line") + " " + plc.get("LastReject/Part")));
        plc.onChange("LastResult/Seq", v -> arrivals.add("result " + plc.get("LastResult/Line") + " " + plc.get("LastResult/Part") + " "
                + plc.get("LastResult/Decision")));
        plc.onChange("LastTrend/Seq", v -> {
            arrivals.add("trend " + plc.get("LastTrend/Line") + " " + plc.get("LastTrend/Detector"));
            if (((Number) plc.get("LastTrend/ForecastRate")).doubleValue() >= 0) {
                arrivals.add("forecast " + plc.get("LastTrend/Line") + " " + plc.get("LastTrend/ForecastRate") + " " + plc.get("LastTrend/ForecastLower")
                        + " " + plc.get("LastTrend/ForecastUpper") + " " + plc.get("LastTrend/ForecastLevel") + " " + plc.get("LastTrend/ForecastLimit"));
            }
            if (!"".equals(plc.get("LastTrend/Class"))) arrivals.add("class " + plc.get("LastTrend/Line") + " " + plc.get("LastTrend/Class"));
        });
    }

    @AfterEach
    void stop() throws Exception {
        plc.close();
    }

    @Override
    protected RejectSink newSink() {
        return new OpcUaSink(plc.endpointUrl(), OpcUaStationServer.NAMESPACE_URI, "PLC", 10_000);
    }

    @Override
    protected RejectSink newSinkToNowhere(int capacity) throws Exception {
        String nowhere = "opc.tcp://127.0.0.1:" + io.sightline.postprocess.LoopbackPorts.free() + "/sightline";
        return new OpcUaSink(nowhere, OpcUaStationServer.NAMESPACE_URI, "PLC", capacity);
    }

    @Test
    void aPlcWithoutTheForecastVariablesStillGetsTheTrendAlarm() throws Exception {
        java.util.Map<String, Object> older = new java.util.LinkedHashMap<>(OpcUaSink.PLC_VARIABLES);
        for (String f : OpcUaSink.FORECAST_VARIABLES) older.remove("LastTrend/" + f);
        older.remove("LastTrend/" + OpcUaSink.CLASS_VARIABLE);
        try (OpcUaStationServer oldPlc = new OpcUaStationServer("127.0.0.1", io.sightline.postprocess.LoopbackPorts.free(), "PLC", older, true);
             OpcUaSink sink = new OpcUaSink(oldPlc.endpointUrl(), OpcUaStationServer.NAMESPACE_URI, "PLC", 100)) {
            java.util.concurrent.CountDownLatch seq = new java.util.concurrent.CountDownLatch(1);
            oldPlc.onChange("LastTrend/Seq", v -> seq.countDown());
            sink.trendAlarm(new io.sightline.postprocess.trend.TrendAlarm(2, "lstm", 0, 300, 0.04, 0.03, true, "forecast above the limit",
                    new io.sightline.postprocess.trend.TrendAlarm.Forecast(0.06, 0.04, 0.09, 0.9, 500, 0.03)));
            assertTrue(seq.await(20, TimeUnit.SECONDS), "the alarm's Seq arrives although the forecast and class variables are missing");
            assertEquals(2, ((Number) oldPlc.get("LastTrend/Line")).intValue());
            assertEquals(Boolean.TRUE, oldPlc.get("LastTrend/Raised"));
            assertTrue(sink.health().up(), "a missing optional variable does not take the output down: " + sink.health());
        }
    }

    @Test
    void theStationsOwnServerIsReadableByAClient() throws Exception {
        try (OpcUaStationServer station = new OpcUaStationServer("127.0.0.1", io.sightline.postprocess.LoopbackPorts.free(), "Sightline",
                OpcUaStationServer.STATION_VARIABLES, false)) {
            OpcUaStateSink stateSink = new OpcUaStateSink(station);
            for (int i = 0; i < 41; i++) stateSink.result(0, i, io.sightline.postprocess.Outcome.PASS, 0.1f);
            stateSink.result(1, 41, io.sightline.postprocess.Outcome.REJECT_DEFECT, 0.9f);
            OpcUaClient client = OpcUaClient.create(station.endpointUrl());
            client.connect().get(10, TimeUnit.SECONDS);
            try {
                DataValue state = client.readValue(0, org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn.Neither,
                        station.nodeId("State")).get(10, TimeUnit.SECONDS);
                assertEquals("Running", state.getValue().getValue());
                DataValue passed = client.readValue(0, org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn.Neither,
                        station.nodeId("Counters/Passed")).get(10, TimeUnit.SECONDS);
                assertEquals(41L, passed.getValue().getValue());
                DataValue part = client.readValue(0, org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn.Neither,
                        station.nodeId("LastResult/Part")).get(10, TimeUnit.SECONDS);
                assertEquals(41L, part.getValue().getValue());
                assertEquals("reject", station.get("LastResult/Decision"));
                var denied = client.writeValue(station.nodeId("State"), DataValue.valueOnly(
                        new org.eclipse.milo.opcua.stack.core.types.builtin.Variant("Hacked"))).get(10, TimeUnit.SECONDS);
                assertFalse(denied.isGood(), "the station's state is read-only to clients");
            } finally {
                client.disconnect().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    protected boolean carriesClass() {
        return true;
    }

    @Override
    protected boolean carriesForecast() {
        return true;
    }
}
