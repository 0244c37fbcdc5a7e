package io.berth.cluster;

import java.util.UUID;

/** Names of a user's Kubernetes identity: a ServiceAccount and the Secret its tokens are bound to. */
public final class Identities {

    private Identities() {
    }

    public static String serviceAccount(UUID accountId) {
        return "u-" + accountId;
    }

    public static String credentialSecret(UUID accountId, int epoch) {
        return "u-" + accountId + "-e" + epoch;
    }

    /** The Kubernetes user name a token of this account authenticates as. */
    public static String username(String identityNamespace, UUID accountId) {
        return "system:serviceaccount:" + identityNamespace + ":" + serviceAccount(accountId);
    }
}
