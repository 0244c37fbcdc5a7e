package io.berth.common;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every response of the portal carries (the static ones, X-Frame-Options, X-Content-Type-Options and
 * Referrer-Policy, are in application.properties). The Content-Security-Policy allows scripts and styles from this
 * origin only, so no inline script can run; forms may post here and, when a session has run out, be redirected to
 * the identity provider. Swagger UI and the other {@code /q/} tools bring inline scripts and keep their own headers.
 */
@ApplicationScoped
public class SecurityHeaders {

    private final String csp;

    SecurityHeaders(@ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServerUrl) {
        this.csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                + "form-action 'self' " + origin(authServerUrl);
    }

    static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    void register(@Observes Filters filters) {
        filters.register(this::addHeaders, 100);
    }

    private void addHeaders(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (!path.startsWith("/q/")) {
            rc.addHeadersEndHandler(v -> {
                MultiMap h = rc.response().headers();
                h.set("Content-Security-Policy", csp);
                h.set("Cross-Origin-Opener-Policy", "same-origin");
                h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
                if (isPrivatePage(path) && !h.contains("Cache-Control")) {
                    h.set("Cache-Control", "no-store");
                }
            });
        }
        rc.next();
    }

    static boolean isPrivatePage(String path) {
        return path.equals("/console") || path.startsWith("/console/") || path.equals("/admin")
                || path.startsWith("/admin/");
    }
}
