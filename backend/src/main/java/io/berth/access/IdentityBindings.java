package io.berth.access;

import java.util.UUID;

/**
 * Where an account's Kubernetes identity is bound to roles. The workspace feature implements this (its members'
 * RoleBindings), so that rotating a credential can move every binding to the new identity without access knowing
 * what a workspace is.
 */
public interface IdentityBindings {

    /**
     * In the transaction that moves the account to a new credential epoch: asks the reconciler to re-point the
     * bindings, so the move completes even if {@link #rebind} does not get there.
     */
    void requestRebind(UUID accountId);

    /** Points every binding of the account at the ServiceAccount of its current credential epoch, now. */
    void rebind(UUID accountId);
}
