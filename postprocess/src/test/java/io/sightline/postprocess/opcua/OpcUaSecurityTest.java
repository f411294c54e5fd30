package io.sightline.postprocess.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.postprocess.HealthWait;
import io.sightline.postprocess.LoopbackPorts;
import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.SinkHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPC UA with security, both ends real (Milo) on loopback: a PLC stand-in server that offers only
 * Basic256Sha256 and Aes256_Sha256_RsaPss endpoints and one user, and the station's sink as a
 * client with its own certificate. Trust is commissioned the OPC UA way: each side's certificate
 * copied into the other's {@code trusted/certs}; a stranger lands in {@code rejected/}.
 */
class OpcUaSecurityTest {
    private static final OpcUaSecurity SIGN_AND_ENCRYPT = OpcUaSecurity.parse("Basic256Sha256/SignAndEncrypt");
    private static final OpcUaSecurity PSS_SIGN = OpcUaSecurity.parse("Aes256_Sha256_RsaPss/Sign");

    @TempDir
    Path tmp;
    private OpcUaPki plcPki;
    private OpcUaPki stationPki;
    private OpcUaStationServer plc;
    private final List<String> arrivals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        plcPki = OpcUaPki.open(tmp.resolve("plc-pki"), "urn:test:plc", List.of("127.0.0.1", "localhost"));
        stationPki = OpcUaPki.open(tmp.resolve("station-pki"), "urn:sightline:station:press-7", List.of("127.0.0.1"));
        plc = new OpcUaStationServer("127.0.0.1", LoopbackPorts.free(), "PLC", OpcUaSink.PLC_VARIABLES, true,
                new OpcUaStationServer.Access(List.of(SIGN_AND_ENCRYPT, PSS_SIGN), plcPki, Map.of("station", "right".toCharArray())));
        plc.onChange("LastResult/Seq", v -> arrivals.add("result " + plc.get("LastResult/Part")));
    }

    @AfterEach
    void stop() throws Exception {
        plc.close();
        plcPki.close();
        stationPki.close();
    }

    private void commission() {
        plcPki.trust(stationPki.certificate());
        stationPki.trust(plcPki.certificate());
    }

    private OpcUaSink sink(OpcUaSecurity security, OpcUaPki pki, String password) {
        return new OpcUaSink(plc.endpointUrl(), OpcUaStationServer.NAMESPACE_URI, "PLC", 100,
                new OpcUaSink.Access(security, pki, "station", password.toCharArray()));
    }


    @Test
    void signAndEncryptAndSignSessionsDeliverWithTrustedCertificatesAndAUser() throws Exception {
        commission();
        for (OpcUaSecurity security : List.of(SIGN_AND_ENCRYPT, PSS_SIGN)) {
            arrivals.clear();
            try (OpcUaSink sink = sink(security, stationPki, "right")) {
                sink.result(1, security == PSS_SIGN ? 2 : 1, Outcome.PASS, 0.1f);
                SinkHealth h = HealthWait.until(sink, x -> x.up() && x.buffered() == 0 && !arrivals.isEmpty(), 30);
                assertTrue(h.up(), security + ": " + h);
                assertEquals(List.of("result " + (security == PSS_SIGN ? 2 : 1)), arrivals, security.toString());
            }
        }
    }

    @Test
    void policyNoneIsRefusedWhenTheServerDoesNotOfferIt() throws Exception {
        commission();
        try (OpcUaSink sink = new OpcUaSink(plc.endpointUrl(), OpcUaStationServer.NAMESPACE_URI, "PLC", 100)) {
            sink.result(1, 3, Outcome.PASS, 0.1f);
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null, 30);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("offers no endpoint with None/None") && h.lastError().contains("Basic256Sha256/SignAndEncrypt"),
                    h.lastError());
            assertTrue(arrivals.isEmpty());
        }
    }

    @Test
    void aStationWhoseCertificateTheServerDoesNotTrustIsRefusedAndLandsInRejected() throws Exception {
        stationPki.trust(plcPki.certificate()); // the station trusts the PLC; the PLC was not told of the station
        try (OpcUaSink sink = sink(SIGN_AND_ENCRYPT, stationPki, "right")) {
            sink.result(1, 4, Outcome.PASS, 0.1f);
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null, 30);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("does not trust this station's certificate"), h.lastError());
            assertEquals(1, h.buffered());
        }
        assertTrue(plcPki.rejected().contains(stationPki.certificate()), "the refused certificate is kept for an operator to trust");
        try (var files = Files.list(plcPki.dir().resolve("rejected"))) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aWrongPasswordIsRefusedNamingTheUser() throws Exception {
        commission();
        try (OpcUaSink sink = sink(SIGN_AND_ENCRYPT, stationPki, "wrong")) {
            sink.result(1, 5, Outcome.PASS, 0.1f);
            SinkHealth h = HealthWait.until(sink, x -> x.lastError() != null, 30);
            assertFalse(h.up());
            assertTrue(h.lastError().contains("refused user station"), h.lastError());
        }
    }

    @Test
    void badSecuritySettingsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OpcUaSecurity.parse("Basic128Rsa15/Sign")).getMessage()
                .contains("got policy 'Basic128Rsa15'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OpcUaSecurity.parse("Basic256Sha256/None")).getMessage()
                .contains("Basic256Sha256/None"));
        assertThrows(IllegalArgumentException.class, () -> new OpcUaSink.Access(SIGN_AND_ENCRYPT, null, null, null));
        String other = assertThrows(IllegalArgumentException.class,
                () -> OpcUaPki.open(tmp.resolve("plc-pki"), "urn:someone:else", List.of("127.0.0.1"))).getMessage();
        assertTrue(other.contains("urn:test:plc") && other.contains("urn:someone:else"), other);
    }
}
