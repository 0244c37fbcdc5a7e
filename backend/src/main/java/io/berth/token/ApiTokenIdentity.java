package io.berth.token;

import java.util.Set;
import java.util.UUID;

import io.berth.access.CurrentAccount;
import io.quarkus.security.identity.SecurityIdentity;

/** The attributes an API-token identity carries, and how to read them. */
public final class ApiTokenIdentity {

    public static final String ACCOUNT_ID = CurrentAccount.ACCOUNT_ATTRIBUTE;
    public static final String TOKEN_ID = "berth.token.id";
    public static final String SCOPES = "berth.token.scopes";

    private ApiTokenIdentity() {
    }

    /** The account an API token speaks for; null for identities from Keycloak. */
    public static UUID accountId(SecurityIdentity identity) {
        return identity == null ? null : identity.getAttribute(ACCOUNT_ID);
    }

    public static boolean isApiToken(SecurityIdentity identity) {
        return accountId(identity) != null;
    }

    public static Set<TokenScope> scopes(SecurityIdentity identity) {
        Set<TokenScope> scopes = identity.getAttribute(SCOPES);
        return scopes == null ? Set.of() : scopes;
    }
}
