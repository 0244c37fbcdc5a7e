package io.berth.token;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.berth.common.Problem;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Enforces API-token scopes centrally: every request that carries an API token needs the scope {@link TokenScopes}
 * maps its method and path to, and is refused (403 problem+json) where there is none.
 */
public class TokenScopeFilter {

    @Inject
    CurrentIdentityAssociation identity;

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> checkScope(ContainerRequestContext request) {
        if (ApiTokenAuthenticationMechanism.apiToken(request.getHeaderString("Authorization")) == null) {
            return Uni.createFrom().nullItem();
        }
        String method = request.getMethod();
        String path = TokenScopes.normalize(request.getUriInfo().getPath());
        return identity.getDeferredIdentity().map(id -> {
            if (!ApiTokenIdentity.isApiToken(id)) {
                // An API token outside /api/ authenticates nothing; whatever answers will not trust it.
                return null;
            }
            Optional<TokenScope> needed = TokenScopes.required(method, path);
            if (needed.isEmpty()) {
                return forbidden(path, "API tokens cannot be used for " + method + " " + path
                        + " (token management and the admin API need a Keycloak login)");
            }
            if (!ApiTokenIdentity.scopes(id).contains(needed.get())) {
                return forbidden(path, "This API token lacks the '" + needed.get() + "' scope");
            }
            return null;
        });
    }

    private static Response forbidden(String path, String detail) {
        return Response.status(403).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(403, "Forbidden", detail).withInstance(path)).build();
    }
}
