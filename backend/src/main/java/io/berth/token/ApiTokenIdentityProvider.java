package io.berth.token;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Turns an API token into an identity: the account's username as principal, no roles (so nothing that needs a role,
 * such as the admin API, is reachable), and the account, token and scopes as attributes. An unknown, revoked or
 * expired token fails authentication outright (401), so no other mechanism gets to try it.
 */
@ApplicationScoped
public class ApiTokenIdentityProvider implements IdentityProvider<ApiTokenAuthenticationRequest> {

    private final ApiTokenService tokens;

    ApiTokenIdentityProvider(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<ApiTokenAuthenticationRequest> getRequestType() {
        return ApiTokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiTokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return context.runBlocking(() -> tokens.authenticate(request.token())
                .map(b -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(b.username()))
                        .addAttribute(ApiTokenIdentity.ACCOUNT_ID, b.accountId())
                        .addAttribute(ApiTokenIdentity.TOKEN_ID, b.tokenId())
                        .addAttribute(ApiTokenIdentity.SCOPES, java.util.Set.copyOf(b.scopes())).build())
                .orElseThrow(() -> new AuthenticationFailedException("unknown, revoked or expired API token")));
    }
}
