package io.sightline.station.cli;

import io.sightline.postprocess.Outcome;
import io.sightline.postprocess.RejectSink;
import io.sightline.postprocess.SinkHealth;
import io.sightline.postprocess.opcua.OpcUaPki;
import io.sightline.postprocess.opcua.OpcUaSink;
import io.sightline.postprocess.security.Secrets;
import io.sightline.postprocess.trend.TrendAlarm;
import io.sightline.station.config.StationFile;
import java.io.IOException;
import java.net.InetAddress;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA outputs' security from the config: the client's {@link OpcUaSink.Access} (its password
 * read here, from its file or variable), and the certificate store each output holds open and
 * closes with it.
 */
final class OpcUaAccess {
    private OpcUaAccess() {
    }

    /** {@code reject.sinks.opcua}'s security, certificate store and user. */
    static OpcUaSink.Access client(StationFile.OpcUa o, OpcUaPki pki) {
        char[] password = null;
        if (o.username() != null) {
            password = o.passwordFile() != null ? Secrets.fromFile(o.passwordFile(), "reject.sinks.opcua.password-file")
                    : Secrets.fromEnv(System.getenv(), o.passwordEnv(), "reject.sinks.opcua.password-env");
        }
        return new OpcUaSink.Access(o.security(), pki, o.username(), password);
    }

    /** This machine's name for the client certificate, or localhost when it has none that resolves. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** {@code sink}, closing {@code pki} (its trust list's folder watch) after it; {@code sink} itself when there is none. */
    static RejectSink closingWith(RejectSink sink, OpcUaPki pki) {
        if (pki == null) return sink;
        return new RejectSink() {
            @Override
            public void reject(int line, long partId, Outcome reason, float defectScore, long deadlineNanos) {
                sink.reject(line, partId, reason, defectScore, deadlineNanos);
            }

            @Override
            public void result(int line, long partId, Outcome outcome, float defectScore) {
                sink.result(line, partId, outcome, defectScore);
            }

            @Override
            public SinkHealth health() {
                return sink.health();
            }

            @Override
            public void trendAlarm(TrendAlarm alarm) {
                sink.trendAlarm(alarm);
            }

            @Override
            public void close() {
                try {
                    sink.close();
                } finally {
                    try {
                        pki.close();
                    } catch (IOException e) {
                        LoggerFactory.getLogger(OpcUaAccess.class).warn("closing OPC UA certificate store {}: {}", pki.dir(), e.getMessage());
                    }
                }
            }
        };
    }
}
