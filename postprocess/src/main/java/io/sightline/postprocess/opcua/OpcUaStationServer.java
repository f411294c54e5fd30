package io.sightline.postprocess.opcua;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.api.DataItem;
import org.eclipse.milo.opcua.sdk.server.api.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.api.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.api.config.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.server.EndpointConfiguration;
import org.eclipse.milo.opcua.stack.server.security.DefaultServerCertificateValidator;

/**
 * An OPC UA server (Eclipse Milo) with one folder of variables under Objects: the station's
 * state for a line controller or an MES to read, modelled on OPC 40100 Machine Vision where it
 * fits (a state, the last result, counters, errors). The same class stands in for a PLC's
 * result variables in tests, with the variables writable.
 *
 * <pre>
 *   Objects / FOLDER / NAME       ns = NAMESPACE_URI, NodeId string "FOLDER/NAME"
 * </pre>
 *
 * Loopback or the address given. {@link Access} says how clients connect: policy None with
 * anonymous users (a PLC stand-in, an isolated cell), or signed and encrypted endpoints
 * (Basic256Sha256, Aes256_Sha256_RsaPss), certificate trust lists kept the OPC UA way
 * ({@link OpcUaPki}) and user names with passwords.
 */
public final class OpcUaStationServer implements AutoCloseable {
    public static final String NAMESPACE_URI = "urn:sightline:station";
    /** The station's own variables (OPC 40100 Machine Vision in spirit) and their initial values. */
    public static final Map<String, Object> STATION_VARIABLES = stationVariables();

    private final OpcUaServer server;
    private final Namespace namespace;
    private final String endpointUrl;

    private static Map<String, Object> stationVariables() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("State", "Idle");
        m.put("LastResult/Line", 0);
        m.put("LastResult/Part", 0L);
        m.put("LastResult/Decision", "");
        m.put("LastResult/Reason", "");
        m.put("LastResult/Score", 0.0);
        m.put("Counters/Passed", 0L);
        m.put("Counters/Rejected", 0L);
        m.put("Counters/FailSafe", 0L);
        m.put("Errors", "");
        return m;
    }

    /**
     * Who may connect, and how.
     *
     * @param endpoints the message security each endpoint offers; {@link OpcUaSecurity#NONE} only if listed
     * @param pki this server's certificate and the clients it trusts; required with a secured endpoint
     * @param users user name to password; empty: anonymous sessions (no users configured)
     */
    public record Access(List<OpcUaSecurity> endpoints, OpcUaPki pki, Map<String, char[]> users) {
        /** Policy None, anonymous: a PLC stand-in in tests, or an isolated cell network. */
        public static final Access OPEN = new Access(List.of(OpcUaSecurity.NONE), null, Map.of());

        public Access {
            endpoints = List.copyOf(endpoints);
            users = Map.copyOf(users);
            if (endpoints.isEmpty()) throw new IllegalArgumentException("an OPC UA server needs at least one endpoint");
            if (pki == null && endpoints.stream().anyMatch(OpcUaSecurity::secured)) {
                throw new IllegalArgumentException("secured OPC UA endpoints " + endpoints + " need a certificate store (pki)");
            }
        }
    }

    /**
     * @param variables name to initial value (String, Integer, Long, Double, Boolean)
     * @param writable whether clients may write them (a PLC stand-in) or only read (the station's state)
     */
    public OpcUaStationServer(String bindAddress, int port, String folder, Map<String, Object> variables, boolean writable)
            throws Exception {
        this(bindAddress, port, folder, variables, writable, Access.OPEN);
    }

    /**
     * A server whose endpoints, certificate, trusted clients and users are {@code access}. Clients
     * whose certificate is not trusted are refused and land in the pki's {@code rejected/} folder;
     * a session on a security policy that is not listed is refused.
     */
    public OpcUaStationServer(String bindAddress, int port, String folder, Map<String, Object> variables, boolean writable, Access access)
            throws Exception {
        this.endpointUrl = "opc.tcp://" + bindAddress + ":" + port + "/sightline";
        UserTokenPolicy token = access.users().isEmpty() ? OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS
                : OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME;
        EndpointConfiguration.Builder base = new EndpointConfiguration.Builder()
                .setBindAddress(bindAddress).setBindPort(port).setHostname(bindAddress).setPath("/sightline")
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY).addTokenPolicies(token);
        if (access.pki() != null) base.setCertificate(access.pki().certificate());
        Set<EndpointConfiguration> endpoints = new java.util.LinkedHashSet<>();
        for (OpcUaSecurity security : access.endpoints()) {
            endpoints.add(base.copy().setSecurityPolicy(security.policy()).setSecurityMode(security.mode()).build());
        }
        if (!access.endpoints().contains(OpcUaSecurity.NONE)) {
            // clients read the endpoint list over an unsecured channel first; this path serves discovery only
            endpoints.add(base.copy().setPath("/sightline/discovery").setSecurityPolicy(SecurityPolicy.None)
                    .setSecurityMode(MessageSecurityMode.None).build());
        }
        OpcUaPki pki = access.pki();
        DefaultTrustListManager trust;
        DefaultCertificateManager certificates;
        if (pki != null) {
            trust = pki.trustList();
            certificates = new DefaultCertificateManager(pki.keyPair(), pki.certificate());
        } else {
            java.io.File dir = java.nio.file.Files.createTempDirectory("sightline-opcua-pki").toFile();
            dir.deleteOnExit();
            trust = new DefaultTrustListManager(dir);
            certificates = new DefaultCertificateManager();
        }
        String applicationUri = pki != null ? OpcUaPki.applicationUri(pki.certificate()) : "urn:sightline:station:" + folder;
        Map<String, char[]> users = access.users();
        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri(applicationUri)
                .setApplicationName(LocalizedText.english("Sightline " + folder))
                .setProductUri("urn:sightline")
                .setEndpoints(endpoints)
                .setCertificateManager(certificates)
                .setTrustListManager(trust)
                .setCertificateValidator(new DefaultServerCertificateValidator(trust))
                .setIdentityValidator(users.isEmpty() ? AnonymousIdentityValidator.INSTANCE
                        : new UsernameIdentityValidator(false, c -> passwordMatches(users.get(c.getUsername()), c.getPassword())))
                .build();
        this.server = new OpcUaServer(config);
        this.namespace = new Namespace(server, folder, variables, writable);
        namespace.startup();
        server.startup().get(20, TimeUnit.SECONDS);
    }

    /** Compares in time independent of where the first difference is. */
    private static boolean passwordMatches(char[] expected, String given) {
        if (expected == null || given == null) return false;
        return java.security.MessageDigest.isEqual(new String(expected).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    /** The NodeId of variable {@code name} in this server's namespace. */
    public NodeId nodeId(String name) {
        return namespace.id(name);
    }

    /** Sets a variable (the station publishing its state). */
    public void set(String name, Object value) {
        namespace.node(name).setValue(new DataValue(new Variant(value)));
    }

    /** Calls {@code observer} with the new value each time variable {@code name} changes (a client wrote it). */
    public void onChange(String name, java.util.function.Consumer<Object> observer) {
        namespace.node(name).addAttributeObserver((node, attribute, value) -> {
            if (attribute == org.eclipse.milo.opcua.stack.core.AttributeId.Value && value instanceof DataValue dv) {
                observer.accept(dv.getValue().getValue());
            }
        });
    }

    /** A variable's current value (what a client wrote, in a PLC stand-in). */
    public Object get(String name) {
        return namespace.node(name).getValue().getValue().getValue();
    }

    @Override
    public void close() throws Exception {
        server.shutdown().get(20, TimeUnit.SECONDS);
        namespace.shutdown();
    }

    private static final class Namespace extends ManagedNamespaceWithLifecycle {
        private final SubscriptionModel subscriptions;
        private final String folder;
        private final Map<String, UaVariableNode> nodes = new LinkedHashMap<>();
        private final Map<String, Object> variables;
        private final boolean writable;

        Namespace(OpcUaServer server, String folder, Map<String, Object> variables, boolean writable) {
            super(server, NAMESPACE_URI);
            this.folder = folder;
            this.variables = variables;
            this.writable = writable;
            this.subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(this::createNodes);
        }

        NodeId id(String name) {
            return newNodeId(folder + "/" + name);
        }

        UaVariableNode node(String name) {
            UaVariableNode n = nodes.get(name);
            if (n == null) throw new IllegalArgumentException("no OPC UA variable '" + name + "' (have " + nodes.keySet() + ")");
            return n;
        }

        private void createNodes() {
            UaFolderNode root = new UaFolderNode(getNodeContext(), newNodeId(folder), newQualifiedName(folder),
                    LocalizedText.english(folder));
            getNodeManager().addNode(root);
            root.addReference(new Reference(root.getNodeId(), Identifiers.Organizes, Identifiers.ObjectsFolder.expanded(), false));
            for (Map.Entry<String, Object> e : variables.entrySet()) {
                Object v = e.getValue();
                NodeId type = v instanceof String ? Identifiers.String : v instanceof Integer ? Identifiers.Int32
                        : v instanceof Long ? Identifiers.Int64 : v instanceof Boolean ? Identifiers.Boolean : Identifiers.Double;
                Set<AccessLevel> access = writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY;
                UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                        .setNodeId(id(e.getKey())).setAccessLevel(access).setUserAccessLevel(access)
                        .setBrowseName(newQualifiedName(e.getKey())).setDisplayName(LocalizedText.english(e.getKey()))
                        .setDataType(type).setTypeDefinition(Identifiers.BaseDataVariableType).build();
                node.setValue(new DataValue(new Variant(v)));
                getNodeManager().addNode(node);
                root.addOrganizes(node);
                nodes.put(e.getKey(), node);
            }
        }

        @Override
        public void onDataItemsCreated(List<DataItem> items) {
            subscriptions.onDataItemsCreated(items);
        }

        @Override
        public void onDataItemsModified(List<DataItem> items) {
            subscriptions.onDataItemsModified(items);
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> items) {
            subscriptions.onDataItemsDeleted(items);
        }

        @Override
        public void onMonitoringModeChanged(List<MonitoredItem> items) {
            subscriptions.onMonitoringModeChanged(items);
        }
    }
}
