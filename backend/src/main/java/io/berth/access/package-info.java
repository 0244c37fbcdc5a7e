/**
 * Accounts and access: one account per identity and the current caller, each account's Kubernetes identity (a
 * ServiceAccount per credential epoch) and the tokens issued for it. Announces new accounts ({@link
 * io.berth.access.AccountCreated}); the places an identity is bound are {@link io.berth.access.IdentityBindings}.
 */
@OwnsTables({"account", "account_credential"})
package io.berth.access;

import io.berth.common.OwnsTables;
