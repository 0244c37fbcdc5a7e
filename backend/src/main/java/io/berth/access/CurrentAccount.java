package io.berth.access;

import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.token.ApiTokenIdentity;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The account of the authenticated caller, resolved (and created on first use) once per request: from a Berth API
 * token (its identity names the account) or else from the Keycloak token. Deleted accounts are refused, and so are
 * accounts an admin suspended: they keep nothing but the page that says so.
 */
@RequestScoped
public class CurrentAccount {

    private final AccountService accounts;
    private final JsonWebToken token;
    private final SecurityIdentity identity;
    private Account account;

    CurrentAccount(AccountService accounts, JsonWebToken token, SecurityIdentity identity) {
        this.accounts = accounts;
        this.token = token;
        this.identity = identity;
    }

    public Account get() {
        if (account == null) {
            Account a = resolve();
            if (a.status == Account.Status.deleted) {
                throw new ProblemException(Problem.of(403, "Account deleted", "This account has been deleted"));
            }
            if (a.status == Account.Status.suspended) {
                throw new ProblemException(Problem.of(403, "Account suspended",
                        "An administrator suspended this account; contact support to have it resumed"));
            }
            account = a;
        }
        return account;
    }

    /** Whether the caller authenticated with a Berth API token rather than through Keycloak. */
    public boolean viaApiToken() {
        return ApiTokenIdentity.isApiToken(identity);
    }

    /** For operations only a person logged in through Keycloak may do (managing API tokens). */
    public Account requireInteractive() {
        if (viaApiToken()) {
            throw ProblemException.forbidden("API tokens cannot manage API tokens; use a Keycloak login");
        }
        return get();
    }

    private Account resolve() {
        UUID fromApiToken = ApiTokenIdentity.accountId(identity);
        if (fromApiToken != null) {
            Account a = find(fromApiToken);
            if (a == null) {
                throw new ProblemException(Problem.of(401, "Unauthenticated", "The API token's account is gone"));
            }
            return a;
        }
        return accounts.ensure(token);
    }

    @Transactional
    Account find(UUID id) {
        return Account.findById(id);
    }
}
