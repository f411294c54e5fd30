package io.sightline.postprocess.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.api.config.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.api.config.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.api.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.api.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.client.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * The client side of {@link OpcUaSink.Access}: which of the server's endpoints to use, the
 * client's certificate and trust list, its user, and a refusal put in words.
 */
final class OpcUaClientSecurity {
    static final String CLIENT_APPLICATION_URI = "urn:sightline:station:client";

    private OpcUaClientSecurity() {}

    /**
     * Reads the server's endpoints and picks the one with the asked policy and mode.
     *
     * @throws IllegalStateException naming what the server offers when none matches
     */
    static OpcUaClientConfig config(String url, OpcUaSink.Access access) throws Exception {
        List<EndpointDescription> endpoints = endpoints(url);
        OpcUaSecurity wanted = access.security();
        EndpointDescription chosen = endpoints.stream()
                .filter(e -> wanted.policy().getUri().equals(e.getSecurityPolicyUri()) && wanted.mode() == e.getSecurityMode())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the OPC UA server at " + url + " offers no endpoint with " + wanted
                        + " (it offers " + endpoints.stream().map(e -> SecurityPolicy.fromUriSafe(e.getSecurityPolicyUri())
                                .map(OpcUaSecurity::name).orElse(e.getSecurityPolicyUri()) + "/" + e.getSecurityMode()).distinct().toList()
                        + ")"));
        // the endpoint as the server names it may use another host name than the one we reached it at
        chosen = EndpointUtil.updateUrl(chosen, EndpointUtil.getHost(url), EndpointUtil.getPort(url));
        OpcUaClientConfigBuilder b = OpcUaClientConfig.builder().setEndpoint(chosen)
                .setApplicationName(LocalizedText.english("Sightline station"))
                .setApplicationUri(access.pki() != null ? OpcUaPki.applicationUri(access.pki().certificate()) : CLIENT_APPLICATION_URI)
                .setRequestTimeout(uint(5000))
                .setIdentityProvider(access.username() == null ? new AnonymousProvider()
                        : new UsernameProvider(access.username(), new String(access.password())));
        if (access.pki() != null) {
            b.setKeyPair(access.pki().keyPair()).setCertificate(access.pki().certificate())
                    .setCertificateValidator(new DefaultClientCertificateValidator(access.pki().trustList()));
        }
        return b.build();
    }

    private static List<EndpointDescription> endpoints(String url) throws Exception {
        try {
            return DiscoveryClient.getEndpoints(url).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // a server with only secured endpoints answers discovery on its /discovery path
            return DiscoveryClient.getEndpoints(url + "/discovery").get(10, TimeUnit.SECONDS);
        }
    }

    /** Why the server refused the session, in words an operator can act on. */
    static String whyRefused(String url, OpcUaSink.Access access, Throwable cause) {
        long code = cause instanceof UaException ua ? ua.getStatusCode().getValue() : 0;
        if (code == StatusCodes.Bad_SecurityChecksFailed || code == StatusCodes.Bad_CertificateUntrusted) {
            return "the OPC UA server at " + url + " does not trust this station's certificate (" + cause.getMessage()
                    + "): move it from the server's rejected folder to its trusted one, and the server's into "
                    + (access.pki() == null ? "the station's pki" : access.pki().dir().resolve("trusted/certs"));
        }
        if (code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_IdentityTokenInvalid
                || code == StatusCodes.Bad_IdentityTokenRejected) {
            return "the OPC UA server at " + url + " refused user " + access.username() + " (" + cause.getMessage() + ")";
        }
        return "cannot open an OPC UA session with " + url + " (" + access.security() + "): " + cause;
    }
}
