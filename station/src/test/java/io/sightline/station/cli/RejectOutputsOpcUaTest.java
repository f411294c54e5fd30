package io.sightline.station.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.opcua.OpcUaPki;
import io.sightline.postprocess.opcua.OpcUaSecurity;
import io.sightline.postprocess.opcua.OpcUaSink;
import io.sightline.postprocess.opcua.OpcUaStationServer;
import io.sightline.station.config.StationFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OPC UA outputs as a station config names them, opened by {@link RejectOutputs}: the client
 * with Basic256Sha256/SignAndEncrypt, its pki folder and a user whose password is in a file, against
 * a real PLC stand-in on loopback; and the station's own server with a secured endpoint and a users
 * file.
 */
class RejectOutputsOpcUaTest {
    @TempDir
    Path tmp;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Path secret(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void theConfiguredClientSignsEncryptsAndLogsInAtAPlc() throws Exception {
        Path clientPki = tmp.resolve("client-pki");
        List<String> arrivals = new CopyOnWriteArrayList<>();
        try (OpcUaPki plcPki = OpcUaPki.open(tmp.resolve("plc-pki"), "urn:test:plc", List.of("127.0.0.1"))) {
            // commissioning: the station's certificate is made on its first start; here before, and each side trusts the other
            try (OpcUaPki station = OpcUaPki.open(clientPki, "urn:sightline:station:press-7:client", List.of("127.0.0.1"))) {
                plcPki.trust(station.certificate());
                station.trust(plcPki.certificate());
            }
            OpcUaStationServer plc = new OpcUaStationServer("127.0.0.1", freePort(), "PLC", OpcUaSink.PLC_VARIABLES, true,
                    new OpcUaStationServer.Access(List.of(OpcUaSecurity.DEFAULT), plcPki, Map.of("press-7", "plc-secret".toCharArray())));
            try (plc) {
                plc.onChange("LastResult/Seq", v -> arrivals.add("result " + plc.get("LastResult/Part")));
                StationFile.OpcUa config = new StationFile.OpcUa(plc.endpointUrl(), OpcUaSecurity.DEFAULT, clientPki, "press-7",
                        secret(tmp.resolve("opcua.password"), "plc-secret\n"), null);
                List<RejectOutputs.Named> outputs = RejectOutputs.open(null,
                        new StationFile.Sinks(100, null, null, null, config, null), "press-7", "press-7-1");
                try {
                    assertEquals(1, outputs.size());
                    assertTrue(outputs.get(0).name().contains("Basic256Sha256/SignAndEncrypt"), outputs.get(0).name());
                    outputs.get(0).sink().result(0, 42, Outcome.PASS, 0.1f);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    SinkHealth h = outputs.get(0).sink().health();
                    while ((arrivals.isEmpty() || h.buffered() > 0) && System.nanoTime() - deadline < 0) {
                        Thread.sleep(50);
                        h = outputs.get(0).sink().health();
                    }
                    assertTrue(h.up(), h.toString());
                    assertEquals(List.of("result 42"), arrivals);
                } finally {
                    outputs.forEach(n -> n.sink().close());
                }
            }
        }
    }

    @Test
    void theConfiguredServerOffersOnlyItsSecuredEndpointsWithUsers() throws Exception {
        Path users = secret(tmp.resolve("opcua.users"), "alice:secret-1\n");
        StationFile.OpcUaServer config = new StationFile.OpcUaServer(freePort(), List.of(OpcUaSecurity.DEFAULT), tmp.resolve("server-pki"), users);
        List<RejectOutputs.Named> outputs = RejectOutputs.open(null, new StationFile.Sinks(100, null, null, null, null, config),
                "press-7", "press-7-1");
        try {
            assertTrue(outputs.get(0).name().contains("[Basic256Sha256/SignAndEncrypt]"), outputs.get(0).name());
            assertTrue(Files.isRegularFile(tmp.resolve("server-pki/own/cert.der")), "the server's certificate is made at its first start");
            // a client asking for None is refused: the server does not offer it
            try (OpcUaSink none = new OpcUaSink("opc.tcp://127.0.0.1:" + config.port() + "/sightline", OpcUaStationServer.NAMESPACE_URI,
                    "Sightline", 10)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                SinkHealth h = none.health();
                while (h.lastError() == null && System.nanoTime() - deadline < 0) {
                    Thread.sleep(50);
                    h = none.health();
                }
                assertFalse(h.up(), h.toString());
                assertTrue(h.lastError().contains("None/None"), h.lastError());
            }
        } finally {
            outputs.forEach(n -> n.sink().close());
        }
    }
}
