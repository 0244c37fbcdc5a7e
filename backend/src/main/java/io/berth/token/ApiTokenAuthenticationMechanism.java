package io.berth.token;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer tokens that start with {@code berth_pat_} on {@code /api/}: tried before OIDC, and only for such tokens, so
 * Keycloak access tokens still go to OIDC untouched. Anywhere else (pages, {@code /q/}) an API token is ignored.
 */
@ApplicationScoped
public class ApiTokenAuthenticationMechanism implements HttpAuthenticationMechanism {

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = apiToken(context.request().getHeader("Authorization"));
        if (token == null || !context.normalizedPath().startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(
                HttpSecurityUtils.setRoutingContextAttribute(new ApiTokenAuthenticationRequest(token), context));
    }

    /** The API token in an Authorization header, or null when it holds something else. */
    static String apiToken(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.startsWith(ApiTokenService.PREFIX) ? token : null;
    }

    /**
     * No challenge of its own: the next mechanism (OIDC) answers, with a login redirect on pages and 401 with
     * {@code WWW-Authenticate: Bearer} on the API, which is right for API tokens too.
     */
    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiTokenAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        // Before OIDC (which has the default priority), which would otherwise take the token for an opaque one.
        return DEFAULT_PRIORITY + 500;
    }
}
