package io.berth.common;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Rate limits of the API endpoints near sign-up, by method and path, per caller (or per client address for anonymous
 * callers). Pages and services with their own limits call {@link RateLimiter} directly.
 */
public class RateLimitFilter {

    @Inject
    RateLimiter limiter;
    @Inject
    CurrentIdentityAssociation identity;

    /** The limit a request spends, if any. */
    static Optional<RateLimiter.Limit> limitFor(String method, String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if ("POST".equals(method)) {
            if (p.equals("/api/v1/invitations/accept") || p.equals("/api/v1/invitations/decline")) {
                return Optional.of(RateLimiter.Limit.INVITATION_ANSWER);
            }
            if (p.equals("/api/v1/billing/vouchers/redeem")) {
                return Optional.of(RateLimiter.Limit.VOUCHER_REDEEM);
            }
            if (p.equals("/api/v1/workspaces")) {
                return Optional.of(RateLimiter.Limit.WORKSPACE_CREATE);
            }
            if (p.matches("/api/v1/workspaces/[^/]+/invitations")) {
                return Optional.of(RateLimiter.Limit.INVITATION_CREATE);
            }
            if (p.equals("/api/v1/me/credentials/rotate")) {
                return Optional.of(RateLimiter.Limit.CREDENTIAL_ISSUE);
            }
        }
        if ("GET".equals(method) && p.equals("/api/v1/me/kubeconfig")) {
            return Optional.of(RateLimiter.Limit.CREDENTIAL_ISSUE);
        }
        return Optional.empty();
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 100)
    public Uni<Response> limit(ContainerRequestContext request, HttpServerRequest http) {
        Optional<RateLimiter.Limit> limit = limitFor(request.getMethod(),
                "/" + request.getUriInfo().getPath().replaceFirst("^/", ""));
        if (limit.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        String address = ClientAddress.of(http);
        return identity.getDeferredIdentity().map(id -> {
            limiter.check(limit.get(), key(id, address));
            return null;
        });
    }

    static String key(SecurityIdentity id, String address) {
        return id == null || id.isAnonymous() ? "ip:" + address : "user:" + id.getPrincipal().getName();
    }
}
