package io.berth.common;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses state-changing requests to pages unless they carry the CSRF token of the browser's cookie (in the
 * {@code X-CSRF-Token} header or the {@code _csrf} form field) and, where the browser says so, come from this site.
 */
public class CsrfFilter {

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    @WithFormRead
    public void verify(ResteasyReactiveContainerRequestContext request, RoutingContext rc) {
        if (isSafe(request.getMethod()) || !Csrf.isProtected(rc.normalizedPath())) {
            return;
        }
        String site = request.getHeaderString("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw refused();
        }
        Cookie cookie = rc.request().getCookie(Csrf.COOKIE);
        String submitted = request.getHeaderString(Csrf.HEADER);
        if (submitted == null && isForm(request.getMediaType()) && request.hasEntity()) {
            Object field = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                    .getFormParameter(Csrf.FIELD, true, false);
            submitted = field == null ? null : field.toString();
        }
        if (cookie == null || !Csrf.matches(cookie.getValue(), submitted)) {
            throw refused();
        }
    }

    private static ProblemException refused() {
        return new ProblemException(Problem.of(403, "Request refused", "This form was stale or did not come from "
                + "Berth. Reload the page and try again."));
    }

    private static boolean isSafe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    private static boolean isForm(MediaType type) {
        return type != null
                && ((type.getType().equals("application") && type.getSubtype().equals("x-www-form-urlencoded"))
                        || (type.getType().equals("multipart") && type.getSubtype().equals("form-data")));
    }
}
