package io.sightline.postprocess.opcua;

import io.sightline.postprocess.BufferedSink;
import io.sightline.postprocess.DecisionJournal;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.trend.TrendAlarm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * The station as an OPC UA client (Eclipse Milo), writing into a PLC's variables: the last
 * reject, the last result and the last trend alarm, each a group of variables whose sequence
 * number is written last in the same request, so the PLC sees a new record when it changes.
 *
 * <pre>
 *   namespace NS, NodeId strings:  PREFIX/LastReject/{Line,Part,Reason,Seq}
 *                                  PREFIX/LastResult/{Line,Part,Decision,Seq}
 *                                  PREFIX/LastTrend/{Line,Detector,Raised,ForecastRate,ForecastLower,ForecastUpper,ForecastLevel,ForecastLimit,Class,Seq}
 * </pre>
 *
 * Buffered and never blocking ({@link BufferedSink}); a PLC that is down leaves the sink down
 * and buffering. The {@code Forecast*} variables and {@code Class} (the defect class whose rate rose,
 * "" for the whole line) are optional: a PLC program written before the forecast or the per-class
 * tracking existed has none, and its writes answer {@code Bad_NodeIdUnknown}; that is logged once
 * per variable and the rest of the record (with {@code Seq} last) is still delivered.
 */
public final class OpcUaSink extends BufferedSink<Object[]> {
    /** The PLC variables this sink writes, with their types (for a PLC program or a stand-in). */
    /** The LSTM's forecast with its alarm (LastTrend/...; -1 for a chart's alarm): rate, interval, level, limit. */
    static final String[] FORECAST_VARIABLES = {"ForecastRate", "ForecastLower", "ForecastUpper", "ForecastLevel", "ForecastLimit"};
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpcUaSink.class);
    /** The defect class whose rate rose (LastTrend/Class; "" for an alarm on the whole line). */
    static final String CLASS_VARIABLE = "Class";
    /** Optional variables the PLC answered as unknown (logged once each). */
    private final java.util.Set<String> missingLogged = new java.util.HashSet<>();

    public static final java.util.Map<String, Object> PLC_VARIABLES = plcVariables();

    private final Access access;
    private final String endpointUrl;
    private final String namespaceUri;
    private final String prefix;
    private OpcUaClient client;
    private UShort namespace;
    private long rejectSeq;
    private long resultSeq;
    private long trendSeq;

    private static java.util.Map<String, Object> plcVariables() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (String group : new String[] {"LastReject", "LastResult", "LastTrend"}) {
            m.put(group + "/Line", 0);
            m.put(group + "/" + (group.equals("LastTrend") ? "Detector" : "Part"), group.equals("LastTrend") ? "" : (Object) 0L);
            m.put(group + "/" + (group.equals("LastReject") ? "Reason" : group.equals("LastResult") ? "Decision" : "Raised"),
                    group.equals("LastTrend") ? (Object) Boolean.FALSE : "");
            m.put(group + "/Seq", 0L);
        }
        for (String f : FORECAST_VARIABLES) m.put("LastTrend/" + f, 0.0);
        m.put("LastTrend/" + CLASS_VARIABLE, "");
        return m;
    }

    /**
     * How the sink connects: the message security it asks for, its certificate and the servers it
     * trusts ({@code pki}, required with a secured policy), and a user (null: anonymous).
     */
    public record Access(OpcUaSecurity security, OpcUaPki pki, String username, char[] password) {
        /** Policy None, anonymous. */
        public static final Access OPEN = new Access(OpcUaSecurity.NONE, null, null, null);

        public Access {
            if (security.secured() && pki == null) throw new IllegalArgumentException("OPC UA " + security + " needs a certificate store (pki)");
            if ((username == null) != (password == null)) throw new IllegalArgumentException("an OPC UA user needs a name and a password");
        }
    }

    public OpcUaSink(String endpointUrl, String namespaceUri, String prefix, int capacity) {
        this(endpointUrl, namespaceUri, prefix, capacity, Access.OPEN);
    }

    public OpcUaSink(String endpointUrl, String namespaceUri, String prefix, int capacity, Access access) {
        super("sightline-opcua-" + endpointUrl, capacity);
        this.access = access;
        this.endpointUrl = endpointUrl;
        this.namespaceUri = namespaceUri;
        this.prefix = prefix;
        try {
            connect();
            setUp(true, null);
        } catch (Exception e) {
            setUp(false, e.getMessage());
        }
        startDelivery();
    }

    private void connect() throws Exception {
        if (client != null) return;
        OpcUaClient c = OpcUaClient.create(OpcUaClientSecurity.config(endpointUrl, access));
        try {
            c.connect().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(OpcUaClientSecurity.whyRefused(endpointUrl, access, e.getCause()), e.getCause());
        }
        UShort ns = c.getNamespaceTable().getIndex(namespaceUri);
        if (ns == null) {
            c.disconnect();
            throw new IllegalStateException("the OPC UA server at " + endpointUrl + " has no namespace " + namespaceUri);
        }
        client = c;
        namespace = ns;
    }

    @Override
    protected void deliver(Object[] record) throws Exception {
        connect();
        String group = (String) record[0];
        String[] names = (String[]) record[1];
        List<NodeId> ids = new ArrayList<>();
        List<DataValue> values = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            ids.add(new NodeId(namespace, prefix + "/" + group + "/" + names[i]));
            values.add(DataValue.valueOnly(new Variant(record[2 + i])));
        }
        List<StatusCode> codes = client.writeValues(ids, values).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i).isGood()) continue;
            if (optional(names[i]) && codes.get(i).getValue() == org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_NodeIdUnknown) {
                if (missingLogged.add(names[i])) {
                    LOG.warn("OPC UA output {}: the PLC has no {} (the trend {} is not written; the alarm still is): {}",
                            endpointUrl, ids.get(i), CLASS_VARIABLE.equals(names[i]) ? "class" : "forecast", codes.get(i));
                }
                continue;
            }
            throw new IllegalStateException("writing " + ids.get(i) + " at " + endpointUrl + ": " + codes.get(i));
        }
    }

    private static boolean optional(String name) {
        for (String f : FORECAST_VARIABLES) if (f.equals(name)) return true;
        return CLASS_VARIABLE.equals(name);
    }

    @Override
    protected void onFailure() {
        if (client != null) {
            try {
                client.disconnect().get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reconnecting anyway
            }
        }
        client = null;
    }

    @Override
    public synchronized void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
        offer(new Object[] {"LastReject", new String[] {"Line", "Part", "Reason", "Seq"}, line, partId, reason.reason(), ++rejectSeq});
    }

    @Override
    public synchronized void result(int line, long partId, Outcome outcome, float defectScore) {
        offer(new Object[] {"LastResult", new String[] {"Line", "Part", "Decision", "Seq"}, line, partId,
            outcome.decision(), ++resultSeq});
    }

    @Override
    public synchronized void trendAlarm(TrendAlarm a) {
        TrendAlarm.Forecast f = a.forecast();
        double[] v = f == null ? new double[] {-1, -1, -1, -1, -1} : new double[] {f.rate(), f.lower(), f.upper(), f.level(), f.limitRate()};
        offer(new Object[] {"LastTrend", new String[] {"Line", "Detector", "Raised", FORECAST_VARIABLES[0], FORECAST_VARIABLES[1],
            FORECAST_VARIABLES[2], FORECAST_VARIABLES[3], FORECAST_VARIABLES[4], CLASS_VARIABLE, "Seq"}, a.line(), a.detector(), a.raised(),
            v[0], v[1], v[2], v[3], v[4], a.defectClass() == null ? "" : a.defectClass(), ++trendSeq});
    }

    @Override
    public SinkHealth health() {
        return super.health();
    }

    @Override
    public void close() {
        super.close();
        onFailure();
    }
}
