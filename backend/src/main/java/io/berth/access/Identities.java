package io.berth.access;

import java.util.UUID;

/**
 * Names of a user's Kubernetes identity. Each credential epoch has its own ServiceAccount {@code u-<account>-e<epoch>}:
 * rotating moves the membership RoleBindings to the new one (the old tokens lose every permission at once) and
 * deletes the old one (the API server then refuses its tokens outright, after its token cache of at most 10 s).
 */
public final class Identities {

    private Identities() {
    }

    public static String serviceAccount(UUID accountId, int epoch) {
        return "u-" + accountId + "-e" + epoch;
    }

    /** The Kubernetes user name a token of this account and epoch authenticates as. */
    public static String username(String identityNamespace, UUID accountId, int epoch) {
        return "system:serviceaccount:" + identityNamespace + ":" + serviceAccount(accountId, epoch);
    }
}
