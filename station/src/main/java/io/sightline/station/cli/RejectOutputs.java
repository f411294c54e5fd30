package io.sightline.station.cli;

import io.sightline.postprocess.CompositeSink;
import io.sightline.postprocess.KafkaSink;
import io.sightline.postprocess.LoggingRejectSink;
import io.sightline.postprocess.ModbusPlc;
import io.sightline.postprocess.ModbusSink;
import io.sightline.postprocess.MqttSink;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.opcua.OpcUaPki;
import io.sightline.postprocess.opcua.OpcUaSink;
import io.sightline.postprocess.opcua.OpcUaStateSink;
import io.sightline.postprocess.opcua.OpcUaStationServer;
import io.sightline.postprocess.security.Secrets;
import io.sightline.postprocess.security.TlsFiles;
import io.sightline.station.config.StationFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The reject outputs a station sends to, as the config ({@code reject.log}, {@code reject.sinks})
 * or the demo's flags name them: the reject log, MQTT, Modbus TCP, Kafka, a PLC's OPC UA server and
 * the station's own OPC UA server. Each networked output buffers while its destination is down.
 */
final class RejectOutputs {
    private RejectOutputs() {
    }

    /** The TLS context and credentials the config names; the password is read here, from its file or variable. */
    static MqttSink.Security mqttSecurity(StationFile.Mqtt m) {
        StationFile.SinkAuth a = m.auth();
        boolean tls = m.uri().startsWith("ssl://") || m.uri().startsWith("wss://");
        SSLContext context = tls ? TlsFiles.clientContext(a.tlsCa(), null, null) : null;
        return new MqttSink.Security(context, a.username(), password(a, "reject.sinks.mqtt"));
    }

    /** Kafka's SSL / SASL settings from the config; the password is read here. */
    static KafkaSink.Security kafkaSecurity(StationFile.Kafka k) {
        StationFile.SinkAuth a = k.auth();
        if (a.tlsCa() != null) TlsFiles.trustStore(a.tlsCa()); // a bad file is named at start, not in a broker's retry loop
        return new KafkaSink.Security(k.tls(), a.tlsCa(), a.username(), password(a, "reject.sinks.kafka"), k.saslMechanism());
    }

    /** The password from its file or variable, or null without credentials. */
    private static char[] password(StationFile.SinkAuth a, String section) {
        if (a.username() == null) return null;
        return a.passwordFile() != null
                ? Secrets.fromFile(a.passwordFile(), section + ".password-file")
                : Secrets.fromEnv(System.getenv(), a.passwordEnv(), section + ".password-env");
    }

    /** One output and the name it goes by in logs and start-up checks. */
    record Named(String name, RejectSink sink) {}

    /**
     * Opens the reject log (null: none) and every configured sink (null: none); if one cannot start,
     * those already opened are closed again.
     *
     * @param stationName {@code station.name}: names the station's OPC UA application URIs
     * @param clientId the station's client id at brokers ({@code station.name} plus the process id)
     */
    static List<Named> open(Path rejectLog, StationFile.Sinks sinks, String stationName, String clientId) throws IOException {
        List<Named> out = new ArrayList<>();
        try {
            if (rejectLog != null) {
                if (rejectLog.toAbsolutePath().getParent() != null) Files.createDirectories(rejectLog.toAbsolutePath().getParent());
                out.add(new Named("log " + rejectLog, new LoggingRejectSink(
                        new PrintStream(Files.newOutputStream(rejectLog), false, StandardCharsets.UTF_8), true)));
            }
            if (sinks == null) return out;
            int buffer = sinks.buffer();
            if (sinks.mqtt() != null) {
                StationFile.Mqtt m = sinks.mqtt();
                out.add(new Named("mqtt " + m.uri(), new MqttSink(m.uri(), clientId, m.topic(), buffer, mqttSecurity(m))));
            }
            if (sinks.modbus() != null) {
                StationFile.Modbus m = sinks.modbus();
                out.add(new Named("modbus " + m.host() + ":" + m.port(), new ModbusSink(new ModbusPlc(m.host(), m.port(), m.unit()), buffer)));
            }
            if (sinks.kafka() != null) {
                StationFile.Kafka k = sinks.kafka();
                out.add(new Named("kafka " + k.bootstrap(), new KafkaSink(k.bootstrap(), clientId, k.topicPrefix(), buffer, kafkaSecurity(k))));
            }
            if (sinks.opcua() != null) {
                StationFile.OpcUa o = sinks.opcua();
                OpcUaPki pki = o.pki() == null ? null : OpcUaPki.open(o.pki(), "urn:sightline:station:" + stationName + ":client",
                        List.of(OpcUaAccess.hostName(), "127.0.0.1"));
                try {
                    OpcUaSink sink = new OpcUaSink(o.url(), OpcUaStationServer.NAMESPACE_URI, "PLC", buffer, OpcUaAccess.client(o, pki));
                    out.add(new Named("opcua " + o.url() + " (" + o.security() + ")", OpcUaAccess.closingWith(sink, pki)));
                } catch (RuntimeException e) {
                    if (pki != null) pki.close();
                    throw e;
                }
            }
            if (sinks.opcuaServer() != null) {
                StationFile.OpcUaServer o = sinks.opcuaServer();
                OpcUaPki pki = o.pki() == null ? null : OpcUaPki.open(o.pki(), "urn:sightline:station:" + stationName,
                        List.of("127.0.0.1", "localhost"));
                try {
                    var server = new OpcUaStationServer("127.0.0.1", o.port(), "Sightline", OpcUaStationServer.STATION_VARIABLES, false,
                            new OpcUaStationServer.Access(o.security(), pki, o.readUsers()));
                    out.add(new Named("opcua-server " + server.endpointUrl() + " " + o.security(),
                            OpcUaAccess.closingWith(new OpcUaStateSink(server, true), pki)));
                } catch (Exception e) {
                    if (pki != null) pki.close();
                    throw e;
                }
            }
            return out;
        } catch (Exception e) {
            out.forEach(n -> n.sink().close());
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof IOException io) throw io;
            throw new IllegalStateException("an output could not start: " + e.getMessage(), e);
        }
    }

    /** The outputs as the one sink a station sends to. */
    static RejectSink combine(List<Named> outputs) {
        if (outputs.isEmpty()) return new CompositeSink(List.of());
        if (outputs.size() == 1) return outputs.get(0).sink();
        List<RejectSink> sinks = new ArrayList<>();
        for (Named n : outputs) sinks.add(n.sink());
        return new CompositeSink(sinks);
    }

    /** The demo's {@code --modbus HOST:PORT[:UNIT]}. */
    static StationFile.Modbus modbus(String spec) {
        String[] p = spec.split(":");
        try {
            if (p.length == 2 || p.length == 3) {
                int port = Integer.parseInt(p[1]);
                int unit = p.length == 3 ? Integer.parseInt(p[2]) : 1;
                if (!p[0].isBlank() && port > 0 && port < 65536 && unit >= 0 && unit < 256) return new StationFile.Modbus(p[0], port, unit);
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--modbus: expected HOST:PORT or HOST:PORT:UNIT (port 1-65535, unit 0-255), got '" + spec + "'");
    }
}
