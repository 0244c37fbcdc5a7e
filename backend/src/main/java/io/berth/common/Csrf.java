package io.berth.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

/**
 * Double-submit CSRF protection of the pages. Every page response makes sure the browser holds a random token in an
 * HttpOnly, SameSite=Strict cookie; pages put the same token into their forms ({@code _csrf}) and into a meta tag
 * that the console's script sends as {@code X-CSRF-Token} with htmx requests. {@link CsrfFilter} refuses unsafe
 * requests whose token does not match the cookie. Another site can make a browser send the cookie (not with
 * SameSite=Strict, but older browsers) but cannot read it, so it cannot forge the matching field.
 */
@ApplicationScoped
@Named("csrf")
public class Csrf {

    public static final String COOKIE = "berth-csrf";
    public static final String FIELD = "_csrf";
    public static final String HEADER = "X-CSRF-Token";
    static final String CONTEXT_KEY = "berth.csrf";
    private static final int TOKEN_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final CurrentVertxRequest request;

    Csrf(CurrentVertxRequest request) {
        this.request = request;
    }

    void register(@Observes Filters filters) {
        filters.register(this::ensureCookie, 90);
    }

    private void ensureCookie(RoutingContext rc) {
        if (isProtected(rc.normalizedPath())) {
            Cookie existing = rc.request().getCookie(COOKIE);
            String token = existing != null && wellFormed(existing.getValue()) ? existing.getValue() : null;
            if (token == null) {
                token = newToken();
                rc.response().addCookie(Cookie.cookie(COOKIE, token).setPath("/").setHttpOnly(true)
                        .setSameSite(CookieSameSite.STRICT).setSecure(secure(rc)));
            }
            rc.put(CONTEXT_KEY, token);
        }
        rc.next();
    }

    /** The token of this request, for templates: {@code {inject:csrf.token}}. */
    public String token() {
        RoutingContext rc = request.getCurrent();
        String token = rc == null ? null : rc.get(CONTEXT_KEY);
        return token == null ? "" : token;
    }

    /** Pages and the admin area; the API takes bearer tokens, which browsers never send on their own. */
    static boolean isProtected(String path) {
        return SecurityHeaders.isPrivatePage(path);
    }

    static boolean wellFormed(String token) {
        if (token == null || token.length() != 43) {
            return false;
        }
        try {
            return Base64.getUrlDecoder().decode(token).length == TOKEN_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean matches(String cookie, String submitted) {
        if (!wellFormed(cookie) || submitted == null) {
            return false;
        }
        return MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII),
                submitted.strip().getBytes(StandardCharsets.US_ASCII));
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean secure(RoutingContext rc) {
        return rc.request().isSSL() || "https".equalsIgnoreCase(rc.request().getHeader("X-Forwarded-Proto"));
    }
}
