package io.sightline.postprocess.opcua;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * OPC UA message security: a policy and a mode, written {@code POLICY/MODE} in the config
 * ({@code Basic256Sha256/SignAndEncrypt}, {@code Aes256_Sha256_RsaPss/Sign}, {@code None/None}).
 * Only the policies OPC UA still recommends are accepted; {@code None} only when asked for by name.
 */
public record OpcUaSecurity(SecurityPolicy policy, MessageSecurityMode mode) {
    static {
        // the JDK has no SHA256withRSA/PSS under the name Milo asks for (Aes256_Sha256_RsaPss); BouncyCastle has
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
    }

    /** The policies accepted. Basic128Rsa15 and Basic256 are deprecated by the OPC Foundation (SHA-1). */
    public static final List<SecurityPolicy> POLICIES = List.of(SecurityPolicy.None, SecurityPolicy.Basic256Sha256,
            SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss);
    /** No signing, no encryption: a trusted, isolated network only. */
    public static final OpcUaSecurity NONE = new OpcUaSecurity(SecurityPolicy.None, MessageSecurityMode.None);
    /** What a plant network should use. */
    public static final OpcUaSecurity DEFAULT = new OpcUaSecurity(SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt);

    public OpcUaSecurity {
        if (!POLICIES.contains(policy)) throw new IllegalArgumentException("OPC UA security policy " + policy + " is not accepted");
        if ((policy == SecurityPolicy.None) != (mode == MessageSecurityMode.None)) {
            throw new IllegalArgumentException("OPC UA policy " + name(policy) + " with mode " + mode
                    + ": None goes only with None, and a real policy needs Sign or SignAndEncrypt");
        }
        if (mode == MessageSecurityMode.Invalid) throw new IllegalArgumentException("OPC UA mode Invalid");
    }

    /**
     * Parses {@code POLICY/MODE}.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static OpcUaSecurity parse(String text) {
        String[] parts = text.split("/", -1);
        String accepted = "POLICY/MODE with POLICY one of " + POLICIES.stream().map(OpcUaSecurity::name).toList()
                + " and MODE Sign or SignAndEncrypt (None/None for no security)";
        if (parts.length != 2) throw new IllegalArgumentException("expected " + accepted + ", got '" + text + "'");
        SecurityPolicy policy = POLICIES.stream().filter(p -> name(p).equalsIgnoreCase(parts[0])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("expected " + accepted + ", got policy '" + parts[0] + "'"));
        Map<String, MessageSecurityMode> modes = Map.of("none", MessageSecurityMode.None, "sign", MessageSecurityMode.Sign,
                "signandencrypt", MessageSecurityMode.SignAndEncrypt);
        MessageSecurityMode mode = modes.get(parts[1].toLowerCase(Locale.ROOT));
        if (mode == null) throw new IllegalArgumentException("expected " + accepted + ", got mode '" + parts[1] + "'");
        try {
            return new OpcUaSecurity(policy, mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected " + accepted + ", got '" + text + "'", e);
        }
    }

    /** The policy's short name, as in its URI ({@code Basic256Sha256}). */
    public static String name(SecurityPolicy policy) {
        return policy.getUri().substring(policy.getUri().indexOf('#') + 1);
    }

    public boolean secured() {
        return policy != SecurityPolicy.None;
    }

    @Override
    public String toString() {
        return name(policy) + "/" + mode;
    }
}
