package io.berth.access;

import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The account of the authenticated caller, resolved (and created on first use) once per request: from a Berth API
 * token (its identity names the account) or else from the Keycloak token. Deleted accounts are refused, and so are
 * accounts an admin suspended: they keep nothing but the page that says so.
 */
@RequestScoped
public class CurrentAccount {

    /**
     * The identity attribute that names the account of a caller who did not log in through Keycloak: an API token's
     * identity carries it (and this is how a request knows it came with one).
     */
    public static final String ACCOUNT_ATTRIBUTE = "berth.token.account-id";

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
        return delegatedAccount() != null;
    }

    /** For operations only a person logged in through Keycloak may do (managing API tokens). */
    public Account requireInteractive() {
        if (viaApiToken()) {
            throw ProblemException.forbidden("API tokens cannot manage API tokens; use a Keycloak login");
        }
        return get();
    }

    private Account resolve() {
        UUID fromApiToken = delegatedAccount();
        if (fromApiToken != null) {
            Account a = find(fromApiToken);
            if (a == null) {
                throw new ProblemException(Problem.of(401, "Unauthenticated", "The API token's account is gone"));
            }
            return a;
        }
        return accounts.ensure(token);
    }

    private UUID delegatedAccount() {
        return identity == null ? null : identity.getAttribute(ACCOUNT_ATTRIBUTE);
    }

    @Transactional
    Account find(UUID id) {
        return Account.findById(id);
    }
}
