package io.berth.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.common.ClientAddress;
import io.berth.common.RateLimitedException;
import io.berth.common.RateLimiter;
import io.quarkus.arc.Unremovable;
import io.quarkus.oidc.OidcRedirectFilter;
import io.quarkus.oidc.Redirect;
import io.quarkus.security.Authenticated;
import io.quarkus.vertx.http.runtime.filters.Filters;

/**
 * Sign-up is Keycloak's registration form, reached through the ordinary login flow: {@code /signup} needs a login,
 * and {@link Prompt} adds OIDC's {@code prompt=create} to that login's redirect, which makes Keycloak show its
 * registration form instead of the login form. Once registered the user lands here, has an account (and a personal
 * workspace), and goes on to the console.
 */
@Path("/signup")
@Authenticated
public class SignupPage {

    private final Pages pages;

    SignupPage(Pages pages) {
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    public Response get() {
        pages.account();
        return Pages.seeOther("/console", "welcome");
    }

    /** Adds {@code prompt=create} to the authorization redirect of {@code /signup}. */
    @ApplicationScoped
    @Unremovable // looked up by OIDC at run time, never injected
    @Redirect(Redirect.Location.OIDC_AUTHORIZATION)
    public static class Prompt implements OidcRedirectFilter {
        @Override
        public void filter(OidcRedirectContext context) {
            if ("/signup".equals(context.routingContext().normalizedPath())) {
                context.additionalQueryParams().add("prompt", "create");
            }
        }
    }

    /**
     * Limits sign-up starts per client address, before the login redirect. The redirect to Keycloak is the HTTP
     * permission check of {@code /signup} (authenticated), which runs in the authentication and authorization
     * handlers ({@code SecurityHandlerPriorities}: 200 and 100), so this filter must come before them: at its old
     * priority (80) the visitor was already on the way to Keycloak and the limit never fired. Every request of
     * {@code /signup} counts, signed in or not: the session cookie cannot be judged this early, and a forged one would
     * otherwise skip the limit. Keycloak's own brute-force protection covers its forms.
     */
    @ApplicationScoped
    public static class Limit {
        /** Above authentication (200), below CORS (300). */
        static final int BEFORE_AUTHENTICATION = 250;

        private final RateLimiter limiter;

        Limit(RateLimiter limiter) {
            this.limiter = limiter;
        }

        void register(@Observes Filters filters) {
            filters.register(rc -> {
                if ("/signup".equals(rc.normalizedPath())) {
                    try {
                        limiter.checkAnonymous(RateLimiter.Limit.SIGNUP, ClientAddress.of(rc.request()));
                    } catch (RateLimitedException e) {
                        rc.response().setStatusCode(429).putHeader("Retry-After", Long.toString(e.retryAfterSeconds()))
                                .putHeader("Content-Type", "text/html; charset=utf-8")
                                .end("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Slow down"
                                        + " · Berth</title><link rel=\"stylesheet\" href=\"/static/berth.css\"></head>"
                                        + "<body><main id=\"main\"><h1>Slow down a little</h1><p>Too many sign-ups "
                                        + "from your address. Try again in " + e.retryAfterSeconds()
                                        + " seconds.</p></main></body></html>");
                        return;
                    }
                }
                rc.next();
            }, BEFORE_AUTHENTICATION);
        }
    }
}
